"""The one Qt compatibility module: PySide6, else PySide2 (Maya and 3ds Max 2023–2024).

Everything else in ``rendertally.ui`` imports its Qt names from here. Only what differs between
the two bindings lives below; enums are always written fully scoped
(``Qt.AlignmentFlag.AlignLeft``), which both bindings accept.
"""
from __future__ import annotations

from typing import Any

from rendertally.core.errors import ConfigurationError


class QtMissingError(ConfigurationError, ImportError):
    """Neither PySide6 nor PySide2 can be imported (an ImportError too, for callers that test for one)."""


try:
    from PySide6 import QtCore, QtGui, QtWidgets
    from shiboken6 import isValid as _is_valid
    from shiboken6 import wrapInstance as _wrap_instance

    BINDING = "PySide6"
except ImportError:  # Maya 2023–2024 and 3ds Max 2023–2024 ship PySide2
    try:
        from PySide2 import QtCore, QtGui, QtWidgets  # type: ignore[no-redef]
        from shiboken2 import isValid as _is_valid  # type: ignore[no-redef]
        from shiboken2 import wrapInstance as _wrap_instance  # type: ignore[no-redef]
    except ImportError as exc:
        # Plain Python without Qt: say what to install, not "No module named 'PySide2'".
        raise QtMissingError(
            "The settings panel needs Qt for Python: install it with `pip install 'rendertally[qt]'` "
            "(PySide6). The command line works without it: `rendertally settings --help`"
        ) from exc

    BINDING = "PySide2"

Qt = QtCore.Qt
QItemSelectionModel = QtCore.QItemSelectionModel
QObject = QtCore.QObject
QTimer = QtCore.QTimer
Signal = QtCore.Signal

QAbstractItemView = QtWidgets.QAbstractItemView
QApplication = QtWidgets.QApplication
QComboBox = QtWidgets.QComboBox
QFileDialog = QtWidgets.QFileDialog
QFormLayout = QtWidgets.QFormLayout
QGroupBox = QtWidgets.QGroupBox
QHBoxLayout = QtWidgets.QHBoxLayout
QHeaderView = QtWidgets.QHeaderView
QLabel = QtWidgets.QLabel
QLineEdit = QtWidgets.QLineEdit
QPushButton = QtWidgets.QPushButton
QTableWidget = QtWidgets.QTableWidget
QTableWidgetItem = QtWidgets.QTableWidgetItem
QToolButton = QtWidgets.QToolButton
QVBoxLayout = QtWidgets.QVBoxLayout
QWidget = QtWidgets.QWidget

QBrush = QtGui.QBrush
QColor = QtGui.QColor


def is_alive(obj: Any) -> bool:
    """False once the C++ side of a Qt object was deleted (e.g. its parent window closed)."""
    return obj is not None and bool(_is_valid(obj))


def widget_at(pointer: Any) -> Any:
    """A host's C++ widget pointer (Maya's ``MQtUtil.mainWindow()``, …) as a QWidget, or None."""
    if pointer is None:
        return None
    return _wrap_instance(int(pointer), QWidget)


def run_event_loop(app: Any) -> int:
    """``exec()``; PySide2 only has ``exec_()`` (``exec`` was a keyword in Python 2)."""
    run = getattr(app, "exec", None) or app.exec_
    return int(run())


__all__ = [
    "BINDING", "QAbstractItemView", "QApplication", "QBrush", "QColor", "QComboBox",
    "QFileDialog", "QFormLayout", "QGroupBox", "QHBoxLayout", "QHeaderView", "QItemSelectionModel",
    "QLabel", "QLineEdit", "QObject", "QPushButton", "QTableWidget", "QTableWidgetItem", "QTimer",
    "QToolButton", "QVBoxLayout", "QWidget", "Qt", "QtCore", "QtGui", "QtWidgets", "Signal",
    "is_alive", "run_event_loop", "widget_at",
]
