"""RenderSession: the state machine every host adapter drives."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from rendertally.core.errors import OutboxError
from rendertally.core.job import JobStatus, JobType
from rendertally.core.outbox import OPEN, PENDING, Outbox
from rendertally.core.session import RenderSession

START = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def outbox(tmp_path):
    box = Outbox(tmp_path / "outbox.sqlite3")
    yield box
    box.close()


@pytest.fixture
def make_session(outbox):
    """Factory: a Maya session with a controllable monotonic clock."""

    def make(**kwargs):
        clock = Clock()
        session = RenderSession(outbox, software="MAY", software_version="2026", clock=clock,
                                now=lambda: START, **kwargs)
        return session, clock

    return make


def test_full_render_is_queued_with_frames_hours_and_start_time(make_session, outbox):
    """start, frames, finish(Done) → one pending job with wall-clock hours and the start time."""
    session, clock = make_session()
    session.start(engine="Arnold", job_type="economy", mission_id="77", email="a@b.co")
    for frame in (1, 2, 3):
        clock.now += 600
        session.frame_done(frame)
    job = session.finish(JobStatus.DONE)
    assert (job.frames, job.render_hours, job.status, job.job_type) == (3, 0.5, JobStatus.DONE, JobType.ECONOMY)
    assert (job.run_date, job.mission_id, job.render_engine) == (START, "77", "Arnold")
    row = outbox.get(session.last_row)
    assert (row.state, row.job) == (PENDING, job)


def test_progress_is_journalled_while_rendering(make_session, outbox):
    """While rendering, the outbox holds an open row with the frames so far, marked Failed."""
    session, clock = make_session()
    session.start(engine="Arnold")
    clock.now += 1.0
    session.frame_done(1)
    (row,) = outbox.list([OPEN])
    assert (row.job.frames, row.job.status) == (1, JobStatus.FAILED)


def test_a_frame_reported_twice_counts_once(make_session):
    """Hosts that fire post-frame twice for one frame do not double the count."""
    session, _ = make_session()
    session.start(engine="Arnold")
    for frame in (1, 1, 2, None, None):
        session.frame_done(frame)
    assert session.frames == 4  # 1, 2 and two frames without numbers


def test_the_same_frame_in_another_pass_counts_again(make_session):
    """Frames rule: frame 1 of scene A and frame 1 of scene B are two frame renders."""
    session, _ = make_session()
    session.start(engine="Arnold")
    for frame in (1, 2, 3, 3):  # pass 1: a layer's second AOV event for frame 3 counts once
        session.frame_done(frame)
    session.new_pass()
    for frame in (1, 2, 3):
        session.frame_done(frame)
    job = session.finish(JobStatus.DONE)
    assert (job.frames, session.passes) == (6, 2)


def test_new_pass_without_a_render_is_harmless(make_session, outbox):
    """new_pass before start changes nothing and queues nothing."""
    session, _ = make_session()
    session.new_pass()
    assert (session.passes, outbox.counts().get("open", 0)) == (0, 0)


def test_process_exit_closes_an_open_session_as_failed_or_aborted(make_session):
    """An open session at exit is Failed, or Aborted when the user broke it off."""
    session, _ = make_session()
    session.start(engine="Scanline")
    assert session.process_exit().status is JobStatus.FAILED
    session.start(engine="Scanline")
    assert session.process_exit(aborted=True).status is JobStatus.ABORTED
    assert session.process_exit() is None


def test_a_new_start_closes_the_unfinished_one_as_failed(make_session, outbox):
    """A start without an end before it reports the earlier render as Failed."""
    session, _ = make_session()
    session.start(engine="V-Ray")
    session.frame_done(1)
    session.start(engine="V-Ray")
    (row,) = outbox.list([PENDING])
    assert (row.job.status, row.job.frames) == (JobStatus.FAILED, 1)
    assert session.active


def test_frame_done_and_finish_without_start_are_harmless(make_session, outbox):
    """Stray events (a host firing post-render twice) do nothing."""
    session, _ = make_session()
    session.frame_done(1)
    assert session.finish() is None
    assert outbox.list() == []


def test_a_disk_error_keeps_the_record_in_memory_and_retries(make_session, outbox, monkeypatch):
    """When the disk refuses the final write, the job is kept and saved on the next chance."""
    session, _ = make_session()
    session.start(engine="Arnold")
    real_close, real_submit = outbox.close_open, outbox.submit

    def refuse(*args, **kwargs):
        raise OutboxError("disk full")

    monkeypatch.setattr(outbox, "close_open", refuse)
    monkeypatch.setattr(outbox, "submit", refuse)
    job = session.finish()
    assert session.unsaved == [job]
    monkeypatch.setattr(outbox, "close_open", real_close)
    monkeypatch.setattr(outbox, "submit", real_submit)
    session.process_exit()
    assert session.unsaved == []
    assert [r.job for r in outbox.list([PENDING])] == [job]


def test_a_running_render_touches_its_open_row_and_stops_when_it_finishes(outbox):
    """While a render runs its heartbeat moves the open row's last-seen time; after finish it stops."""
    session = RenderSession(outbox, software="BLD", software_version="5.0.1", heartbeat=0.02)
    session.start(engine="Cycles")
    (row,) = outbox.list(["open"])
    deadline = time.monotonic() + 10
    while outbox.get(row.id).updated == row.updated and time.monotonic() < deadline:
        time.sleep(0.02)
    assert outbox.get(row.id).updated > row.updated
    session.finish()
    settled = outbox.get(row.id).updated
    time.sleep(0.1)
    assert outbox.get(row.id).updated == settled and outbox.get(row.id).state == "pending"


def test_a_session_reported_by_the_farm_records_nothing(outbox):
    """Under a farm task whose manager reports the job, a whole render leaves nothing in the outbox."""
    session = RenderSession(outbox, software="MAY", software_version="2026", reported_by="opencue")
    session.start(engine="Arnold")
    session.frame_done(1)
    assert session.finish() is None and session.process_exit() is None
    assert outbox.counts() == {"open": 0, "pending": 0, "delivered": 0, "rejected": 0}


def heartbeat_threads():
    import threading

    return [t for t in threading.enumerate() if t.name == "rendertally-heartbeat"]


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_a_render_is_opened_without_a_disk_flush_and_made_durable_by_its_first_beat(outbox):
    """start() journals through the quick connection; the heartbeat thread's first beat is a durable write."""
    durable, quick = [], []
    outbox._db.set_trace_callback(durable.append)
    outbox._quick.set_trace_callback(quick.append)
    session = RenderSession(outbox, software="BLD", software_version="5.0.1", heartbeat=0.05)
    session.start(engine="Cycles")
    assert [sql.split()[0] for sql in quick] == ["INSERT"] and durable == []
    assert wait_until(lambda: any(sql.startswith("UPDATE jobs SET updated") for sql in durable))
    session.finish()


def test_a_session_without_a_heartbeat_opens_its_render_durably(outbox):
    """With the heartbeat off nothing would flush the opening later, so start() writes it durably."""
    durable = []
    outbox._db.set_trace_callback(durable.append)
    RenderSession(outbox, software="BLD", software_version="5.0.1", heartbeat=0).start(engine="Cycles")
    assert [sql.split()[0] for sql in durable] == ["INSERT"]


def test_one_heartbeat_thread_serves_every_render_of_a_session(outbox):
    """Twenty renders in a row start one heartbeat thread between them, not one each."""
    before = len(heartbeat_threads())
    session = RenderSession(outbox, software="BLD", software_version="5.0.1", heartbeat=0.05)
    for _ in range(20):
        session.start(engine="Cycles")
        session.frame_done(1)
        session.finish()
    assert len(heartbeat_threads()) == before + 1


def test_the_heartbeat_thread_ends_when_no_render_comes_and_a_new_render_brings_it_back(outbox):
    """An idle session's heartbeat thread ends; the next start() starts another that beats again."""
    from rendertally.core.session import Heartbeat

    beat = Heartbeat(outbox, 0.02, idle=0.1)
    row = outbox.open(_job())
    beat.watch(row)
    thread = beat._thread
    beat.watch(None)
    assert thread is not None and wait_until(lambda: not thread.is_alive())
    before = outbox.get(row).updated
    beat.watch(row)
    assert beat._thread is not None and beat._thread is not thread
    assert wait_until(lambda: outbox.get(row).updated > before)
    beat.watch(None)


def test_the_heartbeat_thread_keeps_the_log_short(outbox, make_job, monkeypatch):
    """Past the checkpoint size, the heartbeat thread copies the log back into the database."""
    from rendertally.core import outbox as outbox_mod

    monkeypatch.setattr(outbox_mod, "CHECKPOINT_BYTES", 1)
    for frames in range(10):
        outbox.submit(make_job(frames=frames))
    ran = []
    real = outbox.checkpoint
    monkeypatch.setattr(outbox, "checkpoint", lambda **kw: ran.append(real(**kw)) or ran[-1])
    session = RenderSession(outbox, software="BLD", software_version="5.0.1", heartbeat=0.02)
    session.start(engine="Cycles")
    assert wait_until(lambda: True in ran)
    session.finish()


def _job():
    from rendertally.core.job import RenderJob

    return RenderJob(frames=0, render_hours=0, software="BLD", software_version="5.0.1", render_engine="Cycles")


def test_frames_finishing_within_the_progress_interval_cost_the_host_one_write(make_session, outbox):
    """Ten frames in one instant: the host's thread writes none of them (the last write is that young)."""
    session, clock = make_session(heartbeat=3600)
    session.start(engine="Arnold")
    writes = []
    outbox._quick.set_trace_callback(writes.append)
    for frame in range(1, 11):
        session.frame_done(frame)
    assert writes == []
    clock.now += 0.5
    session.frame_done(11)  # the next frame after the interval writes the whole count
    assert len(writes) == 1 and outbox.list([OPEN])[0].job.frames == 11


def test_the_heartbeat_thread_journals_the_count_the_host_left(outbox):
    """Frames left unwritten by the host's thread are journalled by the heartbeat thread at its next tick."""
    session = RenderSession(outbox, software="BLD", software_version="5.0.1", heartbeat=0.05)
    session.start(engine="Cycles")
    for frame in range(1, 11):
        session.frame_done(frame)
    assert wait_until(lambda: outbox.list([OPEN])[0].job.frames == 10)
    session.finish()


def test_without_a_heartbeat_every_frame_is_journalled_at_once(outbox):
    """With the heartbeat off there is no thread to catch up, so each frame is written when it finishes."""
    session = RenderSession(outbox, software="BLD", software_version="5.0.1", heartbeat=0)
    session.start(engine="Cycles")
    for frame in range(1, 4):
        session.frame_done(frame)
        assert outbox.list([OPEN])[0].job.frames == frame
