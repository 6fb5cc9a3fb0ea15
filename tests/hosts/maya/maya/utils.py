"""Fake ``maya.utils``: executeDeferred only.

https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/ (maya.utils.executeDeferred:
runs when Maya is idle; in batch mode it runs at once)
"""
from __future__ import annotations

from typing import Any, Callable

_deferred: list[Callable[[], Any]] = []
batch = True  # set by maya._host.boot


def executeDeferred(function: Callable[..., Any], *args: Any) -> None:  # noqa: N802
    if batch:
        function(*args)
    else:
        _deferred.append(lambda: function(*args))


def _run_idle() -> None:
    while _deferred:
        _deferred.pop(0)()


def __getattr__(name: str) -> Any:
    raise AttributeError(f"the fake maya.utils has no {name!r} (not used by RenderTally)")
