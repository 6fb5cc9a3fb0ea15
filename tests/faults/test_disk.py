"""A full or read-only disk under RENDERTALLY_HOME: the host is not disturbed and the person is told.

A small tmpfs is mounted for these tests (we run as root in CI; without the right to mount they
skip, saying so) and filled up, or remounted read-only, at the moment that matters.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rendertally.core.errors import OutboxError
from rendertally.core.reporter import Reporter

from .harness import DELIVERED_EXIT, INVALID_EXIT, NOT_YET_EXIT, REPORT, cli, db_rows


class SmallDisk:
    """A 512 KiB tmpfs that a test can fill up or make read-only."""

    def __init__(self, mountpoint: Path) -> None:
        self.path = mountpoint
        self.filler = mountpoint / "filler"

    def fill(self) -> None:
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 512)
        except OSError:
            pass  # ENOSPC: full
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def read_only(self, on: bool = True) -> None:
        subprocess.run(["mount", "-o", f"remount,{'ro' if on else 'rw'}", str(self.path)], check=True,
                       capture_output=True)


@pytest.fixture
def disk(tmp_path):
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    if sys.platform != "linux":
        pytest.skip("needs a Linux tmpfs")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(mountpoint)],
                          check=False, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield SmallDisk(mountpoint)
    finally:
        if subprocess.run(["umount", str(mountpoint)], check=False, capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mountpoint)], check=False, capture_output=True)


@pytest.fixture
def disk_env(disk, healthy, monkeypatch):
    """Child environment with RENDERTALLY_HOME on the small disk, pointed at the healthy sandbox."""
    from .harness import child_env

    home = disk.path / "home"
    monkeypatch.setenv("RENDERTALLY_HOME", str(home))
    return child_env(home, healthy.url)


def test_report_on_a_full_disk_is_refused_clearly_and_keeps_what_was_queued(disk, disk_env, healthy):
    """A report on a full disk exits 2 naming the outbox, sending nothing; the earlier job goes once when freed."""
    assert cli(disk_env, *REPORT, "--wait", "0").code == NOT_YET_EXIT  # one job waits on disk
    disk.fill()

    run = cli(disk_env, *REPORT, "--wait", "5")

    assert run.code == INVALID_EXIT, str(run)  # nothing queued, and it says so
    assert "outbox" in run.err.lower() and str(disk.path / "home") in run.err
    assert healthy.requests == []
    disk.free()
    assert cli(disk_env, "outbox", "flush", "--wait", "20").code == DELIVERED_EXIT
    assert len(healthy.jobs) == 1  # the job queued before the disk filled, exactly once
    assert [row["state"] for row in db_rows(disk.path / "home")] == ["delivered"]


def test_first_report_on_a_full_disk(disk, disk_env, healthy):
    """The first report on a full disk exits 2 and says the disk is full or could not be written."""
    disk.fill()
    run = cli(disk_env, *REPORT, "--wait", "5")
    assert run.code == INVALID_EXIT, str(run)
    assert "disk is full" in run.err or "could not be written" in run.err, str(run)


def test_report_on_a_read_only_disk(disk, disk_env, healthy):
    """A report on a read-only disk exits 2 naming the outbox; once writable, the earlier job is delivered once."""
    assert cli(disk_env, *REPORT, "--wait", "0").code == NOT_YET_EXIT
    disk.read_only()
    try:
        run = cli(disk_env, *REPORT, "--wait", "5")
        assert run.code == INVALID_EXIT, str(run)
        assert "outbox" in run.err.lower() and str(disk.path / "home") in run.err
    finally:
        disk.read_only(False)
    assert cli(disk_env, "outbox", "flush", "--wait", "20").code == DELIVERED_EXIT
    assert len(healthy.jobs) == 1


@pytest.mark.parametrize("trouble", ["full", "read-only"])
def test_settings_cannot_be_saved_and_the_old_file_stays_whole(trouble, disk, disk_env):
    """A settings save on a full or read-only disk exits 2 naming the file; the file is unchanged, no temp left."""
    assert cli(disk_env, "settings", "set", "email", "old@studio.com").code == 0
    settings_file = disk.path / "home" / "settings.json"
    before = settings_file.read_bytes()
    disk.fill() if trouble == "full" else disk.read_only()
    try:
        run = cli(disk_env, "settings", "set", "email", "new-address-that-is-longer@studio.example.com")
    finally:
        disk.read_only(False)
    assert run.code == INVALID_EXIT, str(run)
    assert "could not write" in run.err.lower() and str(settings_file) in run.err
    assert settings_file.read_bytes() == before
    assert sorted(p.name for p in settings_file.parent.iterdir() if p.name.startswith(".settings")) == []


HOST = textwrap.dedent("""
    # What a host adapter does, on the host's thread: a process-wide reporter, a session per render.
    import json, logging, sys, time
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from rendertally.core.reporter import get_reporter
    reporter = get_reporter()
    reporter.start_sending()
    session = reporter.session("BLD", "5.0.1")
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    session.start(engine="Cycles", **reporter.job_defaults())
    for frame in range(1, 6):
        session.frame_done(frame)
    session.finish("done")
    print(json.dumps({"seconds": time.perf_counter() - started, "unsaved": len(session.unsaved)}), flush=True)
    sys.stdin.readline()
    session.process_exit()           # the host is closing: what the disk refused is written now
    reporter.flush(20)
    print(json.dumps({"unsaved": len(session.unsaved), "counts": reporter.outbox.counts()}), flush=True)
""")


# Read-only cannot be switched on under a running host (the kernel refuses to remount a file system
# with files open for writing); a home that is read-only from the start is covered below.
@pytest.mark.parametrize("trouble", ["full"])
def test_a_host_rendering_while_the_disk_refuses_is_not_disturbed(trouble, disk, disk_env, healthy):
    """A host rendering on a full disk is not held up, keeps the job in memory, says so, and delivers it at exit."""
    host = subprocess.Popen([sys.executable, "-c", HOST], env=disk_env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert host.stdout.readline().strip() == "ready"
        disk.fill() if trouble == "full" else disk.read_only()
        host.stdin.write("render\n")
        host.stdin.flush()
        during = json.loads(host.stdout.readline())
        disk.free() if trouble == "full" else disk.read_only(False)
        host.stdin.write("exit\n")
        host.stdin.flush()
        out, err = host.communicate(timeout=60)
    finally:
        if host.poll() is None:
            host.kill()
    assert host.returncode == 0, err
    assert "Traceback" not in err
    assert during["seconds"] < 2.0, during  # a generous bound: the host's thread was not held up
    assert during["unsaved"] == 1  # kept in memory while the disk refused
    assert "kept in memory" in err  # and the person (the host's console) was told
    after = json.loads(out.strip().splitlines()[-1])
    assert after["unsaved"] == 0 and after["counts"]["delivered"] == 1, after
    (job,) = healthy.jobs
    assert (job["request"]["Frames"], job["request"]["JobStatus"]) == ("5", "1")


@pytest.mark.parametrize("where", ["proc", "file-as-folder", "read-only-disk"])
def test_a_home_that_cannot_be_written_is_a_clear_error(where, tmp_path, env_for, healthy, request):
    """An unwritable home raises OutboxError in Reporter, and a report exits 2 naming it without sending."""
    if where == "read-only-disk":
        disk = request.getfixturevalue("disk")
        disk.read_only()
        request.addfinalizer(lambda: disk.read_only(False))
        home = disk.path / "home"
    elif where == "proc":
        home = Path("/proc/rendertally-cannot-be-here/home")
        if not Path("/proc/self").exists():
            pytest.skip("no /proc")
    else:
        blocker = tmp_path / "blocker"
        blocker.write_text("a file where a folder should be")
        home = blocker / "home"
    with pytest.raises(OutboxError, match="Cannot open the outbox"):
        Reporter(home)  # a RenderTallyError an adapter's guard handles, never a raw OSError
    env = {**env_for(healthy.url), "RENDERTALLY_HOME": str(home)}
    run = cli(env, *REPORT, "--wait", "5")
    assert run.code == INVALID_EXIT, str(run)
    assert str(home) in run.err
    assert healthy.requests == []


def test_a_sender_that_keeps_failing_backs_off_without_flooding_the_host_log(disk, disk_env, healthy, monkeypatch):
    """The disk refuses every write while a job waits: the sender thread must neither spin nor log
    a traceback many times a second into the host's console; once space is back it delivers."""
    import logging
    import time

    from rendertally.core.job import RenderJob
    from rendertally.core.outbox import Outbox

    from .harness import wait_until

    for name in ("RENDERTALLY_URL", "RENDERTALLY_ID", "RENDERTALLY_KEY"):
        monkeypatch.setenv(name, disk_env[name])
    home = disk.path / "home"
    box = Outbox(home / "outbox.sqlite3")
    box.submit(RenderJob(frames=1, render_hours=0.1, software="BLD", software_version="5.0.1", render_engine="Cycles"))
    box.close()
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("rendertally").addHandler(handler)
    reporter = Reporter(home)
    try:
        disk.fill()
        reporter.start_sending()
        time.sleep(3)
        loud = [r for r in records if r.levelno >= logging.WARNING and r.name.endswith("sender")]
        reason = reporter.sender.last_error or ""
        disk.free()
        delivered = wait_until(lambda: healthy.jobs, 20, every=0.2)
    finally:
        reporter.close(timeout=0)
        reporter.outbox.close()
        logging.getLogger("rendertally").removeHandler(handler)
    assert 1 <= len(loud) <= 3, f"{len(loud)} warnings or errors from the sender in 3 s"
    assert "full" in reason or "could not be written" in reason, reason  # kept for people to see
    assert len(delivered) == 1
