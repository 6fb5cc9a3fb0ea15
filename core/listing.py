"""How the CLI shows outbox rows to people: a table that fits the terminal, dates not timestamps."""
from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence

from .outbox import DELIVERED, OPEN, PENDING, REJECTED, Row

# What needs a person first: rejected, then waiting, then running, then history.
ORDER = {REJECTED: 0, PENDING: 1, OPEN: 2, DELIVERED: 3}
FIXED = (f"{'ID':>5}  {'STATE':<9} {'RUN DATE (UTC)':<19}  {'SW':<3} {'ENGINE':<12} {'FRAMES':>6} "
         f"{'HOURS':>8}  {'STATUS':<7} {'TRIES':>5}  ")
MIN_ANSWER = 10


def local_time(stamp: float | None) -> str:
    """A Unix time as people read it: local time with its zone."""
    if stamp is None:
        return "-"
    return dt.datetime.fromtimestamp(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def grouped(rows: Sequence[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (ORDER.get(row.state, 9), -row.id))


def table(rows: Sequence[Row], width: int | None = None) -> list[str]:
    """Header and one line per row; the answer column gets what the terminal has left."""
    width = width or shutil.get_terminal_size((120, 24)).columns
    answer_width = max(width - len(FIXED), MIN_ANSWER)
    lines = [FIXED + "ANSWER"]
    for row in grouped(rows):
        job = row.job
        answer = cut(f"{row.code} {row.description}" if row.code else (row.last_error or ""), answer_width)
        if job is None:
            lines.append(f"{row.id:>5}  {row.state:<9} {'(the stored record cannot be read)':<66} "
                         f"{row.attempts:>5}  {answer}")
            continue
        lines.append(f"{row.id:>5}  {row.state:<9} {job.run_date:%Y-%m-%d %H:%M:%S}  {job.software.value:<3} "
                     f"{cut(job.render_engine, 12):<12} {job.frames:>6} {job.render_hours:>8.3f}  "
                     f"{job.status.name.lower():<7} {row.attempts:>5}  {answer}")
    return lines


def details(row: Row) -> dict[str, object]:
    """``outbox show``'s fields, with dates people can read."""
    info = row.to_dict()
    info.pop("job")
    for name in ("created", "updated", "next_attempt", "delivered_at"):
        if info.get(name):
            info[name] = local_time(info[name])  # type: ignore[arg-type]
    return info
