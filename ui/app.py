"""The standalone window: ``rendertally settings --gui [--screenshot PATH]``."""
from __future__ import annotations

import os
import sys
from typing import Any

_app: Any = None  # the QApplication we created, kept alive for the life of the process


def application(argv: list[str] | None = None) -> Any:
    """The running QApplication, or a new one (standalone use)."""
    global _app
    from .qt import QApplication

    existing = QApplication.instance()
    if existing is not None:
        return existing
    _app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    _app.setApplicationName("RenderTally")
    return _app


def main(screenshot: str | None = None, argv: list[str] | None = None) -> int:
    """Open the settings panel as a window; with ``screenshot``, render it to that PNG and return."""
    if screenshot and _no_display():
        # Must be set before the QApplication exists; it is read once, at start-up.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application(argv)
    from .panel import SettingsPanel
    from .qt import run_event_loop

    panel = SettingsPanel()
    if screenshot:
        return save_screenshot(app, panel, screenshot)
    panel.show()
    return run_event_loop(app)


def save_screenshot(app: Any, panel: Any, path: str) -> int:
    """Render ``panel`` (the Key masked, as always) to a PNG without showing it on screen."""
    from .qt import Qt, QtCore

    panel.form.show_key.setChecked(False)
    panel.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    previous = QtCore.qInstallMessageHandler(_quiet_offscreen)
    try:
        panel.show()  # lays out and fills the reports table, off screen
        app.processEvents()
        ok = panel.grab().save(path, "PNG")
    finally:
        QtCore.qInstallMessageHandler(previous)
    panel.close()
    panel.deleteLater()
    if not ok:
        print(f"error: could not write the screenshot {path}", file=sys.stderr)
        return 1
    return 0


def _quiet_offscreen(mode: Any, context: Any, message: str) -> None:
    # The offscreen platform warns that it cannot size windows; that is expected, not news.
    if "propagateSizeHints" not in message:
        sys.stderr.write(f"{message}\n")


def _no_display() -> bool:
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
