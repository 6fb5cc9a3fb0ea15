"""A damaged, misplaced or unreadable outbox file, and rows the code cannot read.

Where it makes sense (the file is ours and damaged) it is moved aside with a warning and
reporting continues; where it is not ours to move (a directory, a file we may not read) the
person is told clearly and the thing is left as it was. Always: no traceback, and no job the
outbox still holds is lost.
"""
from __future__ import annotations

import ctypes
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from rendertally.core.job import RenderJob
from rendertally.core.outbox import Outbox

from .harness import (
    COMMAND,
    DELIVERED_EXIT,
    INVALID_EXIT,
    NOT_YET_EXIT,
    REPORT,
    cli,
    db_rows,
    integrity,
    outbox_rows,
)

JOB = dict(frames=3, render_hours=0.1, software="MAX", software_version="2026", render_engine="Arnold")


def seed(home, pending: int = 2, delivered: int = 0) -> list[int]:
    """A real outbox with ``pending`` waiting jobs (mission ids P-0..) and ``delivered`` history rows."""
    box = Outbox(home / "outbox.sqlite3")
    try:
        ids = [box.submit(RenderJob(**JOB, mission_id=f"P-{n}")) for n in range(pending)]
    finally:
        box.close()
    if delivered:
        with sqlite3.connect(home / "outbox.sqlite3") as db:
            job = json.dumps(RenderJob(**JOB, mission_id="H").to_dict(), sort_keys=True)
            db.executemany("INSERT INTO jobs (state, job, created, updated) VALUES ('delivered', ?, 0, 0)",
                           [(job,)] * delivered)
    with sqlite3.connect(home / "outbox.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, as after a clean exit
    return ids


def asides(home) -> list:
    """The damaged files moved aside (not the -wal/-shm SQLite keeps next to them)."""
    return sorted(p for p in home.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm")))


def delivered_missions(sandbox) -> list[str]:
    return sorted(job["request"]["MissionId"] for job in sandbox.jobs)


# -- damaged: moved aside, reporting continues ----------------------------------------------------
def damage_garbage(path) -> None:
    path.write_bytes(os.urandom(64 * 1024))


def damage_text(path) -> None:
    path.write_text("this is not a database\n" * 500)


def damage_truncate(fraction: float):
    def damage(path) -> None:
        with open(path, "r+b") as handle:
            handle.truncate(int(path.stat().st_size * fraction))
    return damage


def damage_header(path) -> None:
    with open(path, "r+b") as handle:
        handle.write(b"\x00" * 100)  # the 100-byte SQLite header zeroed


@pytest.mark.parametrize("damage", [damage_garbage, damage_text, damage_truncate(0.01), damage_truncate(0.4),
                                    damage_header],
                         ids=["garbage", "text", "truncated-1pct", "truncated-40pct", "zeroed-header"])
def test_damaged_outbox_is_moved_aside_and_reporting_continues(damage, home, env_for, healthy):
    """A damaged outbox file is moved aside with a warning and the new report is delivered, no job sent twice."""
    seed(home, pending=2, delivered=300)
    path = home / "outbox.sqlite3"
    damage(path)
    damaged = path.read_bytes()
    env = env_for(healthy.url)

    run = cli(env, *REPORT, "--wait", "20")

    assert run.code == DELIVERED_EXIT, str(run)
    assert "damaged" in run.err and "moved aside" in run.err, str(run)  # the person is told, with both paths
    (aside,) = asides(home)
    assert str(aside) in run.err
    # Kept for whoever wants to recover it (SQLite may have checkpointed a -wal into it on the way).
    assert aside.stat().st_size >= len(damaged) > 0
    # The new job went out; so did every waiting job still readable in the damaged file (salvaged),
    # each once; everything salvaged that had been delivered stays history.
    delivered = delivered_missions(healthy)
    assert "M-1" in delivered and set(delivered) <= {"M-1", "P-0", "P-1"}
    assert len(delivered) == len(set(delivered))
    assert {row["state"] for row in outbox_rows(env)} == {"delivered"}
    assert integrity(home) == "ok"


def corrupt_a_table_page(path) -> None:
    """Overwrite one b-tree leaf page of the jobs table (not its index) in the middle of the file."""
    data = bytearray(path.read_bytes())
    leaves = [n for n in range(1, len(data) // 4096) if data[n * 4096] == 0x0D]
    victim = leaves[len(leaves) // 2] * 4096
    data[victim + 8: victim + 4096] = b"\xee" * (4096 - 8)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("damage", "history"), [(corrupt_a_table_page, 2000), (damage_truncate(0.9), 300)],
                         ids=["one-table-page", "truncated-90pct"])
def test_damage_past_the_index_is_noticed_at_open_like_other_damage(damage, history, home, env_for, healthy):
    """Damage a count(*) would not see (a table page, the file's tail) is found at open too."""
    seed(home, pending=2, delivered=history)
    damage(home / "outbox.sqlite3")
    env = env_for(healthy.url)

    run = cli(env, *REPORT, "--wait", "20")
    listed = cli(env, "outbox", "list", "--all", "--json")

    assert run.code == DELIVERED_EXIT, str(run)
    assert listed.code == 0, str(listed)  # the history can be looked at again
    assert len(asides(home)) == 1 and "damaged" in run.err


# -- not ours to move: told clearly, left alone ---------------------------------------------------
def test_a_directory_where_the_outbox_should_be(home, env_for, healthy):
    """A directory in the outbox's place makes a report exit 2 naming it; its contents stay and nothing is sent."""
    folder = home / "outbox.sqlite3"
    folder.mkdir(parents=True)
    (folder / "someone's file").write_text("keep me")
    env = env_for(healthy.url)

    run = cli(env, *REPORT, "--wait", "5")

    assert run.code == INVALID_EXIT, str(run)  # 2: nothing queued, and the message says why
    assert str(folder) in run.err and "outbox" in run.err.lower()
    assert (folder / "someone's file").read_text() == "keep me"
    assert healthy.requests == []


def _drop_dac_capabilities() -> None:
    """In the child: root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH obeys permission bits."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP: gone after exec
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_without_dac(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], env=env, check=False, capture_output=True, text=True, timeout=60,
                          preexec_fn=_drop_dac_capabilities)


@pytest.fixture
def unprivileged(home):
    """Skip unless a child can be made to obey permission bits (root with DAC capabilities dropped)."""
    if sys.platform != "linux":
        pytest.skip("permission bits checked through Linux capabilities")
    probe = home / "probe"
    home.mkdir(parents=True, exist_ok=True)
    probe.write_text("x")
    probe.chmod(0)
    try:
        done = subprocess.run([sys.executable, "-c", f"open({str(probe)!r}).read()"], check=False, capture_output=True,
                              preexec_fn=_drop_dac_capabilities if os.geteuid() == 0 else None)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot drop DAC capabilities here: {exc}")
    finally:
        probe.unlink()
    if done.returncode == 0:
        pytest.skip("permission bits do not stop this process (root with DAC capabilities)")
    return run_without_dac


def test_an_outbox_file_we_may_not_read(home, env_for, healthy, unprivileged):
    """A file we may not read (e.g. created by `sudo rendertally`): told, left alone, nothing lost."""
    seed(home, pending=1)
    path = home / "outbox.sqlite3"
    path.chmod(0)
    before = path.read_bytes()
    env = env_for(healthy.url)

    done = unprivileged(env, *REPORT, "--wait", "5")

    assert done.returncode == INVALID_EXIT, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert str(path) in done.stderr
    assert path.read_bytes() == before and asides(home) == []  # not ours to move or delete
    assert healthy.requests == []
    path.chmod(0o600)  # the person fixes the permissions: the job that waited is delivered
    assert cli(env, "outbox", "flush", "--wait", "20").code == 0
    assert delivered_missions(healthy) == ["P-0"]


# -- rows the code cannot read --------------------------------------------------------------------
def insert_unreadable_row(home, job: dict) -> None:
    with sqlite3.connect(home / "outbox.sqlite3") as db:
        db.execute("INSERT INTO jobs (state, job, created, updated, next_attempt) VALUES ('pending', ?, 0, 0, 0)",
                   (json.dumps(job, sort_keys=True),))


def future_row() -> dict:
    # A row as a newer RenderTally might write it (one more job field), or as a hand edit leaves it.
    return {**RenderJob(**JOB, mission_id="NEWER").to_dict(), "gpu_hours": "1.5"}


def test_an_unreadable_row_does_not_stop_the_others(home, env_for, healthy):
    """A row the code cannot read (written by a newer RenderTally, or hand-edited) is set aside;
    the jobs behind it go out and the outbox can still be listed."""
    seed(home, pending=0)
    insert_unreadable_row(home, future_row())
    seed(home, pending=1)
    env = env_for(healthy.url)

    run = cli(env, *REPORT, "--wait", "5")
    listed = cli(env, "outbox", "list", "--all")

    assert listed.code == 0, str(listed)
    assert run.code == DELIVERED_EXIT, str(run)
    assert delivered_missions(healthy) == ["M-1", "P-0"]
    (damaged,) = [row for row in db_rows(home) if row["job"].get("mission_id") == "NEWER"]
    assert (damaged["state"], damaged["error_kind"]) == ("rejected", "damaged")  # kept, for a person


def test_a_row_set_aside_as_damaged_is_shown_to_the_person(home, env_for, healthy):
    """An unreadable row is counted as rejected by a flush and listed as rejected, not as all delivered."""
    seed(home, pending=0)
    insert_unreadable_row(home, future_row())
    env = env_for(healthy.url)
    flushed = cli(env, "outbox", "flush", "--wait", "5")
    assert "rejected 1" in flushed.out, str(flushed)

    waiting = cli(env, "outbox", "list")
    listed = cli(env, "outbox", "list", "--all", "--json")

    assert "every job was delivered" not in waiting.out, str(waiting)
    assert [(row["id"], row["state"]) for row in json.loads(listed.out)] == [(1, "rejected")]


def test_a_run_date_before_year_1000_is_refused_or_sent_correctly(home, env_for, healthy):
    """A run date the wire cannot carry is refused with nothing queued (or sent right); later jobs go."""
    env = env_for(healthy.url)

    odd = cli(env, *REPORT, "--run-date", "0999-12-31 23:00:00", "--wait", "5")
    later = cli(env, *REPORT, "--wait", "5")

    if odd.code == INVALID_EXIT:
        assert "--run-date" in odd.err
        assert [row["job"]["mission_id"] for row in outbox_rows(env)] == ["M-1"]  # only the later one
    else:
        assert odd.code == DELIVERED_EXIT, str(odd)
        assert healthy.jobs[0]["request"]["RunDate"] == "0999-12-31 23:00:00"
    assert later.code == DELIVERED_EXIT, str(later)


def test_rows_survive_a_damaged_wal_file(home, env_for, healthy):
    """Garbage in the -wal file next to a good outbox: SQLite ignores it, the rows are all there."""
    seed(home, pending=2)
    (home / "outbox.sqlite3-wal").write_bytes(os.urandom(8192))
    env = env_for(healthy.url)
    run = cli(env, *REPORT, "--wait", "20")
    assert run.code in (DELIVERED_EXIT, NOT_YET_EXIT), str(run)
    assert cli(env, "outbox", "flush", "--wait", "20").code == 0
    assert delivered_missions(healthy) == ["M-1", "P-0", "P-1"]
    assert [row["state"] for row in db_rows(home)] == ["delivered"] * 3
