"""Delivery in Cinema 4D: the core's (:mod:`rendertally.core.delivery`), started at registration.

Commandline gets a bounded wait (``exit_wait()``) at ``C4DPL_ENDPROGRAM``; the settings dialog's
test report runs with :func:`in_background` (C4D's GUI thread never waits).
"""
from __future__ import annotations

from rendertally.core.delivery import close, exit_wait, in_background, start

__all__ = ["close", "exit_wait", "in_background", "start"]
