"""The reports table: recent jobs from the outbox, what the server said, Retry and Send now.

The table, the host's sender and the CLI share one outbox file, so they see one history. The
view reads it on the UI thread through a connection of its own: a few rows from a local SQLite
file in WAL mode, where readers never wait for writers, and never behind the lock of the
reporter's connection (its sender may be waiting on another process's write). Sending goes
through the process's reporter, on a background thread.
"""
from __future__ import annotations

import datetime as dt

from rendertally.core import settings as settings_mod
from rendertally.core.errors import RenderTallyError
from rendertally.core.job import JobType, format_hours
from rendertally.core.outbox import DELIVERED, OPEN, PENDING, REJECTED, Outbox, Row
from rendertally.core.reporter import OUTBOX_FILE, Reporter, get_reporter

from .qt import (
    QAbstractItemView,
    QBrush,
    QColor,
    QHBoxLayout,
    QHeaderView,
    QItemSelectionModel,
    QLabel,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .sending import send_pending
from .worker import BackgroundCall

COLUMNS = ("When (local time)", "Host", "Frames", "Hours", "Engine", "Status", "Delivery", "Server's answer")
HOSTS = {"BLD": "Blender", "C4D": "Cinema 4D", "MAX": "3ds Max", "MAY": "Maya"}
DELIVERY = {OPEN: "rendering", PENDING: "pending", DELIVERED: "delivered", REJECTED: "rejected"}
STATE_COLORS = {REJECTED: "#c62828", PENDING: "#b26a00", DELIVERED: "#2e7d32"}
ID_ROLE = int(Qt.ItemDataRole.UserRole)
STATE_ROLE = ID_ROLE + 1
ENGINE_WIDTH = 140


def row_cells(row: Row) -> list[str]:
    """One outbox row as the table shows it; the run date in the viewer's local time."""
    job = row.job
    if job is None:  # a damaged record, set aside as rejected
        return ["?", "(record cannot be read)", "", "", "", "", delivery_text(row), answer_text(row)]
    status = job.status.name.capitalize()
    if job.job_type is JobType.TEST:
        status += " (test)"
    return [
        job.run_date.astimezone().strftime("%Y-%m-%d %H:%M"),
        f"{HOSTS.get(job.software.value, job.software.value)} {job.software_version}",
        str(job.frames),
        format_hours(round(job.render_hours, 4)),
        job.render_engine,
        status,
        delivery_text(row),
        answer_text(row),
    ]


def delivery_text(row: Row) -> str:
    text = DELIVERY.get(row.state, row.state)
    if row.state == PENDING and row.attempts:
        when = dt.datetime.fromtimestamp(row.next_attempt).strftime("%H:%M")
        text += f" (tried {row.attempts}×, next {when})"
    return text


def answer_text(row: Row) -> str:
    """The server's Code and Description when it answered, else the last error, if any."""
    if row.code is not None:
        return f"Code {row.code}: {row.description or ''}".rstrip(": ")
    return row.last_error or row.description or ""


class ReportsView(QWidget):
    """A table of the newest jobs, refreshed while visible, with Retry and Send now."""

    sendFinished = Signal(bool, str)

    def __init__(self, reporter: Reporter | None = None, parent: QWidget | None = None, *,
                 refresh_ms: int = 2000, limit: int = 100, send_timeout: float = 30.0) -> None:
        super().__init__(parent)
        self._reporter = reporter
        self._outbox: Outbox | None = None
        self.limit = limit
        self.send_timeout = send_timeout
        self._shown: tuple = ()
        self._pending = 0
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self.refresh)
        # The worker's own bound is a little longer than the flush's, which answers first.
        self.send_call = BackgroundCall("Send now", send_timeout + 5.0,
                                        "Sending did not finish in {seconds:g} s; the jobs stay queued.", self)
        self.send_call.finished.connect(self._sent)
        self._build()

    @property
    def reporter(self) -> Reporter:
        """The reporter given, else the process's (looked up each time: tests and hosts reset it)."""
        return self._reporter or get_reporter()

    @property
    def outbox(self) -> Outbox:
        """The view's own connection to the outbox file, opened on first use (and after a hide)."""
        home = self._reporter.home if self._reporter is not None else settings_mod.home()
        path = home / OUTBOX_FILE
        if self._outbox is None or self._outbox.path != path:
            self.close_outbox()
            self._outbox = Outbox(path)
        return self._outbox

    def close_outbox(self) -> None:
        if self._outbox is not None:
            self._outbox.close()
            self._outbox = None

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.summary = QLabel()
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setToolTip("Send the selected rejected jobs again (after fixing the settings)")
        self.retry_button.clicked.connect(self.retry_selected)
        self.send_button = QPushButton("Send now")
        self.send_button.setToolTip("Send every pending job now instead of waiting for the next try")
        self.send_button.clicked.connect(self.send_now)
        top.addWidget(self.summary, 1)
        for button in (self.refresh_button, self.retry_button, self.send_button):
            top.addWidget(button)
        layout.addLayout(top)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # A long engine name ("V-Ray 6 Hotfix 3 for 3ds Max") must not push the server's answer
        # out of sight: a fixed width, elided, the whole name in the tooltip.
        header.setSectionResizeMode(COLUMNS.index("Engine"), QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(COLUMNS.index("Engine"), ENGINE_WIDTH)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {STATE_COLORS[REJECTED]};")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self._update_buttons()

    # -- refreshing -------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.timer.stop()
        self.close_outbox()  # a closed panel holds no file open
        super().hideEvent(event)

    def refresh(self) -> None:
        """Read the newest jobs; redraw only when something changed (keeps scroll and selection)."""
        try:
            rows = self.outbox.list(limit=self.limit)
            counts = self.outbox.counts()
        except RenderTallyError as exc:
            self.status.setText(f"Could not read the reports: {exc}")
            return
        self._pending = counts[PENDING]
        parts = [f"{counts[state]} {DELIVERY[state]}" for state in (PENDING, REJECTED, DELIVERED, OPEN)
                 if counts[state]]
        last = max((r.delivered_at or 0 for r in rows if r.state == DELIVERED), default=0)
        if last:
            parts.append("last delivered " + dt.datetime.fromtimestamp(last).strftime("%Y-%m-%d %H:%M") + " (local time)")
        self.summary.setText(" · ".join(parts) if parts else "No renders reported yet.")
        self._show_problem()
        shown = tuple((r.id, r.state, r.updated) for r in rows)
        if shown != self._shown:
            self._shown = shown
            self._fill(rows)
        self._update_buttons()

    def _show_problem(self) -> None:
        """Why jobs are not going out: sending paused (any process's 401/403, kept on disk), else
        what this process's sender last saw (no Key, network)."""
        reporter = self.reporter
        try:
            reason = reporter.paused_reason()
        except RenderTallyError:
            reason = None
        if reason is None and reporter.sending and self._pending:
            reason = reporter.sender.last_error
        self.problem.setText(f"Sending problem: {reason}" if reason else "")
        self.problem.setVisible(bool(reason))

    def _fill(self, rows: list[Row]) -> None:
        selected = set(self.selected_ids())
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            color = STATE_COLORS.get(row.state)
            for column, text in enumerate(row_cells(row)):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, row.id)
                item.setData(STATE_ROLE, row.state)
                if column == COLUMNS.index("Delivery") and color:
                    item.setForeground(QBrush(QColor(color)))
                if column in (COLUMNS.index("Server's answer"), COLUMNS.index("Engine")) and text:
                    item.setToolTip(text)
                self.table.setItem(index, column, item)
        self.table.clearSelection()
        for index, row in enumerate(rows):
            if row.id in selected:
                self._select_index(index)

    # -- selection --------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [int(self.table.item(r, 0).data(ID_ROLE)) for r in rows]

    def selected_states(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [str(self.table.item(r, 0).data(STATE_ROLE)) for r in rows]

    def select_job(self, row_id: int) -> bool:
        """Select the table row of job ``row_id`` (for hosts and tests); False if not shown."""
        for index in range(self.table.rowCount()):
            if int(self.table.item(index, 0).data(ID_ROLE)) == row_id:
                self.table.clearSelection()
                self._select_index(index)
                return True
        return False

    def _select_index(self, index: int) -> None:
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().select(self.table.model().index(index, 0), flags)

    def _update_buttons(self) -> None:
        self.retry_button.setEnabled(REJECTED in self.selected_states())
        self.send_button.setEnabled(self._pending > 0 and not self.send_call.running)

    # -- actions ----------------------------------------------------------------------------
    def retry_selected(self) -> int:
        """Move the selected rejected jobs back to pending; returns how many moved."""
        ids = [i for i, state in zip(self.selected_ids(), self.selected_states()) if state == REJECTED]
        try:
            moved = sum(1 for row_id in ids if self.outbox.retry(row_id))
        except RenderTallyError as exc:
            self.status.setText(f"Could not retry: {exc}")
            return 0
        if moved and self.reporter.sending:
            self.reporter.sender.wake()  # our own connection's writes do not wake it
        self.status.setText(f"{moved} job(s) queued again; they go out with the next send "
                            "(or press Send now).")
        self.refresh()
        return moved

    def send_now(self) -> bool:
        """Flush the pending jobs on a background thread; False if a send is already running."""
        reporter, timeout = self.reporter, self.send_timeout
        if not self.send_call.start(lambda: send_pending(reporter, timeout)):
            return False
        self.status.setText("Sending the pending jobs…")
        self._update_buttons()
        return True

    def _sent(self, ok: bool, message: str) -> None:
        self.status.setText(message)
        self.refresh()
        self.sendFinished.emit(ok, message)
