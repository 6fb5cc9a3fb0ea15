"""Fake ``maya.utils``: executeDeferred only.

It runs the function when Maya is next idle; in batch mode it does not run at all (PyMEL's note
on its wrapper: https://docs.huihoo.com/autodesk/maya/2017/english/PyMel/generated/functions/pymel.mayautils/pymel.mayautils.executeDeferred.html).
"""
from __future__ import annotations

from typing import Any, Callable

_deferred: list[Callable[[], Any]] = []
batch = True  # set by maya._host.boot


def executeDeferred(function: Callable[..., Any], *args: Any) -> None:  # noqa: N802
    if not batch:
        _deferred.append(lambda: function(*args))


def _run_idle() -> None:
    while _deferred:
        _deferred.pop(0)()


def __getattr__(name: str) -> Any:
    raise AttributeError(f"the fake maya.utils has no {name!r} (not used by RenderTally)")
