"""The Qt settings panel. The only package that imports Qt.

Contents:
- ``show_panel(parent, software=..., software_version=...)``: what host adapters (Maya, 3ds Max)
  call to show the panel parented to their main window; one panel per process.
- ``panel.SettingsPanel``: the widget (form, test report, reports table).
- ``app.main(screenshot=None)``: the standalone window behind ``rendertally settings --gui``.
- ``qt``: the one PySide6/PySide2 compatibility module; ``form``, ``reports``, ``sending``,
  ``worker``: the panel's parts.

Qt is imported only when a panel is made, so importing ``rendertally.ui`` costs nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .panel import SettingsPanel

__all__ = ["show_panel"]

_panel: SettingsPanel | None = None


def show_panel(parent: Any = None, *, software: str = "BLD", software_version: str = "") -> SettingsPanel:
    """Show the process's settings panel as a tool window of ``parent`` and bring it to the front.

    ``software`` (``BLD``, ``C4D``, ``MAX``, ``MAY``) and ``software_version`` name the host in
    test reports. The panel is made once and reused; a new one is made if its parent was deleted.
    """
    global _panel
    from .app import application
    from .panel import SettingsPanel
    from .qt import Qt, is_alive

    application()  # a host has one already; plain Python gets one so widgets can exist
    if _panel is None or not is_alive(_panel):
        _panel = SettingsPanel(parent, software=software, software_version=software_version)
        # Tool: stays above the host's main window and out of the task bar.
        _panel.setWindowFlags(Qt.WindowType.Tool if parent is not None else Qt.WindowType.Window)
    else:
        _panel.set_host(software, software_version)
        if not _panel.is_dirty():
            _panel.reload()  # show what is saved now: the CLI or another host may have changed it
    _panel.show()
    _panel.raise_()
    _panel.activateWindow()
    return _panel
