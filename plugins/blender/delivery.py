"""Delivery: the background sender follows Blender's online access; bounded waits at the end.

Blender asks add-ons not to touch the network unless ``bpy.app.online_access`` is on
(Preferences ▸ System ▸ Network ▸ Allow Online Access). Jobs are always recorded in the outbox;
the sender thread runs only while online access is on. :func:`sync` is cheap (two attribute
reads) and is called from the render handlers and the preferences' draw, so turning online
access on later starts sending without a restart.
"""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

import bpy
from rendertally.core import delivery as core_delivery
from rendertally.core.delivery import SEND_NOW_WAIT, exit_wait

if TYPE_CHECKING:
    from rendertally.core.reporter import Reporter

log = logging.getLogger(__name__)

HOW_TO_GO_ONLINE = "Preferences ▸ System ▸ Network ▸ Allow Online Access"
START_JOIN_SECONDS = 5.0  # the start-up thread only opens a local file: it never waits this long
__all__ = ["HOW_TO_GO_ONLINE", "close", "exit_wait", "online", "send_now", "start_in_background",
           "stop", "sync"]

_starting: threading.Thread | None = None


def get_reporter() -> Reporter:
    """The process's reporter, for every module of the add-on. Imported on first use (a render,
    a draw, a button), not at register: it opens the outbox (sqlite3) and reads the settings,
    which Blender's start-up, paid once per task on a render node, should not wait for."""
    from rendertally.core.reporter import get_reporter

    return get_reporter()


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


def start_in_background() -> threading.Thread | None:
    """At register: start sending from a thread when online access is on; None when it is off.

    Opening the outbox, reading the settings and reporting what an earlier process left open
    cost tens of milliseconds that Blender's start-up (paid once per task on a render node)
    need not wait for. Only the online switch is read here, on Blender's thread; the thread
    itself never touches ``bpy``.
    """
    global _starting
    if not online():
        return None
    _starting = core_delivery.in_background(core_delivery.start, name="rendertally-start")
    return _starting


def _started() -> None:
    # Unregister or exit right after register: let the start finish first, or it would start
    # the sender after a stop, or a short `blender -b` would exit before it could send.
    global _starting
    if _starting is not None:
        _starting.join(START_JOIN_SECONDS)
        _starting = None


def stop(reporter: Reporter | None = None) -> None:
    """Stop sending without waiting (a request in flight is left to its daemon thread)."""
    _started()
    (reporter or get_reporter()).stop_sending()


def close(wait: float) -> bool:
    """Deliver what is due within ``wait`` seconds, then stop (see core.delivery.close)."""
    _started()
    return core_delivery.close(wait)


def send_now(wait: float = SEND_NOW_WAIT) -> threading.Thread:
    """Send every pending job now, on a background thread (the caller never waits)."""
    return core_delivery.in_background(_send_now, get_reporter(), wait, name="rendertally-send-now")


def _send_now(reporter: Reporter, wait: float) -> None:
    if sync(reporter):
        reporter.flush(wait, force=True)
