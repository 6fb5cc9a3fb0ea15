"""The settings panel: the form, a test report, and the reports table in one widget.

A host parents it to its main window (see ``rendertally.ui.show_panel``); ``rendertally settings
--gui`` shows it on its own. Nothing that can wait on the network runs on the UI thread.
The Key is shown only in its masked field: every other text the panel shows passes ``redact``.
"""
from __future__ import annotations

from rendertally.core import settings as settings_mod
from rendertally.core.reporter import Reporter

from .form import ERROR_STYLE, SettingsForm, redact
from .qt import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget, Signal
from .reports import ReportsView
from .sending import send_test_report
from .worker import BackgroundCall

# A little more than the client's own deadline (30 s), so the client's message usually wins.
TEST_TIMEOUT = 35.0
OK_STYLE = "color: #2e7d32;"
TEST_HINT = ("Sends one test job (marked as a test, zero frames) with the saved settings, to check "
             "that the server accepts your Id and Key. It is not added to the reports below.")
DIRTY_HINT = "Save or revert your changes first: the test report uses the saved settings."


class SettingsPanel(QWidget):
    """Credentials and connection settings, a test report, and the recent reports."""

    settingsSaved = Signal()
    testReportFinished = Signal(bool, str)

    def __init__(self, parent: QWidget | None = None, *, software: str = "BLD",
                 software_version: str = "", reporter: Reporter | None = None,
                 test_timeout: float = TEST_TIMEOUT, refresh_ms: int = 2000) -> None:
        super().__init__(parent)
        self.software = software
        self.software_version = software_version
        self.setWindowTitle("RenderTally settings")
        self.test_call = BackgroundCall(
            "Test report", test_timeout,
            "No answer within {seconds:g} s; stopped waiting. Check the API URL, proxy and network.",
            self,
        )
        self.test_call.finished.connect(self._test_finished)
        self.form = SettingsForm()
        self.reports = ReportsView(reporter, refresh_ms=refresh_ms)
        self._build()
        self.form.dirtyChanged.connect(self._update_test_button)
        self.form.saved.connect(self.settingsSaved)
        self._update_test_button()
        self.resize(820, 780)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        account = QGroupBox("Account")
        QVBoxLayout(account).addWidget(self.form)
        layout.addWidget(account)

        test = QGroupBox("Test report")
        column = QVBoxLayout(test)
        line = QHBoxLayout()
        self.test_button = QPushButton("Send test report")
        self.test_button.clicked.connect(self.send_test_report)
        self.test_hint = QLabel()
        self.test_hint.setWordWrap(True)
        line.addWidget(self.test_button)
        line.addWidget(self.test_hint, 1)
        column.addLayout(line)
        self.test_status = QLabel()
        self.test_status.setWordWrap(True)
        self.test_status.hide()
        column.addWidget(self.test_status)
        layout.addWidget(test)

        history = QGroupBox("Recent reports")
        QVBoxLayout(history).addWidget(self.reports)
        layout.addWidget(history, 1)

    # -- the public surface -----------------------------------------------------------------
    @property
    def test_timeout(self) -> float:
        """Seconds the panel waits for a test report before it says so and stops waiting."""
        return self.test_call.timeout

    @test_timeout.setter
    def test_timeout(self, seconds: float) -> None:
        self.test_call.timeout = seconds

    def set_host(self, software: str, software_version: str = "") -> None:
        """Which host the test report names (``BLD``, ``C4D``, ``MAX``, ``MAY``) and its version."""
        self.software, self.software_version = software, software_version

    def save(self) -> bool:
        return self.form.save()

    def revert(self) -> None:
        self.form.revert()

    def reload(self) -> None:
        """Show the settings as saved now (another host or the CLI may have changed them)."""
        self.form.load(settings_mod.load())

    def is_dirty(self) -> bool:
        return self.form.is_dirty()

    def send_test_report(self) -> bool:
        """Post a Test job in the background; False if edits are unsaved or a test is running."""
        if self.form.is_dirty() or self.test_call.running:
            return False
        software, version = self.software, self.software_version
        self.test_call.start(lambda: send_test_report(software, version))
        self._show_test_status("Sending a test report…", "")
        self._update_test_button()
        return True

    # -- reactions --------------------------------------------------------------------------
    def _test_finished(self, ok: bool, message: str) -> None:
        message = redact(redact(message, self.form.loaded.key), self.form.value("key"))
        self._show_test_status(message, OK_STYLE if ok else ERROR_STYLE)
        self._update_test_button()
        self.testReportFinished.emit(ok, message)

    def _show_test_status(self, text: str, style: str) -> None:
        self.test_status.setText(text)
        self.test_status.setStyleSheet(style)
        self.test_status.show()

    def _update_test_button(self, *_args: object) -> None:
        dirty = self.form.is_dirty()
        self.test_button.setEnabled(not dirty and not self.test_call.running)
        self.test_hint.setText(DIRTY_HINT if dirty else TEST_HINT)
