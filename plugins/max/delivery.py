"""Delivery in 3ds Max: the core's (:mod:`rendertally.core.delivery`), started at start-up.

Interactive Max sends in the background. In quiet/network mode (3dsmaxcmd, 3dsmaxbatch, a farm
node) the process may exit right after a render, so the hooks flush for at most ``exit_wait()``
seconds after each render and keep sending (``close(wait, stop=False)``); at shutdown they stop.
"""
from __future__ import annotations

from rendertally.core.delivery import close, exit_wait, send_now, start

__all__ = ["close", "exit_wait", "send_now", "start"]
