"""Fake ``qtmax``: GetQMaxMainWindow() returns Max's main window as a QWidget (3ds Max 2023+,
"qtmax" module in the 3ds Max Python API docs). The fake gives a plain top-level QWidget."""

_window = None


def GetQMaxMainWindow():  # noqa: N802
    global _window
    from PySide6.QtWidgets import QWidget

    if _window is None:
        _window = QWidget()
        _window.setWindowTitle("3ds Max (fake)")
    return _window


def __getattr__(name):
    raise AttributeError(f"module 'qtmax' has no attribute {name!r}")
