"""Delivery: the background sender runs while the plug-in is loaded; bounded waits at the end.

Maya has no "online access" switch: sending starts when the plug-in loads. At exit (and when
the plug-in unloads) it flushes for at most :func:`exit_wait` seconds and never joins a thread
stuck in I/O; what is left goes out from the next process.
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
UNLOAD_WAIT = 2.0  # unloading the plug-in by hand: a short courtesy flush


def start() -> None:
    reporter = get_reporter()
    if not reporter.sending:
        reporter.start_sending()


def exit_wait() -> float:
    """Seconds Maya waits at exit for its reports to go out (``RENDERTALLY_EXIT_WAIT``)."""
    raw = os.environ.get(EXIT_WAIT_ENV, "").strip()
    if not raw:
        return DEFAULT_EXIT_WAIT
    try:
        value = float(raw)
    except ValueError:
        log.warning("RenderTally: %s=%r is not a number of seconds; using %s", EXIT_WAIT_ENV, raw, DEFAULT_EXIT_WAIT)
        return DEFAULT_EXIT_WAIT
    return min(max(value, 0.0), 600.0)


def close(wait: float) -> bool:
    """Deliver what is due within ``wait`` seconds, then stop sending. True if all went out."""
    reporter = get_reporter()
    if not reporter.sending:
        return False
    done = reporter.flush(wait)
    reporter.stop_sending()
    return done


def send_now(wait: float = SEND_NOW_WAIT) -> threading.Thread:
    """Send every pending job now, on a background thread (Maya's UI never waits)."""
    thread = threading.Thread(target=guarded(_send_now), args=(get_reporter(), wait),
                              name="rendertally-send-now", daemon=True)
    thread.start()
    return thread


def _send_now(reporter: Reporter, wait: float) -> None:
    if not reporter.sending:
        reporter.start_sending()
    reporter.flush(wait, force=True)
