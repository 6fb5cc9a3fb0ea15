"""OpenCue: the real pycue client against a loopback Cuebot; one report per finished job."""
from __future__ import annotations

import pytest

pytest.importorskip("opencue")  # the farm extra; part of the test extra, so CI always has it

import opencue  # noqa: E402
from opencue_proto import job_pb2  # noqa: E402

from rendertally.core.reporter import get_reporter, reset_reporter  # noqa: E402
from rendertally.core.sandbox import Sandbox  # noqa: E402
from rendertally.plugins.farm.opencue import OpenCuePoller  # noqa: E402
from tests.hosts.cuebot import FakeCuebot  # noqa: E402

T0 = 1_764_000_000
OK, DEAD, WAITING = job_pb2.SUCCEEDED, job_pb2.DEAD, job_pb2.WAITING


@pytest.fixture
def cuebot():
    """A fake Cuebot that pycue is pointed at (CUEBOT_HOSTS, as on a studio machine)."""
    with FakeCuebot() as cue:
        opencue.Cuebot.setHosts([cue.address])
        yield cue
        opencue.Cuebot.closeChannel()


@pytest.fixture
def sandbox(credentials_env):
    with Sandbox() as box:
        credentials_env(box.url)
        yield box


def _deliver():
    reporter = get_reporter()
    reporter.start_sending()
    assert reporter.flush(20, force=True)


def _farm(cue):
    cue.add_job("j-done", "shot-010_lighting", services=("maya", "arnold"),
                frames=[(n, OK, T0 + 100 * n, T0 + 100 * n + 90) for n in (1, 2, 3, 4)])
    cue.add_job("j-failed", "shot-020_fx", services=("blender",),
                frames=[(1, OK, T0, T0 + 60), (2, DEAD, T0, T0 + 30), (3, OK, T0, T0 + 60)])
    cue.add_job("j-killed", "shot-030_comp", services=("maya", "vray"),
                frames=[(1, OK, T0, T0 + 600), (2, WAITING, 0, 0), (3, WAITING, 0, 0)])
    cue.add_job("j-running", "shot-040", state=job_pb2.PENDING, frames=[(1, OK, T0, T0 + 1)])
    cue.add_job("j-nuke", "shot-050_slapcomp", services=("nuke",), frames=[(1, OK, T0, T0 + 5)])


def test_finished_failed_and_killed_jobs_are_reported_once_each(cuebot, sandbox):
    """Done / Failed / Aborted jobs reach the API with their frames and summed run time."""
    _farm(cuebot)
    rows = OpenCuePoller(["shot"]).poll_once()
    assert len(rows) == 3
    _deliver()
    got = {job["request"]["JobStatus"]: job["request"] for job in sandbox.jobs}
    assert set(got) == {"1", "2", "3"}
    done, failed, killed = got["1"], got["3"], got["2"]
    assert (done["SoftwareName"], done["RenderEngine"], done["Frames"]) == ("MAY", "arnold", "4")
    assert float(done["RenderHours"]) == pytest.approx(4 * 90 / 3600, abs=1e-6)
    assert (failed["SoftwareName"], failed["Frames"]) == ("BLD", "2")
    assert float(failed["RenderHours"]) == pytest.approx(150 / 3600, abs=1e-6)
    assert (killed["RenderEngine"], killed["Frames"]) == ("vray", "1")
    assert done["RunDate"] == "2025-11-24 16:00:00"  # the job started at T0, UTC
    assert "GetSystemStats" in cuebot.calls  # pycue's own health check reached the fake


def test_a_restarted_reporter_sends_nothing_twice(cuebot, sandbox):
    """The ledger remembers reported jobs across processes: a second poller queues nothing."""
    _farm(cuebot)
    assert len(OpenCuePoller(["shot"]).poll_once()) == 3
    reset_reporter()  # as a new process would start
    assert OpenCuePoller(["shot"]).poll_once() == []
    cuebot.add_job("j-new", "shot-060", services=("cinema4d", "redshift"), frames=[(7, OK, T0, T0 + 36)])
    assert len(OpenCuePoller(["shot"]).poll_once()) == 1
    _deliver()
    assert len(sandbox.jobs) == 4
    assert sandbox.jobs[-1]["request"]["SoftwareName"] == "C4D"


def test_more_frames_than_one_page_are_all_counted(cuebot, sandbox):
    """GetFrames answers in pages; a 1,200-frame job counts 1,200."""
    cuebot.add_job("j-long", "shot-070", frames=[(n, OK, T0, T0 + 1) for n in range(1, 1201)])
    OpenCuePoller(["shot"]).poll_once()
    _deliver()
    assert sandbox.jobs[0]["request"]["Frames"] == "1200"


def test_an_unreachable_cuebot_is_logged_and_the_service_keeps_running(caplog, cuebot):
    """run() survives a poll that fails and stops cleanly when asked."""
    poller = OpenCuePoller(["shot"], interval=0.05)
    calls = []

    def broken():
        calls.append(1)
        if len(calls) >= 3:
            poller.stop()
        raise ConnectionError("Cuebot is down")

    poller.poll_once = broken
    poller.run()
    assert len(calls) == 3
    assert "polling OpenCue failed" in caplog.text


def test_the_farm_command_reports_once_and_a_second_run_sends_nothing(cuebot, sandbox, capsys):
    """`rendertally farm opencue --show shot --once` queues and delivers the finished jobs; run again, nothing more."""
    from rendertally.core.cli import main

    _farm(cuebot)
    assert main(["farm", "opencue", "--show", "shot", "--once", "--wait", "20"]) == 0
    assert "3 farm job(s) queued" in capsys.readouterr().out
    assert len(sandbox.jobs) == 3
    reset_reporter()
    assert main(["farm", "opencue", "--show", "shot", "--once", "--wait", "5"]) == 0
    assert "0 farm job(s) queued" in capsys.readouterr().out and len(sandbox.jobs) == 3


def test_the_farm_service_stops_cleanly_on_sigterm(cuebot, sandbox, tmp_path):
    """The long-running service polls, delivers, and on SIGTERM ends its loop, flushes and exits 0."""
    import os
    import signal
    import subprocess
    import sys
    import time

    _farm(cuebot)
    env = {**os.environ, "CUEBOT_HOSTS": cuebot.address}
    child = subprocess.Popen([sys.executable, "-m", "rendertally.core", "farm", "opencue", "--show", "shot",
                              "--interval", "0.2", "--wait", "10"], env=env, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(sandbox.jobs) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    child.send_signal(signal.SIGTERM)
    out, _ = child.communicate(timeout=30)
    assert child.returncode == 0, out
    assert "running" in out and "pending 0" in out
    assert len(sandbox.jobs) == 3
