"""The reports table: recent jobs and their delivery, refreshed while open, Retry and Send now."""
from __future__ import annotations

import pytest
from rendertally.core.outbox import DELIVERED, PENDING, REJECTED
from rendertally.core.reporter import get_reporter
from rendertally.ui.reports import COLUMNS, ReportsView, row_cells

from ..conftest import SECRET_KEY
from .texts import shown_texts


@pytest.fixture
def outbox():
    """The process reporter's outbox (the one the panel reads), in this test's own home."""
    return get_reporter().outbox


@pytest.fixture
def make_view(qtbot):
    def make(**options) -> ReportsView:
        view = ReportsView(**options)
        qtbot.addWidget(view)
        view.show()
        return view

    return make


@pytest.fixture
def three_jobs(outbox, make_job):
    """One pending, one delivered and one rejected job; returns their ids in that order."""
    pending = outbox.submit(make_job(render_engine="Arnold", software="MAY", software_version="2025"))
    delivered = outbox.submit(make_job())
    outbox.mark_delivered(delivered, "00", "Job data recorded.", 200)
    rejected = outbox.submit(make_job(frames=3))
    outbox.mark_rejected(rejected, "The server rejected the job: 01 Invalid credentials.", kind="rejected",
                         status=200, code="01", description="Invalid credentials.")
    return pending, delivered, rejected


def column(view: ReportsView, name: str) -> list[str]:
    index = COLUMNS.index(name)
    return [view.table.item(row, index).text() for row in range(view.table.rowCount())]


def test_table_shows_pending_delivered_and_rejected_jobs(make_view, three_jobs) -> None:
    """Each job shows its host, frames, engine, delivery state and the server's answer, newest first."""
    view = make_view()
    assert view.table.rowCount() == 3
    assert column(view, "Delivery") == ["rejected", "delivered", "pending"]
    assert column(view, "Server's answer")[:2] == ["Code 01: Invalid credentials.", "Code 00: Job data recorded."]
    assert column(view, "Host")[2] == "Maya 2025"
    assert column(view, "Engine")[2] == "Arnold"
    assert column(view, "Frames") == ["3", "12", "12"]
    assert column(view, "Hours")[0] == "0.25"
    assert view.summary.text().startswith("1 pending · 1 rejected · 1 delivered · last delivered ")
    assert view.summary.text().endswith("(local time)")


def test_when_is_the_local_time_of_the_run(outbox, make_job) -> None:
    """The When column is the render's start in the viewer's time zone, not UTC."""
    job = make_job()
    row = outbox.get(outbox.submit(job))
    assert row_cells(row)[0] == job.run_date.astimezone().strftime("%Y-%m-%d %H:%M")


def test_retry_moves_a_rejected_job_back_to_pending(make_view, outbox, three_jobs) -> None:
    """Retry is offered for a selected rejected job and queues it again."""
    pending, delivered, rejected = three_jobs
    view = make_view()
    assert not view.retry_button.isEnabled()
    assert view.select_job(delivered)
    assert not view.retry_button.isEnabled()  # only rejected jobs are retried by hand
    assert view.select_job(rejected)
    assert view.retry_button.isEnabled()

    view.retry_button.click()

    assert outbox.get(rejected).state == PENDING
    assert column(view, "Delivery")[0] == "pending"
    assert view.selected_ids() == [rejected]  # the redraw kept the selection
    assert not view.retry_button.isEnabled()


def test_table_refreshes_while_visible(make_view, outbox, make_job, qtbot) -> None:
    """A job submitted by a host while the panel is open appears without pressing Refresh."""
    view = make_view(refresh_ms=50)
    assert view.table.rowCount() == 0
    assert view.summary.text() == "No renders reported yet."
    outbox.submit(make_job())
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=2_000)
    view.hide()
    assert not view.timer.isActive()  # no reading the disk for a closed panel
    assert view._outbox is None


def test_send_now_delivers_pending_jobs_in_the_background(make_view, outbox, make_job, qtbot,
                                                          sandbox, credentials_env) -> None:
    """Send now flushes the pending jobs through the reporter's sender, off the UI thread."""
    credentials_env(sandbox.url)
    row_id = outbox.submit(make_job())
    view = make_view()
    assert view.send_button.isEnabled()
    with qtbot.waitSignal(view.sendFinished, timeout=10_000) as result:
        view.send_button.click()
        assert not view.send_button.isEnabled()
    assert result.args == [True, "Every pending job was delivered."]
    assert outbox.get(row_id).state == DELIVERED
    assert len(sandbox.jobs) == 1
    assert column(view, "Delivery") == ["delivered"]
    assert not view.send_button.isEnabled()  # nothing left to send


def test_send_now_reports_a_rejection(make_view, outbox, make_job, qtbot, sandbox, credentials_env) -> None:
    """When the server rejects the pending job, Send now says so and the row shows its answer (not the Key)."""
    credentials_env(sandbox.url)
    sandbox.set_fault("reject")
    row_id = outbox.submit(make_job())
    view = make_view()
    with qtbot.waitSignal(view.sendFinished, timeout=10_000) as result:
        view.send_now()
    ok, text = result.args
    assert not ok and "rejected" in text
    assert outbox.get(row_id).state == REJECTED
    assert column(view, "Server's answer") == ["Code 01: Invalid credentials."]
    assert not any(SECRET_KEY in text for text in shown_texts(view))



def test_a_server_error_leaves_the_job_pending_and_says_why(make_view, outbox, make_job, qtbot, sandbox,
                                                           credentials_env) -> None:
    """A 500 keeps the job queued; Send now and the view say what went wrong."""
    credentials_env(sandbox.url)
    sandbox.set_fault("500")
    row_id = outbox.submit(make_job())
    view = make_view()
    with qtbot.waitSignal(view.sendFinished, timeout=10_000) as result:
        view.send_now()
    ok, text = result.args
    assert not ok and "1 job(s) still waiting" in text and "500" in text
    assert outbox.get(row_id).state == PENDING
    assert view.problem.isVisible() and "500" in view.problem.text()
    assert "500" in column(view, "Server's answer")[0]


def test_a_pause_set_by_any_process_is_shown_with_what_to_do(qtbot, isolated, credentials_env):
    """Sending paused by a 401 (kept on disk) shows in the panel even when this process never sent."""
    from rendertally.core import settings
    from rendertally.core.pause import Pause
    from rendertally.core.reporter import Reporter
    from rendertally.ui.reports import ReportsView

    credentials_env("http://127.0.0.1:9")
    Pause(isolated).set(settings.load(), "401 Authorization has been denied")
    reporter = Reporter(isolated)
    view = ReportsView(reporter, refresh_ms=60_000)
    qtbot.addWidget(view)
    view.refresh()
    assert "Sending is paused: the server refused the Id/Key on" in view.problem.text()
    assert "outbox retry --rejected" in view.problem.text()
    assert not view.problem.isHidden()
