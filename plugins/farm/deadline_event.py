"""What the Deadline 10 event plugin does with one job event; guarded, so Deadline never fails by us."""
from __future__ import annotations

import logging
from typing import Any, Callable

from rendertally.core.guard import guarded
from rendertally.core.job import JobStatus

from . import deadline10
from .reporter import FarmReporter

log = logging.getLogger(__name__)


@guarded
def handle(job: Any, status: str, repository_utils: Any, *, say: Callable[[str], None] | None = None,
           reporter: FarmReporter | None = None) -> int | None:
    """Queue ``job`` once with ``status`` ("done", "failed", "aborted"); returns the outbox row."""
    tasks = list(repository_utils.GetJobTasks(job, True).TaskCollectionTasks)
    facts = deadline10.describe(job, tasks, JobStatus.parse(status, "status"))
    if facts is None:
        return None
    reporter = reporter or FarmReporter()
    row = reporter.report(facts)
    if row is not None:
        # A short, bounded try now; what does not go out stays in the outbox for the next run.
        reporter.reporter.start_sending()
        reporter.reporter.flush(5.0)
    if say is not None:
        say(f"RenderTally: job {facts.job_id} " + ("queued" if row is not None else "was reported already"))
    return row
