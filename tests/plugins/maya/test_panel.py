"""The settings panel from the RenderTally menu, parented to Maya's main window through MQtUtil + shiboken."""
from __future__ import annotations

import os
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
QtWidgets = pytest.importorskip("PySide6.QtWidgets")
shiboken6 = pytest.importorskip("shiboken6")


def test_settings_opens_the_panel_inside_the_main_window(fake_maya: Any, qtbot: Any, monkeypatch: Any) -> None:
    """Settings… shows the panel as a tool window whose parent is the QMainWindow MQtUtil.mainWindow() points at."""
    import rendertally.ui
    from maya import OpenMayaUI, cmds
    from rendertally.plugins.maya import menu

    monkeypatch.setattr(rendertally.ui, "_panel", None)  # one panel per process: another test's is not ours

    window = QtWidgets.QMainWindow()
    qtbot.addWidget(window)
    OpenMayaUI._set_main_window(window)
    try:
        name = menu.add()
        settings = next(item for item in cmds._ui.values() if item.get("parent") == name and
                        item["label"].startswith("Settings"))
        settings["command"](False)  # Maya passes the menu item's checked state
        from rendertally import ui

        panel = ui._panel
        assert panel is not None and panel.isVisible()
        parent = panel.parentWidget()
        assert shiboken6.getCppPointer(parent)[0] == shiboken6.getCppPointer(window)[0]
        assert panel.windowTitle()
        panel.close()
        menu.remove()
    finally:
        OpenMayaUI._set_main_window(None)


def test_no_main_window_in_batch(fake_maya: Any) -> None:
    """In batch there is no main window: main_window() is None, nothing is wrapped."""
    from rendertally.plugins.maya import menu

    assert menu.main_window() is None
