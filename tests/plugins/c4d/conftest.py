"""The fake Cinema 4D on sys.path, reset per test, with the adapter registered."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rendertally.core.reporter import get_reporter
from rendertally.core.sandbox import Sandbox

HOSTS = Path(__file__).resolve().parents[2] / "hosts" / "c4d"
ADAPTER = Path(__file__).resolve().parents[3] / "plugins" / "c4d"  # its res/ is the plugin folder's


@pytest.fixture
def c4d(monkeypatch):
    """The fake ``c4d`` module, fresh; RenderTally's plugins registered in it."""
    monkeypatch.syspath_prepend(str(HOSTS))
    for name in [m for m in sys.modules if m == "c4d" or m.startswith("c4d.")]:
        monkeypatch.delitem(sys.modules, name)
    import c4d as module

    module._reset()
    module.plugins._plugin_folder[0] = str(ADAPTER)  # C4D loads the effect's description from res/
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


def add_effect(c4d, doc) -> None:
    """The user adds the "RenderTally" effect to ``doc``'s render settings (Render Settings ▸ Effect…)."""
    from rendertally.plugins.c4d import hooks

    doc.GetActiveRenderData().InsertVideoPost(c4d.documents.BaseVideoPost(hooks.EFFECT_ID))


@pytest.fixture
def sandbox(credentials_env):
    """The local stand-in API, with RenderTally pointed at it."""
    with Sandbox() as box:
        credentials_env(box.url)
        yield box


def deliver() -> None:
    assert get_reporter().flush(20, force=True)


def jobs(box) -> list[tuple[str, str, str]]:
    """(engine, frames, status) of each job the sandbox received."""
    return [(j["request"]["RenderEngine"], j["request"]["Frames"], j["request"]["JobStatus"]) for j in box.jobs]
