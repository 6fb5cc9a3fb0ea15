"""Delivery: the background sender follows Blender's online access; bounded waits at the end.

Blender asks add-ons not to touch the network unless ``bpy.app.online_access`` is on
(Preferences ▸ System ▸ Network ▸ Allow Online Access). Jobs are always recorded in the outbox;
the sender thread runs only while online access is on. :func:`sync` is cheap (two attribute
reads) and is called from the render handlers and the preferences' draw, so turning online
access on later starts sending without a restart.
"""
from __future__ import annotations

import logging
import os
import threading

import bpy
from rendertally.core.guard import guarded
from rendertally.core.reporter import Reporter, get_reporter

log = logging.getLogger(__name__)

EXIT_WAIT_ENV = "RENDERTALLY_EXIT_WAIT"
DEFAULT_EXIT_WAIT = 10.0
SEND_NOW_WAIT = 60.0
HOW_TO_GO_ONLINE = "Preferences ▸ System ▸ Network ▸ Allow Online Access"


def online() -> bool:
    """Whether Blender allows add-ons to go online (4.2+; older Blender had no such switch)."""
    return bool(getattr(bpy.app, "online_access", True))


def sync(reporter: Reporter | None = None) -> bool:
    """Start the sender when online access is on, stop it when it is off; True while sending."""
    reporter = reporter or get_reporter()
    if online():
        if not reporter.sending:
            reporter.start_sending()
            log.info("RenderTally: online access is on; sending reports")
    elif reporter.sending:
        stop(reporter)
        log.info("RenderTally: online access is off; reports are kept on this computer")
    return reporter.sending


def stop(reporter: Reporter | None = None) -> None:
    """Stop sending without waiting (a request in flight is left to its daemon thread)."""
    (reporter or get_reporter()).stop_sending()


def exit_wait() -> float:
    """Seconds a background render waits at exit for its reports to go out."""
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
    """Deliver what is due within ``wait`` seconds, then stop sending. True if all went out in time.

    Never joins a thread stuck in I/O: what is not delivered stays in the outbox and goes out
    from the next process that sends.
    """
    reporter = get_reporter()
    if not reporter.sending:
        return False
    done = reporter.flush(wait)
    stop(reporter)
    return done


def send_now(wait: float = SEND_NOW_WAIT) -> threading.Thread:
    """Send every pending job now, on a background thread (the caller never waits)."""
    reporter = get_reporter()
    thread = threading.Thread(target=guarded(_send_now), args=(reporter, wait),
                              name="rendertally-send-now", daemon=True)
    thread.start()
    return thread


def _send_now(reporter: Reporter, wait: float) -> None:
    if sync(reporter):
        reporter.flush(wait, force=True)
