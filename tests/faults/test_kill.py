"""SIGKILL at the worst moments, and many processes on one outbox.

tests/core/test_durability.py already kills reporting processes at random points, kills one
mid-send and runs 4 × 50 jobs. These are the variants it lacks: killed during `outbox flush`,
during a settings save, mid-render (an open session), mid-send from `rendertally report` with a
`report` as the restart; and 4 × 250 jobs with `outbox flush` processes running alongside.
"""
from __future__ import annotations

import collections
import json
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from rendertally.core.job import RenderJob
from rendertally.core.outbox import Outbox
from rendertally.core.sandbox import Sandbox

from .harness import (
    COMMAND,
    DELIVERED_EXIT,
    NOT_YET_EXIT,
    REPORT,
    cli,
    db_rows,
    integrity,
    wait_until,
)

SEED = 20261129


def missions(sandbox) -> collections.Counter:
    return collections.Counter(job["request"]["MissionId"] for job in sandbox.jobs)


def kill_after(child: subprocess.Popen, seconds: float) -> None:
    time.sleep(seconds)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)


def test_sigkill_during_outbox_flush_loses_nothing_and_duplicates_at_most_the_send_in_flight(home, env_for):
    """Flushes SIGKILLed at random keep every row intact; all jobs then go, with at most one duplicate per kill."""
    rng = random.Random(SEED)
    count, trials = 150, 10
    box = Outbox(home / "outbox.sqlite3")
    for n in range(count):
        box.submit(RenderJob(frames=n, render_hours=0.01, software="MAY", software_version="2026",
                             render_engine="Arnold", mission_id=f"F-{n}"))
    box.close()
    with Sandbox(fault="slow", slow_seconds=0.01) as api:  # each send takes a little while
        env = env_for(api.url)
        for _ in range(trials):
            child = subprocess.Popen([*COMMAND, "outbox", "flush", "--wait", "60"], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            kill_after(child, rng.uniform(0.45, 1.0))
            assert integrity(home) == "ok"
            assert len(db_rows(home)) == count  # nothing lost, nothing torn
        sent_while_killing = len(api.jobs)
        api.set_fault("none")
        final = cli(env, "outbox", "flush", "--wait", "60")
        assert final.code == DELIVERED_EXIT, str(final)
        seen = missions(api)
    assert sent_while_killing > 0, "every flush was killed before sending: the test proved nothing"
    assert set(seen) == {f"F-{n}" for n in range(count)}  # every job delivered
    assert sum(seen.values()) - count <= trials  # at most the one in flight per kill, sent again
    assert {row["state"] for row in db_rows(home)} == {"delivered"}


SAVER = textwrap.dedent("""
    import sys
    from rendertally.core import settings
    for i in range(1_000_000):
        settings.save({"email": f"user{i}@studio.com", "mission_id": f"mission-{i}"})
        print(i, flush=True)   # printed only after save() returned
""")


def test_sigkill_during_settings_save_leaves_the_old_or_the_new_file_never_a_torn_one(home, env_for):
    """A SIGKILLed settings save leaves the last acknowledged or the next save, whole and loadable, never a mix."""
    from rendertally.core import settings

    rng = random.Random(SEED + 1)
    env = env_for("http://127.0.0.1:9")
    for name in ("RENDERTALLY_ID", "RENDERTALLY_KEY", "RENDERTALLY_URL"):
        env.pop(name)  # saved values only: nothing fixed by the environment
    previous = None
    for _ in range(12):
        child = subprocess.Popen([sys.executable, "-c", SAVER], env=env, stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.5, 1.0))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        acknowledged = [int(line) for line in out.split()]
        data = json.loads((home / "settings.json").read_text(encoding="utf-8"))  # parses: never torn
        if not acknowledged:
            assert data.get("email") == previous
            continue
        last = acknowledged[-1]
        assert data["email"] in (f"user{last}@studio.com", f"user{last + 1}@studio.com"), (last, data)
        assert data["mission_id"] == "mission-" + data["email"][4:].split("@")[0]  # one save, not a mix
        previous = data["email"]
        loaded = settings.load()
        assert loaded.problems == () and loaded.email == data["email"]
    assert previous is not None, "no save ever finished before the kill: the test proved nothing"


RENDERER = textwrap.dedent("""
    import sys, time
    from rendertally.core.reporter import Reporter
    reporter = Reporter()          # as an adapter: sessions journal to disk; sending is not needed here
    session = reporter.session("MAX", "2026")
    session.start(engine="V_Ray_6_Hotfix_3", mission_id=sys.argv[1])
    print("started", flush=True)
    for frame in range(1, 1000):
        time.sleep(0.03)
        session.frame_done(frame)
        print(frame, flush=True)   # printed only after the frame is journalled
""")


def test_sigkill_mid_render_is_reported_once_as_failed_with_the_frames_journalled(home, env_for, healthy):
    """A render SIGKILLed mid-session is later reported once as Failed, with every journalled frame counted."""
    rng = random.Random(SEED + 2)
    env = env_for(healthy.url)
    acknowledged: dict[str, int] = {}
    for trial in range(6):
        tag = f"R-{trial}"
        child = subprocess.Popen([sys.executable, "-c", RENDERER, tag], env=env, stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.6, 1.2))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        lines = out.split()
        if lines[:1] == ["started"]:
            acknowledged[tag] = int(lines[-1]) if len(lines) > 1 else 0
    assert len(acknowledged) >= 3, "the renders were killed before starting: the test proved nothing"

    flushed = cli(env, "outbox", "flush", "--wait", "30")

    assert flushed.code == DELIVERED_EXIT, str(flushed)
    assert cli(env, "outbox", "flush", "--wait", "5").code == DELIVERED_EXIT
    jobs = {job["request"]["MissionId"]: job["request"] for job in healthy.jobs}
    assert len(jobs) == len(healthy.jobs)  # each killed render reported once
    for tag, frames in acknowledged.items():
        assert jobs[tag]["JobStatus"] == "3"  # Failed: it never finished
        assert frames <= int(jobs[tag]["Frames"]) <= frames + 1  # every journalled frame counted
        assert jobs[tag]["RenderEngine"].startswith("V")


STUCK_IN_FRAME_ONE = textwrap.dedent("""
    import sys, time
    from rendertally.core.reporter import Reporter
    from rendertally.core.session import RenderSession
    reporter = Reporter()
    session = RenderSession(reporter.outbox, software="BLD", software_version="5.0.1", heartbeat=0.05)
    session.start(engine="Cycles", mission_id="stuck")
    print("started", flush=True)
    time.sleep(600)                # frame 1 never finishes
""")


def test_sigkill_inside_the_first_frame_still_reports_the_hours_rendered(home, env_for, healthy):
    """A render killed before its first frame ends is reported with the time it ran, from its heartbeat."""
    env = env_for(healthy.url)
    child = subprocess.Popen([sys.executable, "-c", STUCK_IN_FRAME_ONE], env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "started"
    started = time.monotonic()
    time.sleep(0.6)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    alive_for = time.monotonic() - started

    assert cli(env, "outbox", "flush", "--wait", "30").code == DELIVERED_EXIT
    (job,) = [entry["request"] for entry in healthy.jobs]
    hours = float(job["RenderHours"])
    assert job["JobStatus"] == "3" and job["Frames"] == "0"
    # At least the beats it wrote (all but the last 0.05 s before the kill), never more than it lived.
    assert 0.3 / 3600 <= hours <= (alive_for + 1.0) / 3600


def test_report_killed_mid_send_then_the_next_report_sends_it_exactly_once_more(home, env_for, healthy, scripted):
    """The API got the request but the answer never came; the reporter was killed. The next
    `report` sends the old job once more (at-least-once, documented) and its own job once."""
    black_hole = scripted(lambda request: black_hole.hang)
    env = env_for(black_hole.url)
    child = subprocess.Popen([*COMMAND, *REPORT, "--wait", "60"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert wait_until(lambda: black_hole.requests, 20), "the report never reached the API"
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=10)

    second = cli(env_for(healthy.url), *[a if a != "M-1" else "M-2" for a in REPORT], "--wait", "20")

    assert second.code == DELIVERED_EXIT, str(second)
    assert wait_until(lambda: len(healthy.jobs) == 2, 10)
    assert missions(healthy) == {"M-1": 1, "M-2": 1}
    assert len(black_hole.requests) == 1
    rows = {row["job"]["mission_id"]: row for row in db_rows(home)}
    assert (rows["M-1"]["state"], rows["M-1"]["attempts"]) == ("delivered", 2)
    assert (rows["M-2"]["state"], rows["M-2"]["attempts"]) == ("delivered", 1)


SUBMITTER = textwrap.dedent("""
    import sys
    from rendertally.core.job import RenderJob
    from rendertally.core.reporter import Reporter
    tag, count = sys.argv[1], int(sys.argv[2])
    reporter = Reporter()
    reporter.start_sending()
    for i in range(count):
        reporter.submit(RenderJob(frames=i, render_hours=0.01, software="C4D", software_version="2026.1",
                                  render_engine="Redshift", mission_id=f"{tag}-{i}"))
    reporter.flush(120)
    print("done", flush=True)
""")


@pytest.mark.slow
def test_four_processes_of_250_jobs_with_concurrent_flushes_deliver_each_job_once(home, env_for, healthy):
    """Four processes of 250 jobs each, with two concurrent flushes, deliver all 1000 jobs exactly once."""
    env = env_for(healthy.url)
    submitters = [subprocess.Popen([sys.executable, "-c", SUBMITTER, f"p{n}", "250"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(4)]
    flushers = []
    for _ in range(2):
        time.sleep(0.5)
        flushers.append(subprocess.Popen([*COMMAND, "outbox", "flush", "--wait", "120"], env=env,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for child in submitters:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0 and out.split() == ["done"], err
    for child in flushers:
        out, err = child.communicate(timeout=180)
        # 75 is honest when another process still had the last job in flight as this one finished
        assert child.returncode in (DELIVERED_EXIT, NOT_YET_EXIT), err
        assert "Traceback" not in err
    seen = missions(healthy)
    assert len(seen) == 1000 and set(seen.values()) == {1}  # every job, none twice
    rows = db_rows(home)
    assert len(rows) == 1000 and {row["state"] for row in rows} == {"delivered"}
    assert integrity(home) == "ok"


def test_a_later_save_removes_temp_files_a_killed_save_left(home):
    """A settings save removes an hour-old temp file that a killed save left next to settings.json."""
    import os as os_mod

    from rendertally.core import settings

    settings.save({"email": "first@studio.com"})
    stale = home / ".settings.json.k1ll3d00"
    stale.write_text('{"key": "left by a killed save"}')
    os_mod.utime(stale, (time.time() - 3600, time.time() - 3600))
    settings.save({"email": "second@studio.com"})
    assert not stale.exists()
