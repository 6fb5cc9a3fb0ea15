"""Fake ``maya.OpenMayaUI``: MQtUtil.mainWindow() returns the address of the main window set by a test.

https://help.autodesk.com/cloudhelp/2025/ENU/MAYA-API-REF/cpp_ref/class_m_qt_util.html (mainWindow)
"""
from __future__ import annotations

from typing import Any

_main_window: Any = None  # a QMainWindow a test set with _set_main_window


class MQtUtil:
    @staticmethod
    def mainWindow() -> Any:  # noqa: N802
        if _main_window is None:
            return None  # batch mode: no main window
        from shiboken6 import getCppPointer

        return getCppPointer(_main_window)[0]


def _set_main_window(window: Any) -> None:
    global _main_window
    _main_window = window


def __getattr__(name: str) -> Any:
    raise AttributeError(f"the fake maya.OpenMayaUI has no {name!r} (not used by RenderTally)")
