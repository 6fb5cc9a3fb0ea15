"""Delivery: the background sender runs while Max runs; bounded waits where Max may exit.

Interactive Max sends in the background. In quiet/network mode (3dsmaxcmd, 3dsmaxbatch, a farm
node) the process may exit right after a render, so the hooks flush for at most
``RENDERTALLY_EXIT_WAIT`` seconds (default 10) and never join a thread stuck in I/O; what is not
delivered stays in the outbox for the next process.
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
SEND_NOW_WAIT = 60.0


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
    """Deliver what is due within ``wait`` seconds (sending goes on afterwards). True if all went."""
    reporter = get_reporter()
    if not reporter.sending:
        reporter.start_sending()
    return reporter.flush(wait)


def send_now(wait: float = SEND_NOW_WAIT) -> threading.Thread:
    """Send every pending job now, on a background thread (Max's UI never waits)."""
    thread = threading.Thread(target=guarded(_send_now), args=(get_reporter(), wait),
                              name="rendertally-send-now", daemon=True)
    thread.start()
    return thread


def _send_now(reporter: Reporter, wait: float) -> None:
    if not reporter.sending:
        reporter.start_sending()
    reporter.flush(wait, force=True)
