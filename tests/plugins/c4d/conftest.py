"""The fake Cinema 4D on sys.path, reset per test, with the adapter registered."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HOSTS = Path(__file__).resolve().parents[2] / "hosts" / "c4d"


@pytest.fixture
def c4d(monkeypatch):
    """The fake ``c4d`` module, fresh; RenderTally's plugins registered in it."""
    monkeypatch.syspath_prepend(str(HOSTS))
    for name in [m for m in sys.modules if m == "c4d" or m.startswith("c4d.")]:
        monkeypatch.delitem(sys.modules, name)
    import c4d as module

    module._reset()
    from rendertally.plugins.c4d import hooks

    monkeypatch.setattr(hooks, "state", {"watcher": None, "commandline": None, "dialog": None})
    hooks.register()
    return module


def timer(c4d) -> None:
    """One tick of our MessageData timer, as C4D calls it (CoreMessage with MSG_TIMER)."""
    from rendertally.plugins.c4d import hooks

    _name, watcher = c4d.plugins.registered[hooks.WATCHER_ID]
    assert watcher.GetTimer() > 0
    assert watcher.CoreMessage(c4d.MSG_TIMER, None) is True
