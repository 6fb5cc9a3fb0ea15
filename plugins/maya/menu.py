"""The RenderTally menu in Maya's main menu bar: Settings…, Send pending now, Reports.

Added when the plug-in loads in the GUI, removed when it unloads. The settings panel is
parented to Maya's main window (``MQtUtil.mainWindow()`` wrapped with shiboken6 from Maya 2025,
shiboken2 before).
https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/menu.html
https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/menuItem.html
https://help.autodesk.com/cloudhelp/2025/ENU/MAYA-API-REF/cpp_ref/class_m_qt_util.html
"""
from __future__ import annotations

import logging
from typing import Any

from maya import cmds
from rendertally.core.guard import guarded

from . import delivery, scene

log = logging.getLogger(__name__)

MENU = "RenderTallyMenu"
MAIN_WINDOW = "MayaWindow"  # the main window's (and menu bar's) name in MEL


def add() -> str:
    """(Re)create the menu; returns its name."""
    remove()
    cmds.menu(MENU, label="RenderTally", parent=MAIN_WINDOW, tearOff=True)
    cmds.menuItem(label="Settings\u2026", command=guarded(_settings), parent=MENU,
                  annotation="Account, connection and the recent reports")
    cmds.menuItem(label="Send pending now", command=guarded(_send_now), parent=MENU,
                  annotation="Send every report that waits, now")
    cmds.menuItem(label="Reports", command=guarded(_reports), parent=MENU,
                  annotation="What was reported from this computer")
    return MENU


def remove() -> None:
    if cmds.menu(MENU, exists=True):
        # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/deleteUI.html
        cmds.deleteUI(MENU, menu=True)


def main_window() -> Any:
    """Maya's main window as a QWidget, or None (batch)."""
    from maya import OpenMayaUI

    # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-SDK/cpp_ref/class_m_qt_util.html (mainWindow)
    from rendertally.ui.qt import widget_at  # shiboken6 from Maya 2025, shiboken2 before

    return widget_at(OpenMayaUI.MQtUtil.mainWindow())


def show_panel() -> Any:
    from rendertally.ui import show_panel as show

    return show(main_window(), software="MAY", software_version=scene.software_version())


def _settings(*_: Any) -> None:
    show_panel()


def _reports(*_: Any) -> None:
    panel = show_panel()
    panel.reports.setFocus()


def _send_now(*_: Any) -> None:
    delivery.send_now()
