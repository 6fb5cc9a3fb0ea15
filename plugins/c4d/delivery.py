"""Delivery: the sender runs in the background; Commandline gets a bounded wait before it quits.

``RENDERTALLY_EXIT_WAIT`` seconds (default 10) at ``C4DPL_ENDPROGRAM``; what is not delivered by
then stays in the outbox and goes out from the next process.
"""
from __future__ import annotations

import logging
import os
import threading

from rendertally.core.guard import guarded
from rendertally.core.reporter import Reporter, get_reporter

log = logging.getLogger(__name__)

EXIT_WAIT_ENV = "RENDERTALLY_EXIT_WAIT"
DEFAULT_EXIT_WAIT = 10.0


def start() -> None:
    reporter = get_reporter()
    if not reporter.sending:
        reporter.start_sending()


def exit_wait() -> float:
    raw = os.environ.get(EXIT_WAIT_ENV, "").strip()
    try:
        return min(max(float(raw), 0.0), 600.0) if raw else DEFAULT_EXIT_WAIT
    except ValueError:
        log.warning("RenderTally: %s=%r is not a number of seconds; using %s", EXIT_WAIT_ENV, raw, DEFAULT_EXIT_WAIT)
        return DEFAULT_EXIT_WAIT


def close(wait: float) -> bool:
    reporter = get_reporter()
    if not reporter.sending:
        return False
    done = reporter.flush(wait)
    reporter.stop_sending()
    return done


def send_in_background(work, *args) -> threading.Thread:  # noqa: ANN001 - a guarded callable
    thread = threading.Thread(target=guarded(work), args=args, name="rendertally-c4d", daemon=True)
    thread.start()
    return thread


def flush(reporter: Reporter, wait: float = 60.0) -> None:
    if not reporter.sending:
        reporter.start_sending()
    reporter.flush(wait, force=True)
