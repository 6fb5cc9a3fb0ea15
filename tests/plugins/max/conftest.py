"""The fake 3ds Max on sys.path, and a helper that renders the way Max notifies."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# The Settings… test makes the Qt panel: offscreen, set before pytest-qt's QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HOSTS = Path(__file__).resolve().parents[2] / "hosts" / "max"


@pytest.fixture
def rt(monkeypatch):
    """``pymxs.runtime`` of a fresh fake Max (2026, interactive); the adapter unregistered after."""
    monkeypatch.syspath_prepend(str(HOSTS))
    for name in [m for m in sys.modules if m in ("pymxs", "qtmax")]:
        monkeypatch.delitem(sys.modules, name)
    import pymxs

    pymxs.runtime.reset()
    yield pymxs.runtime
    from rendertally.plugins import max as adapter

    adapter.unregister()


def render(rt, frames_done: int) -> None:
    """One render as Max notifies it: #preRender, per frame #preRenderFrame/#postRenderFrame, #postRender
    (sent after a cancel too: Max has no cancel notification)."""
    rt.callbacks.broadcastCallback(rt.Name("preRender"))
    for _ in range(frames_done):
        rt.callbacks.broadcastCallback(rt.Name("preRenderFrame"))
        rt.callbacks.broadcastCallback(rt.Name("postRenderFrame"))
    rt.callbacks.broadcastCallback(rt.Name("postRender"))
