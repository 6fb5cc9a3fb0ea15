"""RenderSession: the one state machine every host adapter drives.

``start`` → ``frame_done`` … → ``finish(status)``; ``process_exit`` closes a session that never
finished (Failed, or Aborted when the user broke it off). Hosts without a cancel or failure
signal rely on that rule. While a render runs, its record is journalled in the outbox as an
*open* row, so even a process that is killed mid-render is reported by the next one.

The Frames rule, the same for every host: ``frames`` counts frame renders completed in the job.
A job is made of one or more *passes* — one render of one scene, render layer or camera, or one
``-f``/``-a`` of a command line; :meth:`RenderSession.new_pass` begins the next. Within a pass a
frame number counts once, however many view layers, stereo views, passes or AOVs (and so
per-frame events) its render produces; the same frame number in another pass counts again.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Callable

from .errors import OutboxError
from .job import JobStatus, JobType, RenderJob, Software
from .outbox import Outbox

log = logging.getLogger(__name__)

# While a render runs, its open row is touched this often (one small UPDATE, on a thread of its
# own): a process killed mid-frame is reported with the hours it had rendered by then. Each beat
# is a durable write: what a power cut can lose of a running render is its progress since the
# last beat. The first beat comes sooner (a power cut in a render's first second loses it; a
# render that ends sooner has its durable final record by then).
HEARTBEAT_SECONDS = 10.0
FIRST_BEAT_SECONDS = 1.0
# A frame's count is journalled when it finishes, unless the last journal write of this render
# is younger than this: frames that finish faster (previews, tiny test renders, a host that
# reports each layer as it goes) cost the host's thread one write per this interval, and the
# heartbeat thread writes the count left over at its next tick (within FIRST_BEAT_SECONDS).
PROGRESS_SECONDS = 0.02
# A session's heartbeat thread ends after this long without a render (the next start makes one).
HEARTBEAT_IDLE_SECONDS = 60.0


class RenderSession:
    """One host's render bookkeeping. Thread-safe; every method returns at once (disk only)."""

    def __init__(self, outbox: Outbox, *, software: Software | str, software_version: str,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
                 heartbeat: float = HEARTBEAT_SECONDS, reported_by: str | None = None) -> None:
        self.outbox = outbox
        self.software = Software.parse(software, "software")
        self.software_version = software_version
        self._clock = clock
        self._now = now
        self._lock = threading.RLock()
        self._job: RenderJob | None = None
        self._row: int | None = None
        self._started = 0.0
        self._frames: set[int] = set()
        self._count = 0
        self.passes = 0  # passes of the job in progress (see the Frames rule above)
        self.expected: int | None = None
        self.last_row: int | None = None
        self.unsaved: list[RenderJob] = []  # records the disk refused; tried again at each finish
        # A farm manager reports this task's job (core.farmtask): record nothing, say so once.
        self.reported_by = reported_by
        self._said = False
        self._beat = Heartbeat(outbox, heartbeat, catch_up=self._catch_up) if heartbeat > 0 else None
        self._journalled_at = 0.0  # when this render's progress was last written
        self._owed = False  # a frame's count is not journalled yet (see PROGRESS_SECONDS)

    @property
    def active(self) -> bool:
        return self._job is not None

    @property
    def frames(self) -> int:
        return self._count

    def start(self, *, engine: str, job_type: JobType | str = JobType.NORMAL,
              mission_id: str | None = None, email: str | None = None,
              expected_frames: int | None = None) -> None:
        """A render began. A session still open from before is closed as Failed first."""
        with self._lock:
            if self.reported_by is not None:
                log.log(logging.DEBUG if self._said else logging.INFO,
                        "RenderTally: this is a %s farm task and the farm reports the job; "
                        "this process reports nothing", self.reported_by)
                self._said = True
                return
            if self._job is not None:
                log.warning("A render started while another was still open; closing that one as Failed")
                self.finish(JobStatus.FAILED)
            job = RenderJob(frames=0, render_hours=0, software=self.software, software_version=self.software_version,
                            render_engine=engine, status=JobStatus.FAILED, job_type=job_type,
                            run_date=self._now(), mission_id=mission_id, email=email)
            self._job, self._started, self._frames, self._count = job, self._clock(), set(), 0
            self._journalled_at, self._owed = self._started, False
            self.passes = 1
            self.expected = expected_frames
            # With a heartbeat, the opening needs no disk flush on the host's thread: the first
            # beat makes it durable (a killed process loses nothing either way).
            self._row = self._journal(lambda: self.outbox.open(job, durable=self._beat is None))
            if self._row is not None and self._beat is not None:
                self._beat.watch(self._row)

    def new_pass(self) -> None:
        """The job's next pass begins: frame numbers already counted count again from now on."""
        with self._lock:
            if self._job is None:
                log.debug("new_pass with no render in progress; ignored")
                return
            self._frames = set()
            self.passes += 1

    def frame_done(self, frame: int | None = None) -> None:
        """One frame was rendered (within one pass, a frame number seen twice counts once)."""
        with self._lock:
            if self._job is None:
                log.debug("frame_done with no render in progress; ignored")
                return
            if frame is not None:
                if frame in self._frames:
                    return
                self._frames.add(frame)
            self._count += 1
            if self._row is None:
                return
            if self._beat is not None and self._clock() - self._journalled_at < PROGRESS_SECONDS:
                self._owed = True  # the heartbeat thread writes it, unless the next frame does
                return
            self._write_progress()

    def _write_progress(self) -> None:
        row, count, hours = self._row, self._count, self._hours()
        assert row is not None
        self._owed = False
        self._journalled_at = self._clock()
        self._journal(lambda: self.outbox.update_open(row, count, hours))

    def _catch_up(self) -> None:
        """From the heartbeat thread: journal a frame count the host's thread left for it."""
        with self._lock:  # so that no older count can land after a newer one
            if self._owed and self._row is not None:
                self._write_progress()

    def finish(self, status: JobStatus | str = JobStatus.DONE) -> RenderJob | None:
        """The render ended with ``status``; its record is queued. Returns it (None if none was open)."""
        with self._lock:
            if self._job is None:
                return None
            job = self._snapshot(JobStatus.parse(status, "status"))
            row, self._job, self._row = self._row, None, None
            if self._beat is not None:
                self._beat.watch(None)
            try:
                if row is not None:
                    self.outbox.close_open(row, job)
                    self.last_row = row
                else:
                    self.last_row = self.outbox.submit(job)
            except OutboxError as exc:
                log.error("Could not save the render record (kept in memory for now): %s", exc)
                self.unsaved.append(job)
                return job
            self._save_unsaved()
        return job

    def _save_unsaved(self) -> None:
        while self.unsaved:
            try:
                self.outbox.submit(self.unsaved[0])
            except OutboxError:
                return
            self.unsaved.pop(0)

    def process_exit(self, *, aborted: bool = False) -> RenderJob | None:
        """The host is exiting: an open render is reported as Aborted (user) or Failed."""
        with self._lock:
            self._save_unsaved()
            return self.finish(JobStatus.ABORTED if aborted else JobStatus.FAILED)

    def _snapshot(self, status: JobStatus) -> RenderJob:
        assert self._job is not None
        return self._job.replace(frames=self._count, render_hours=self._hours(), status=status)

    def _hours(self) -> float:
        return max(self._clock() - self._started, 0.0) / 3600.0

    def _journal(self, write: Callable[[], int | None]) -> int | None:
        # A full or read-only disk must not stop the render; the final record is tried again at finish.
        try:
            return write()
        except OutboxError as exc:
            log.warning("Could not journal the render in progress: %s", exc)
            return None


class Heartbeat:
    """A session's heartbeat: one thread, reused from render to render, that wakes on its own
    clock. A host's thread only sets which row is open: starting a thread, or waking one, costs
    it more than a frame's journal write."""

    def __init__(self, outbox: Outbox, every: float, *, first: float = FIRST_BEAT_SECONDS,
                 idle: float = HEARTBEAT_IDLE_SECONDS, clock: Callable[[], float] = time.monotonic,
                 catch_up: Callable[[], None] = lambda: None) -> None:
        self.outbox = outbox
        self.catch_up = catch_up
        self.every = every
        self.first = min(first, every)
        self.idle = idle
        self._clock = clock
        self._lock = threading.Lock()
        self._row: int | None = None
        self._since = 0.0  # when _row last changed
        self._thread: threading.Thread | None = None

    def watch(self, row: int | None) -> None:
        """Beat ``row`` from now on (None: no render is open). Returns at once."""
        with self._lock:
            self._row, self._since = row, self._clock()
            if row is not None and self._thread is None:
                self._thread = threading.Thread(target=self._run, name="rendertally-heartbeat", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        beaten, beaten_at = None, 0.0
        while True:
            time.sleep(self.first)
            with self._lock:
                row, since, now = self._row, self._since, self._clock()
                if row is None and now - since >= self.idle:
                    self._thread = None  # the next render starts a new thread
                    return
            try:
                self.catch_up()
                self.outbox.checkpoint()
                # A render's first beat comes `first` after its start, the next ones `every` apart.
                last, gap = (beaten_at, self.every) if beaten == row else (since, self.first)
                if row is not None and now - last >= gap:
                    self.outbox.heartbeat(row, durable=True)
                    beaten, beaten_at = row, now
            except OutboxError as exc:
                log.debug("Heartbeat of the render in progress not written: %s", exc)
            except Exception:  # noqa: BLE001 - this thread must outlive any one bad beat
                log.exception("RenderTally's heartbeat thread hit an unexpected error; it carries on")
