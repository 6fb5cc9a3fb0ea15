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

import bpy
from rendertally.core import delivery as core_delivery
from rendertally.core.delivery import SEND_NOW_WAIT, close, exit_wait
from rendertally.core.reporter import Reporter, get_reporter

log = logging.getLogger(__name__)

HOW_TO_GO_ONLINE = "Preferences ▸ System ▸ Network ▸ Allow Online Access"
__all__ = ["HOW_TO_GO_ONLINE", "close", "exit_wait", "online", "send_now", "stop", "sync"]


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


def send_now(wait: float = SEND_NOW_WAIT) -> threading.Thread:
    """Send every pending job now, on a background thread (the caller never waits)."""
    return core_delivery.in_background(_send_now, get_reporter(), wait, name="rendertally-send-now")


def _send_now(reporter: Reporter, wait: float) -> None:
    if sync(reporter):
        reporter.flush(wait, force=True)
