"""The status shown in the preferences: online access, last report and its answer, queue sizes.

Read from the outbox (one small SQLite query) at most once a second, however often Blender
redraws the preferences.
"""
from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING

from . import delivery

if TYPE_CHECKING:
    from rendertally.core.outbox import Row

MAX_AGE = 1.0


@dataclasses.dataclass(frozen=True)
class Status:
    online: bool
    sending: bool
    pending: int
    rejected: int
    rendering: int
    last_report: str | None
    problem: str | None  # what the sender last ran into (missing Key, refused credentials, ...)

    def lines(self) -> list[tuple[str, str]]:
        """(icon, text) pairs, most important first."""
        out: list[tuple[str, str]] = []
        if not self.online:
            out.append(("ERROR", "Blender's online access is off: renders are recorded on this computer "
                                 "but not sent."))
            out.append(("INFO", f"Turn it on in {delivery.HOW_TO_GO_ONLINE}; sending then starts by itself."))
        elif self.problem:
            out.append(("ERROR", self.problem))
        out.append(("TIME" if self.pending else "CHECKMARK",
                    f"Waiting to be sent: {self.pending}    Rejected: {self.rejected}"
                    + (f"    Rendering now: {self.rendering}" if self.rendering else "")))
        out.append(("INFO", f"Last report: {self.last_report}" if self.last_report else "No render reported yet."))
        return out


_cache: tuple[float, Status] | None = None


def snapshot(max_age: float = MAX_AGE) -> Status:
    """The current status, at most ``max_age`` seconds old."""
    global _cache
    from rendertally.core.outbox import DELIVERED, OPEN, PENDING, REJECTED

    reporter = delivery.get_reporter()  # the first draw opens the outbox, not register
    sending = delivery.sync(reporter)  # every redraw: turning online access on starts sending
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < max_age and _cache[1].sending == sending:
        return _cache[1]
    counts = reporter.outbox.counts()
    newest = reporter.outbox.list((PENDING, DELIVERED, REJECTED), limit=1)
    status = Status(
        online=delivery.online(), sending=sending, pending=counts[PENDING], rejected=counts[REJECTED],
        rendering=counts[OPEN], last_report=describe_row(newest[0]) if newest else None,
        problem=reporter.sender.last_error,
    )  # fmt: skip
    _cache = (now, status)
    return status


def forget() -> None:
    """Read afresh next time (after an operator changed the outbox)."""
    global _cache
    _cache = None


def describe_row(row: Row) -> str:
    from rendertally.core.outbox import DELIVERED, REJECTED

    job = row.job
    if job is None:
        return f"job {row.id}: the stored record cannot be read ({row.last_error or 'damaged'})"
    what = (f"job {row.id}, {job.run_date:%Y-%m-%d %H:%M} UTC, {job.frames} frame(s), "
            f"{job.render_engine}, {job.status.name.capitalize()}")
    if row.state == DELIVERED:
        return f"{what}: delivered, the server said {row.code} {row.description or ''}".rstrip()
    if row.state == REJECTED:
        return f"{what}: rejected: {row.description or row.last_error or 'no reason given'}"
    return f"{what}: waiting" + (f" ({row.last_error})" if row.last_error else "")
