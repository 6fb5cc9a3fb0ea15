"""The farm reporter: finished farm jobs → the outbox, each exactly once (see :mod:`.ledger`)."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from rendertally.core.reporter import Reporter, get_reporter

from .ledger import LEDGER_FILE, Ledger
from .record import FarmJob

log = logging.getLogger(__name__)


class FarmReporter:
    """Queues farm jobs it has not queued before; the process's sender delivers them."""

    def __init__(self, reporter: Reporter | None = None, ledger: Ledger | None = None) -> None:
        self.reporter = reporter or get_reporter()
        self.ledger = ledger or Ledger(self.reporter.home / LEDGER_FILE)

    def report(self, job: FarmJob) -> int | None:
        """Queue ``job`` unless it was queued already; returns the outbox row (None: known)."""
        if self.ledger.seen(job.key):
            return None
        defaults: dict[str, Any] = self.reporter.job_defaults()
        record = job.to_render_job(**defaults)
        row = self.reporter.submit(record)
        self.ledger.record(job.key, row)
        log.info("RenderTally: farm job %s (%s) queued as report %s: %s frame(s), %.4f h, %s",
                 job.key, job.name, row, record.frames, record.render_hours, record.status.name.lower())
        return row

    def report_all(self, jobs: Iterable[FarmJob]) -> list[int]:
        """Queue each new job; returns the rows queued now."""
        return [row for row in (self.report(job) for job in jobs) if row is not None]


class Poller:
    """A farm reporter as a service: :meth:`poll_once` every ``interval`` s until :meth:`stop`."""

    name = "the farm manager"

    def __init__(self, *, reporter: FarmReporter | None = None, interval: float = 60.0) -> None:
        self.reporter = reporter or FarmReporter()
        self.interval = interval
        self.stopping = threading.Event()

    def finished_jobs(self) -> list[FarmJob]:
        raise NotImplementedError

    def poll_once(self) -> list[int]:
        """One look at the manager; returns the outbox rows queued now."""
        return self.reporter.report_all(self.finished_jobs())

    def run(self) -> None:
        """Poll until :meth:`stop`; a failed poll is logged and tried again next interval."""
        while not self.stopping.is_set():
            try:
                self.poll_once()
            except Exception as exc:  # noqa: BLE001 - a farm service keeps running; the next poll retries
                log.warning("RenderTally: polling %s failed (%s); trying again in %g s", self.name, exc, self.interval)
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
