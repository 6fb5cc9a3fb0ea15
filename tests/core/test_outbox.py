"""The outbox: states, claims with leases, recovery of renders a dead process left open."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from rendertally.core.errors import OutboxError
from rendertally.core.job import JobStatus
from rendertally.core.outbox import DELIVERED, OPEN, PENDING, REJECTED, Outbox


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make_outbox(tmp_path, clock):
    """Factory: an outbox on a file in the test's folder (several may share one file)."""
    opened = []

    def make(name: str = "outbox.sqlite3") -> Outbox:
        box = Outbox(tmp_path / name, clock=clock)
        opened.append(box)
        return box

    yield make
    for box in opened:
        box.close()


def test_submit_is_pending_and_due_now(make_outbox, make_job):
    """A submitted job is pending, due at once, and read back equal."""
    box = make_outbox()
    row_id = box.submit(make_job())
    row = box.get(row_id)
    assert (row.state, row.attempts, row.job) == (PENDING, 0, make_job())
    assert box.counts() == {OPEN: 0, PENDING: 1, DELIVERED: 0, REJECTED: 0}


def test_submit_wakes_listeners(make_outbox, make_job):
    """Listeners (the sender) are told about each new pending job."""
    box = make_outbox()
    calls = []
    box.on_submit(lambda: calls.append(1))
    box.submit(make_job())
    assert calls == [1]


def test_claim_takes_oldest_first_and_counts_the_attempt(make_outbox, make_job):
    """Claims go oldest first; each claim counts one attempt on disk."""
    box = make_outbox()
    first, second = box.submit(make_job(frames=1)), box.submit(make_job(frames=2))
    row = box.claim(60)
    assert (row.id, row.attempts) == (first, 1)
    assert box.claim(60).id == second
    assert box.claim(60) is None


def test_a_leased_row_is_not_claimed_twice_until_the_lease_expires(make_outbox, make_job, clock):
    """Two outboxes on one file (two processes) do not both take a leased row."""
    a, b = make_outbox(), make_outbox()
    a.submit(make_job())
    assert a.claim(60) is not None
    assert b.claim(60) is None
    clock.now += 61
    assert b.claim(60).attempts == 2


def test_a_lease_held_by_a_dead_process_is_taken_over_at_once(make_outbox, make_job, tmp_path):
    """A row claimed by a process that died is claimable without waiting for the lease."""
    box = make_outbox()
    row_id = box.submit(make_job())
    code = (
        "import sys; from rendertally.core.outbox import Outbox;"
        f"b = Outbox({str(tmp_path / 'outbox.sqlite3')!r}); print(b.claim(3600).id)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(row_id)
    row = box.claim(60)
    assert (row.id, row.attempts) == (row_id, 2)


def test_retry_schedule_is_respected_until_made_due(make_outbox, make_job, clock):
    """A row marked for retry is not due before its time; make_due (send now) overrides."""
    box = make_outbox()
    row_id = box.submit(make_job())
    box.claim(60)
    box.mark_retry(row_id, "refused", kind="transient", next_attempt=clock.now + 300)
    assert box.claim(60) is None
    assert box.next_due() == clock.now + 300
    box.make_due()
    assert box.claim(60).id == row_id


def test_delivered_and_rejected_rows_keep_the_server_words(make_outbox, make_job):
    """Settled rows keep the Code, Description and error; rejected rows are never claimed."""
    box = make_outbox()
    good, bad = box.submit(make_job()), box.submit(make_job())
    box.mark_delivered(good, "00", "Recorded", 200)
    box.mark_rejected(bad, "Bad frames", kind="rejected", status=200, code="02", description="Bad frames")
    assert box.claim(60) is None
    assert (box.get(good).state, box.get(good).code) == (DELIVERED, "00")
    rejected = box.get(bad)
    assert (rejected.state, rejected.code, rejected.description) == (REJECTED, "02", "Bad frames")


def test_retry_moves_rejected_back_to_pending(make_outbox, make_job):
    """A person's retry makes a rejected job pending and due; unknown ids say so."""
    box = make_outbox()
    row_id = box.submit(make_job())
    box.mark_rejected(row_id, "no", kind="rejected")
    assert box.retry(row_id) is True
    assert box.get(row_id).state == PENDING
    assert box.retry(9999) is False
    other = box.submit(make_job())
    box.mark_rejected(other, "no", kind="rejected")
    assert box.retry_rejected() == 1


def test_open_render_is_journalled_and_closed(make_outbox, make_job):
    """An open row is never claimed; closing it makes the final record pending."""
    box = make_outbox()
    row_id = box.open(make_job(frames=0, status="failed"))
    assert box.claim(60) is None
    box.update_open(row_id, 3, 0.5)
    assert (box.get(row_id).job.frames, box.get(row_id).job.render_hours) == (3, 0.5)
    box.close_open(row_id, make_job(frames=5))
    row = box.get(row_id)
    assert (row.state, row.job.frames, row.job.status) == (PENDING, 5, JobStatus.DONE)
    with pytest.raises(OutboxError, match="no longer an open render"):
        box.close_open(row_id, make_job())


def test_an_open_render_of_a_dead_process_is_recovered_as_failed(make_outbox, make_job, tmp_path):
    """A process killed mid-render leaves an open row; the next process reports it as Failed."""
    code = (
        "import os, datetime as dt; from rendertally.core.outbox import Outbox; from rendertally.core.job import RenderJob;"
        f"b = Outbox({str(tmp_path / 'outbox.sqlite3')!r});"
        "j = RenderJob(frames=4, render_hours=0.1, software='BLD', software_version='5', render_engine='Cycles');"
        "b.open(j); os._exit(9)"
    )
    subprocess.run([sys.executable, "-c", code], check=False)
    box = make_outbox()
    assert box.counts()[OPEN] == 1
    assert box.recover_orphans() == 1
    row = box.claim(60)
    assert (row.job.frames, row.job.status) == (4, JobStatus.FAILED)


def test_own_open_rows_are_not_recovered(make_outbox, make_job):
    """This process's render in progress is not mistaken for an orphan."""
    box = make_outbox()
    box.open(make_job())
    assert box.recover_orphans() == 0


def test_a_damaged_file_is_moved_aside_and_a_new_outbox_starts(tmp_path, make_job, caplog):
    """A file that is not a database is renamed with a warning; reporting continues."""
    path = tmp_path / "outbox.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    box = Outbox(path)
    assert box.submit(make_job()) == 1
    box.close()
    aside = [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1
    assert "damaged" in caplog.text


def test_unwritable_location_is_an_outbox_error(tmp_path):
    """A folder that cannot be created gives OutboxError with the path, not a raw OSError."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutboxError, match="Cannot open the outbox"):
        Outbox(blocker / "sub" / "outbox.sqlite3")


def test_file_is_owner_only_and_uses_wal(make_outbox, tmp_path):
    """The outbox is readable by its owner only, in WAL mode for several processes."""
    make_outbox()
    path = tmp_path / "outbox.sqlite3"
    if os.name == "posix":
        assert path.stat().st_mode & 0o077 == 0
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_list_is_newest_first_and_filters_states(make_outbox, make_job):
    """list() shows the newest first, only the asked states."""
    box = make_outbox()
    ids = [box.submit(make_job(frames=n)) for n in range(3)]
    box.mark_delivered(ids[0], "00", "ok", 200)
    assert [r.id for r in box.list()] == ids[::-1]
    assert [r.id for r in box.list([PENDING])] == ids[:0:-1]


def writes_by_connection(box):
    """Every statement run from now on, by connection: "full" (synchronous=FULL) or "quick" (NORMAL)."""
    seen = {"full": [], "quick": []}
    box._db.set_trace_callback(seen["full"].append)
    box._quick.set_trace_callback(seen["quick"].append)
    return seen


def test_the_two_connections_keep_their_own_synchronous_mode(make_outbox):
    """The durable connection is synchronous=FULL, the quick one NORMAL; our checkpoints start below SQLite's own."""
    from rendertally.core.outbox import CHECKPOINT_BYTES

    box = make_outbox()
    assert box._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert box._quick.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    page = box._db.execute("PRAGMA page_size").fetchone()[0]
    sqlite_own = [c.execute("PRAGMA wal_autocheckpoint").fetchone()[0] * page for c in (box._db, box._quick)]
    assert all(CHECKPOINT_BYTES < own for own in sqlite_own)


def test_progress_of_an_open_render_is_not_fsynced_but_jobs_are(make_outbox, make_job):
    """Frame updates and heartbeats go through the NORMAL connection; closing and submitting through FULL."""
    box = make_outbox()
    seen = writes_by_connection(box)
    row = box.open(make_job())
    box.update_open(row, 3, 0.1)
    box.heartbeat(row)
    box.close_open(row, make_job(frames=3))
    box.submit(make_job())
    assert [sql.split()[0] for sql in seen["quick"]] == ["UPDATE", "UPDATE"]
    assert [sql.split()[0] for sql in seen["full"]] == ["INSERT", "UPDATE", "INSERT"]
    assert box.get(row).job.frames == 3


def test_an_opening_and_a_heartbeat_can_be_made_without_or_with_a_disk_flush(make_outbox, make_job):
    """open(durable=False) uses the quick connection; heartbeat(durable=True) the durable one."""
    box = make_outbox()
    seen = writes_by_connection(box)
    row = box.open(make_job(), durable=False)
    box.heartbeat(row, durable=True)
    assert [sql.split()[0] for sql in seen["quick"]] == ["INSERT"]
    assert [sql.split()[0] for sql in seen["full"]] == ["UPDATE"]
    assert box.list(["open"])[0].id == row


def test_progress_of_a_render_opened_by_another_outbox_object_keeps_its_record(make_outbox, make_job):
    """update_open on a row opened through another Outbox of the same file keeps the rest of its record."""
    first, second = make_outbox(), make_outbox()
    row = first.open(make_job(render_engine="Redshift", mission_id="M-7", frames=0))
    second.update_open(row, 4, 0.25)
    job = second.get(row).job
    assert (job.frames, job.render_hours, job.render_engine, job.mission_id) == (4, 0.25, "Redshift", "M-7")


def test_progress_beyond_what_a_record_may_hold_is_clamped_and_stays_readable(make_outbox, make_job):
    """A frame count or hours past the job limits is journalled at the limit, never as an unreadable record."""
    from rendertally.core.job import MAX_FRAMES, MAX_HOURS

    box = make_outbox()
    row = box.open(make_job(frames=0))
    box.update_open(row, MAX_FRAMES + 5, MAX_HOURS * 2)
    assert (box.get(row).job.frames, box.get(row).job.render_hours) == (MAX_FRAMES, MAX_HOURS)
    with pytest.raises(OutboxError, match="no longer an open render"):
        box.update_open(row + 1, 1, 0.0)


def test_a_long_log_is_checkpointed_on_request_and_a_short_one_is_left(make_outbox, make_job):
    """checkpoint() copies the log back once it is long enough (or when told), and never after close."""
    box = make_outbox()
    for frames in range(20):
        box.submit(make_job(frames=frames))
    wal = box.path.with_name(box.path.name + "-wal")
    assert box.checkpoint() is False  # a few pages: not worth a flush of the database file
    assert box.checkpoint(at_least=1) is True
    busy, log_pages, done = box._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert (busy, log_pages) == (0, done)  # every page of the log is in the database already
    assert wal.stat().st_size > 0
    box.close()
    assert box.checkpoint(at_least=0) is False


def test_a_batch_claim_takes_the_oldest_due_rows_once_each(make_outbox, make_job):
    """claim_batch takes up to N oldest due rows, counts each attempt, and a second claim takes the next ones."""
    box = make_outbox()
    ids = [box.submit(make_job(frames=n)) for n in range(7)]

    first = box.claim_batch(60, 4)
    second = box.claim_batch(60, 4)

    assert [r.id for r in first] == ids[:4]
    assert [r.id for r in second] == ids[4:]
    assert {r.attempts for r in first + second} == {1}
    assert box.claim_batch(60, 4) == []


def test_renew_keeps_only_the_rows_still_ours(make_outbox, make_job, clock):
    """A lease that ran out and was taken by another sender is not renewed; the rest are, for the full lease."""
    box = make_outbox()
    a, b = (box.submit(make_job()) for _ in range(2))
    box.claim_batch(60, 2)
    clock.now += 61  # both leases ran out; another machine's sender takes b
    with box._tx() as db:
        db.execute("UPDATE jobs SET owner = 'render-node-7:4242:cafe', lease_until = ? WHERE id = ?",
                   (clock.now + 600, b))

    assert box.renew([a, b], 60) == set()  # a's lease ran out too: not ours to extend any more
    box.claim_batch(60, 2)  # takes a again (b is another's)
    clock.now += 30
    assert box.renew([a, b], 60) == {a}
    clock.now += 59
    assert box.claim_batch(60, 2) == []  # a renewed until now + 1; b still leased by the other


def test_deliveries_can_be_recorded_without_a_disk_flush(make_outbox, make_job):
    """settle(durable=False) commits through the NORMAL connection; by default through the FULL one."""
    from rendertally.core.outbox import delivered

    box = make_outbox()
    a, b = (box.submit(make_job()) for _ in range(2))
    box.claim_batch(60, 2)
    seen = writes_by_connection(box)
    box.settle(delivered(a, "00", "OK", 200, 1.0), durable=False)
    box.settle(delivered(b, "00", "OK", 200, 2.0))

    assert [len(seen["quick"]), len(seen["full"])] == [1, 1]
    assert [(box.get(i).state, box.get(i).code) for i in (a, b)] == [(DELIVERED, "00"), (DELIVERED, "00")]
