"""How the CLI shows the outbox to people: a table that fits the terminal, dates not timestamps,
one job's outcome (with its exit code), and progress while a command waits."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import sys
import threading
import time
from collections.abc import Iterator, Sequence

from .outbox import DELIVERED, OPEN, PENDING, REJECTED, Row

# The CLI's exit codes, a contract other tools rely on (core.cli's docstring says what each means).
OK, FAILED, INVALID, REJECTED_EXIT, NOT_YET = 0, 1, 2, 3, 75
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


def outcome(row: Row | None, as_json: bool = False, *, queued: str | None = None) -> int:
    if row is None:
        print("error: the job is no longer in the outbox", file=sys.stderr)
        return FAILED
    code = {DELIVERED: OK, REJECTED: REJECTED_EXIT}.get(row.state, NOT_YET)
    if as_json:
        print(json.dumps({"job": row.id, "state": row.state, "exit": code, "code": row.code,
                          "description": row.description, "error": row.last_error, "note": queued}))
        return code
    if queued:
        print(f"Queued as job {row.id}. {queued}.")
    elif row.state == DELIVERED:
        print(f"Delivered (job {row.id}): {row.code} {row.description}")
    elif row.state == REJECTED:
        print(f"Rejected (job {row.id}): {row.last_error}\nThe job is kept; fix the cause, then run "
              f"`rendertally outbox retry {row.id}`.", file=sys.stderr)
    else:
        reason = row.last_error or "not sent within the wait"
        print(f"Not delivered yet (job {row.id}): {reason}\nThe job is kept in the outbox and will be sent "
              "later (or now: `rendertally outbox flush`).", file=sys.stderr)
    return code


@contextlib.contextmanager
def progress(what: str, wait: float) -> Iterator[None]:
    """On a terminal, a line saying how long we have waited and for what; nothing otherwise."""
    if not sys.stderr.isatty() or wait < 1:
        yield
        return
    done = threading.Event()
    started = time.monotonic()

    def tick() -> None:
        while not done.wait(0.5):
            print(f"\r{what}: {time.monotonic() - started:4.0f} s of {wait:g} s", end="", file=sys.stderr, flush=True)

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(1)
        print("\r\033[K", end="", file=sys.stderr, flush=True)
