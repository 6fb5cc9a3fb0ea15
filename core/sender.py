"""The sender: a daemon thread that takes due jobs from the outbox and applies the outcome policy.

The host's thread never waits on it; :meth:`Sender.flush` waits a bounded time and never joins a
thread stuck in I/O. What a process could not send stays in the outbox for the next one.
"""
from __future__ import annotations

import dataclasses
import logging
import random
import threading
import time
from typing import Callable

from .errors import (
    ConfigurationError,
    CredentialsRejectedError,
    DeliveryError,
    RedirectError,
    RejectedError,
    RetryableError,
    UnexpectedAnswerError,
)
from .outbox import Outbox, OutboxError, Row, Settlement, delivered
from .pause import Pause
from .transport import Transport

log = logging.getLogger(__name__)

SURFACE_AFTER = 3  # a 2xx that is not our answer this many times: say so loudly
IDLE_POLL = 60.0  # look for jobs other processes left behind this often
ERROR_PAUSE_BASE, ERROR_PAUSE_CAP = 5.0, 300.0
# Rows are claimed this many at a time, in one durable transaction. Each delivery is recorded
# at once, but without a disk flush of its own: a killed sender loses no record (the OS has the
# write), so it sends again at most the one job in flight. The disk flush comes with every
# SETTLE_EVERY-th record, the last of a batch, and every failure record: a power cut can lose at
# most those records since the last flush, and those jobs are sent again (at-least-once).
BATCH = 50
SETTLE_EVERY = 50
# Renew a batch's lease while this much of it is left: more than one attempt's deadline.
LEASE_MARGIN = 45.0


@dataclasses.dataclass(frozen=True)
class Backoff:
    """Capped exponential backoff with jitter; ``attempts`` comes from disk, so a crash loop keeps it."""

    base: float = 15.0
    cap: float = 3600.0

    def delay(self, attempts: int, floor: float | None = None) -> float:
        raw = min(self.cap, self.base * 2 ** max(attempts - 1, 0))
        delay = raw * random.uniform(0.5, 1.0)
        return max(delay, floor or 0.0)


DEFAULT_BACKOFF = Backoff()


class Sender:
    """Delivers outbox rows in the background, oldest first."""

    def __init__(self, outbox: Outbox, transport: Transport, *, backoff: Backoff | None = None,
                 lease: float = 120.0, clock: Callable[[], float] = time.time) -> None:
        self.outbox = outbox
        self.transport = transport
        self.backoff = backoff or DEFAULT_BACKOFF
        self.lease = lease
        self._clock = clock
        self._cond = threading.Condition()
        self._wake = False
        self._requested = 0  # flush tickets handed out
        self._completed = 0  # flush tickets whose pass has ended
        self._force = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.pause = Pause(outbox.path.parent)
        self._failures = 0  # passes in a row that ended in an unexpected error
        self._pause_until = 0.0  # monotonic time before which no pass runs after such errors
        self.last_error: str | None = None  # what a person should know (shown by UIs)

    # -- control ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the thread (idempotent). A thread still winding down from stop() carries on."""
        with self._cond:
            self._stopping = False
            if self._thread is not None and self._thread.is_alive():
                self._cond.notify_all()
                return
            self._thread = threading.Thread(target=self._run, name="rendertally-sender", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        with self._cond:
            self._wake = True
            self._cond.notify_all()

    def flush(self, timeout: float, *, force: bool = False) -> bool:
        """Send what is due (with ``force``: every pending job) for at most ``timeout`` seconds.

        True when a whole pass ended in time; the jobs it could not deliver stay queued.
        """
        self.start()
        deadline = time.monotonic() + max(timeout, 0.0)
        with self._cond:
            self._requested += 1
            ticket = self._requested
            self._force = self._force or force
            self._wake = True
            self._cond.notify_all()
            while self._completed < ticket:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the thread to end; wait at most ``timeout`` (it is a daemon, never joined for long)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    # -- the worker ---------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._wake and not self._stopping:
                    self._cond.wait(self._idle_wait())
                if self._stopping:
                    return
                self._wake = False
                ticket, force, self._force = self._requested, self._force, False
            if time.monotonic() >= self._pause_until:
                try:
                    self.send_due(force=force)
                    self.outbox.checkpoint()  # here, not at some host's commit (see Outbox.checkpoint)
                    self._failures = 0
                except Exception as exc:  # noqa: BLE001 - the thread must outlive any one bad pass
                    self._pass_failed(exc)
            with self._cond:
                self._completed = max(self._completed, ticket)
                self._cond.notify_all()

    def _pass_failed(self, exc: Exception) -> None:
        # An error that repeats on every pass (a disk that refuses, a damaged file) must neither
        # spin the thread nor flood the host's console: back off, and log the traceback once.
        self._failures += 1
        pause = min(ERROR_PAUSE_CAP, ERROR_PAUSE_BASE * 2 ** (self._failures - 1))
        self._pause_until = time.monotonic() + pause
        self.last_error = f"Sending stopped by an error, tried again in {pause:g} s: {exc}"
        if self._failures == 1:
            log.exception("RenderTally's sender hit an unexpected error; trying again in %g s", pause)
        else:
            log.warning("RenderTally's sender failed again (%s times): %s; next try in %g s",
                        self._failures, exc, pause)

    def _idle_wait(self) -> float:
        paused = self._pause_until - time.monotonic()
        if paused > 0:
            return min(paused, IDLE_POLL)
        try:
            due = self.outbox.next_due()
        except OutboxError:
            return IDLE_POLL
        if due is None:
            return IDLE_POLL
        return min(max(due - self._clock(), 0.05), IDLE_POLL)

    def send_due(self, *, force: bool = False) -> int:
        """One pass on the calling thread: deliver due rows until none is left. Returns attempts."""
        if self._blocked():
            return 0
        if force:
            self.outbox.make_due()
        attempts = 0
        while not self._stopping:
            claimed_at = self._clock()
            rows = self.outbox.claim_batch(self.lease, BATCH)
            if not rows:
                break
            tried, carry_on = self._send_batch(rows, claimed_at + self.lease)
            attempts += tried
            if not carry_on:
                break
        return attempts

    def _send_batch(self, rows: list[Row], lease_until: float) -> tuple[int, bool]:
        """Attempt each claimed row in order; (attempts, whether the pass goes on)."""
        tried = 0
        lost: set[int] = set()  # rows whose lease ran out and that another sender may have taken
        for index, row in enumerate(rows):
            if self._stopping:
                self.outbox.release_many(r.id for r in rows[index:] if r.id not in lost)
                return tried, False
            if self._clock() > lease_until - LEASE_MARGIN:
                # A slow API: keep the rest of the batch ours, or drop what another sender took.
                rest = {r.id for r in rows[index:]} - lost
                lost |= rest - self.outbox.renew(rest, self.lease)
                lease_until = self._clock() + self.lease
            if row.id in lost:
                continue
            tried += 1
            outcome = self._attempt(row)
            if outcome is True:
                continue
            if outcome is False:
                self.outbox.release_many(r.id for r in rows[index + 1:] if r.id not in lost)
                return tried, False
            flush = index == len(rows) - 1 or tried % SETTLE_EVERY == 0
            self.outbox.settle(outcome, durable=flush)
        return tried, True

    def _blocked(self) -> bool:
        current = self.transport.settings()
        reason = self.transport.blocked_reason(current) or self.pause.reason(current)
        if reason:
            self.last_error = reason
        return reason is not None

    def _attempt(self, row: Row) -> Settlement | bool:
        """Send one claimed row. A delivery's outcome is returned for the batch to record (with
        or without a disk flush); a failure is recorded at once. False: stop this pass."""
        try:
            assert row.job is not None  # claim() sets unreadable records aside
            answer = self.transport.send(row.job)
        except ConfigurationError as exc:
            self.outbox.release(row.id)
            self.last_error = str(exc)
            return False
        except DeliveryError as exc:
            return self._record_failure(row, exc)
        self.last_error = None
        log.info("Job %s delivered: %s %s", row.id, answer.code, answer.description)
        return delivered(row.id, answer.code, answer.description, answer.status, self._clock())

    def _record_failure(self, row: Row, exc: DeliveryError) -> bool:
        self.last_error = f"Job {row.id}: {exc}"
        if isinstance(exc, RejectedError):
            kind = "credentials" if isinstance(exc, CredentialsRejectedError) else "rejected"
            self.outbox.mark_rejected(row.id, str(exc), kind=kind, status=exc.status,
                                      code=exc.code, description=exc.description)
            log.error("Job %s rejected by the server: %s", row.id, exc)
            if kind == "credentials":
                self.pause.set(self.transport.settings(), str(exc))
                return False
            return True
        floor = exc.retry_after if isinstance(exc, RetryableError) else None
        if isinstance(exc, RedirectError):
            kind, floor = "configuration", max(floor or 0.0, 600.0)
            log.error("Job %s kept: %s", row.id, exc)
        elif isinstance(exc, UnexpectedAnswerError):
            kind = "unexpected"
            level = logging.ERROR if row.attempts >= SURFACE_AFTER else logging.WARNING
            log.log(level, "Job %s: not the API's answer (attempt %s): %s", row.id, row.attempts, exc)
        else:
            kind = "transient"
            log.warning("Job %s not delivered yet (attempt %s): %s", row.id, row.attempts, exc)
        next_attempt = self._clock() + self.backoff.delay(row.attempts, floor)
        self.outbox.mark_retry(row.id, str(exc), kind=kind, next_attempt=next_attempt, status=exc.status)
        return False  # the API is unwell: leave the rest for later instead of hammering it

