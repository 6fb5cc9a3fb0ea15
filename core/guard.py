"""The guard around every host hook: a render must never fail because of RenderTally.

Adapters wrap each callback they hand to a host in :func:`guarded`. Errors are logged and
swallowed; tests register a listener with :func:`on_swallowed` to turn them back into failures.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Callable, TypeVar

log = logging.getLogger("rendertally.guard")

F = TypeVar("F", bound=Callable[..., Any])
_listeners: list[Callable[[BaseException], None]] = []


def guarded(func: F) -> F:
    """``func`` that logs and swallows every ``Exception`` (returning None instead)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - this is the one place that swallows
            swallowed(exc, func.__qualname__)
            return None

    return wrapper  # type: ignore[return-value]


def swallowed(exc: BaseException, where: str) -> None:
    """Record an error that was kept away from the host."""
    log.error("RenderTally: %s failed; the host is not affected", where, exc_info=exc)
    for listener in list(_listeners):
        listener(exc)


def on_swallowed(listener: Callable[[BaseException], None]) -> Callable[[], None]:
    """Call ``listener`` for each swallowed error; returns a function that removes it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)
