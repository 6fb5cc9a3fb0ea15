"""Delivery in Maya: the core's (:mod:`rendertally.core.delivery`), started when the plug-in loads.

Maya has no "online access" switch: sending starts when the plug-in loads. At exit it flushes for
at most ``exit_wait()`` seconds; unloading the plug-in by hand waits only :data:`UNLOAD_WAIT`.
"""
from __future__ import annotations

from rendertally.core.delivery import close, exit_wait, send_now, start

UNLOAD_WAIT = 2.0  # unloading the plug-in by hand: a short courtesy flush

__all__ = ["UNLOAD_WAIT", "close", "exit_wait", "send_now", "start"]
