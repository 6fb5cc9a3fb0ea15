"""Fixtures for the Maya plug-in tests: the built module (once per session) and the fake Maya in-process."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rendertally.installers import maya as installer

FAKE_MAYA = Path(__file__).resolve().parents[2] / "hosts" / "maya"


@pytest.fixture(scope="session")
def built_module(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(module folder, zip), built once per session exactly as `rendertally build maya` does."""
    folder, archive = installer.build(tmp_path_factory.mktemp("maya-module"))
    return folder, archive


@pytest.fixture
def fake_maya(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The fake maya importable in this process, with a fresh scene and no callbacks; our hooks removed after."""
    monkeypatch.syspath_prepend(str(FAKE_MAYA))
    from maya import _host, _scene, cmds, mel
    from maya.api import OpenMaya

    _scene.scene.reset()
    OpenMaya._registry.clear()
    cmds._ui.clear()
    cmds._plugins.clear()
    mel.output.clear()
    cmds.ABOUT["batch"] = True
    yield _host
    from rendertally.plugins.maya import hooks

    hooks.remove()
    OpenMaya._registry.clear()
    # The fake stays imported: the adapter's modules hold on to the maya.cmds they imported.
