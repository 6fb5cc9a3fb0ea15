"""The standalone window, its screenshot mode, and the function host adapters call."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import rendertally.ui
from rendertally.core import settings
from rendertally.ui import app, show_panel
from rendertally.ui.panel import SettingsPanel
from rendertally.ui.qt import QLineEdit, Qt, QWidget

from ..conftest import SECRET_KEY, TEST_ID

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_screenshot_writes_a_png(tmp_path: Path) -> None:
    """main(screenshot=PATH) renders the panel to a non-empty PNG and returns 0 without a loop."""
    settings.save({"id": TEST_ID, "key": SECRET_KEY})
    path = tmp_path / "panel.png"
    assert app.main(screenshot=str(path)) == 0
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 5_000


def test_screenshot_masks_a_revealed_key(qtbot, tmp_path: Path) -> None:
    """A Key revealed with Show is masked again before the panel is rendered."""
    settings.save({"key": SECRET_KEY})
    panel = SettingsPanel()
    qtbot.addWidget(panel)
    panel.form.show_key.click()
    assert app.save_screenshot(app.application(), panel, str(tmp_path / "p.png")) == 0
    assert panel.form.editors["key"].echoMode() == QLineEdit.EchoMode.Password


def test_cli_gui_screenshot(tmp_path: Path) -> None:
    """`rendertally settings --gui --screenshot PATH` works in a fresh process with no display."""
    path = tmp_path / "cli.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "rendertally.core", "settings", "--gui", "--screenshot", str(path)],
                          env=env, check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert path.read_bytes().startswith(PNG_MAGIC)


def test_importing_the_package_does_not_import_qt() -> None:
    """`import rendertally.ui` stays cheap: Qt loads only when a panel is made."""
    code = "import sys, rendertally.ui; print(sorted(m for m in sys.modules if m.startswith(('PySide', 'shiboken'))))"
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.fixture
def no_panel(monkeypatch):
    """Forget the process's panel before and after the test."""
    monkeypatch.setattr(rendertally.ui, "_panel", None)


def test_show_panel_reuses_one_tool_window_per_process(qtbot, no_panel) -> None:
    """Hosts get one panel, parented to their main window as a tool window, shown again on reuse."""
    host_window = QWidget()
    qtbot.addWidget(host_window)
    first = show_panel(host_window, software="MAY", software_version="2024")
    assert first.parent() is host_window
    assert first.windowFlags() & Qt.WindowType.Tool == Qt.WindowType.Tool
    assert first.isVisible()
    first.close()

    again = show_panel(host_window, software="MAX", software_version="2026")
    assert again is first and again.isVisible()
    assert (again.software, again.software_version) == ("MAX", "2026")


def test_show_panel_makes_a_new_panel_when_the_old_one_was_deleted(qtbot, no_panel) -> None:
    """If the host deleted the panel with its window, the next call builds a fresh one."""
    host_window = QWidget()
    first = show_panel(host_window)
    host_window.deleteLater()
    qtbot.waitUntil(lambda: not rendertally.ui.qt.is_alive(first), timeout=2_000)
    second = show_panel(None)
    qtbot.addWidget(second)
    assert second is not first and second.isVisible()


def test_show_panel_shows_settings_saved_elsewhere(qtbot, no_panel) -> None:
    """Reopening the panel shows what the CLI or another host saved meanwhile."""
    panel = show_panel()
    qtbot.addWidget(panel)
    panel.close()
    settings.save({"id": "changed-elsewhere"})
    assert show_panel().form.value("id") == "changed-elsewhere"
