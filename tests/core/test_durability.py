"""Durability: killed processes lose nothing; several processes share one outbox safely."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from rendertally.core.outbox import DELIVERED, PENDING, Outbox
from rendertally.core.sandbox import Sandbox

from ..conftest import SECRET_KEY, TEST_ID

REPORTER = textwrap.dedent("""
    import sys, datetime as dt
    from rendertally.core.job import RenderJob
    from rendertally.core.reporter import Reporter
    tag, count = sys.argv[1], int(sys.argv[2])
    reporter = Reporter()
    reporter.start_sending()
    for i in range(count):
        job = RenderJob(frames=i, render_hours=0.01, software="BLD", software_version="5.0.1",
                        render_engine="Cycles", mission_id=f"{tag}-{i}")
        reporter.submit(job)
        print(f"{tag}-{i}", flush=True)   # printed only once the job is on disk
    reporter.flush(60)
    print("done", flush=True)
""")


@pytest.fixture
def env(sandbox_url, isolated):
    """Environment for child processes: same home, the sandbox, the test credentials."""
    return {**os.environ, "RENDERTALLY_HOME": str(isolated), "RENDERTALLY_URL": sandbox_url,
            "RENDERTALLY_ID": TEST_ID, "RENDERTALLY_KEY": SECRET_KEY, "RENDERTALLY_KEYRING": "0"}


@pytest.fixture
def sandbox():
    with Sandbox() as box:
        yield box


@pytest.fixture
def sandbox_url(sandbox):
    return sandbox.url


def outbox_rows(home) -> dict[str, str]:
    box = Outbox(home / "outbox.sqlite3")
    try:
        return {row.job.mission_id: row.state for row in box.list(limit=100_000)}
    finally:
        box.close()


def test_sigkill_at_random_points_loses_nothing(env, isolated, sandbox):
    """20 reporting processes killed with SIGKILL at random moments: every acknowledged job
    is in the outbox (delivered or pending) and the file stays readable."""
    rng = random.Random(20261129)
    acknowledged: list[str] = []
    for trial in range(20):
        child = subprocess.Popen([sys.executable, "-c", REPORTER, f"t{trial}", "40"], env=env,
                                 stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.3, 0.9))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        acknowledged += [line for line in out.split() if line != "done"]
    assert len(acknowledged) > 50, "the children were killed before doing anything; the test proves nothing"
    rows = outbox_rows(isolated)
    missing = [tag for tag in acknowledged if tag not in rows]
    assert missing == []
    with sqlite3.connect(isolated / "outbox.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # A healthy process afterwards delivers whatever the killed ones left pending.
    final = subprocess.run([sys.executable, "-m", "rendertally.core", "outbox", "flush", "--wait", "60"],
                           env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert set(outbox_rows(isolated).values()) == {DELIVERED}
    delivered = [job["request"]["MissionId"] for job in sandbox.jobs]
    assert set(acknowledged) <= set(delivered)


def test_four_processes_deliver_every_job_once(env, isolated, sandbox):
    """Four processes submitting and flushing one outbox at once: every job once, none twice."""
    children = [subprocess.Popen([sys.executable, "-c", REPORTER, f"p{n}", "50"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(4)]
    for child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
        assert out.split()[-1] == "done"
    delivered = [job["request"]["MissionId"] for job in sandbox.jobs]
    assert len(delivered) == 200
    assert len(set(delivered)) == 200
    assert set(outbox_rows(isolated).values()) == {DELIVERED}


def test_a_process_killed_mid_send_is_resent_once_by_the_next(env, isolated, sandbox):
    """Killed while its request hangs: the next process sends that job exactly once more."""
    sandbox.set_fault("hang")
    child = subprocess.Popen([sys.executable, "-c", REPORTER, "k", "1"], env=env, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not sandbox.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox.requests, "the child never reached the API"
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=10)
    assert outbox_rows(isolated) == {"k-0": PENDING}
    sandbox.set_fault("none")
    final = subprocess.run([sys.executable, "-m", "rendertally.core", "outbox", "flush", "--wait", "30"],
                           env=env, capture_output=True, text=True, timeout=60)
    assert final.returncode == 0, final.stderr
    assert [job["request"]["MissionId"] for job in sandbox.jobs] == ["k-0"]
    assert json.loads(subprocess.run(
        [sys.executable, "-m", "rendertally.core", "outbox", "list", "--all", "--json"],
        env=env, capture_output=True, text=True, check=True).stdout)[0]["attempts"] == 2
