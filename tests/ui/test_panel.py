"""The settings panel: saving, reverting, validation, fixed values, the test report, the Key."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rendertally.core import settings
from rendertally.core.outbox import Outbox
from rendertally.core.sandbox import Sandbox
from rendertally.ui.panel import SettingsPanel
from rendertally.ui.qt import QLineEdit, QTimer

from ..conftest import SECRET_KEY, TEST_ID
from .texts import shown_texts


@pytest.fixture
def make_panel(qtbot):
    """Build and show a panel; pytest-qt closes it after the test."""

    def make(**options) -> SettingsPanel:
        panel = SettingsPanel(**options)
        qtbot.addWidget(panel)
        panel.show()
        return panel

    return make


@pytest.fixture
def saved_for(sandbox: Sandbox):
    """Save the test Id and Key and the sandbox's URL as the user's settings."""
    settings.save({"id": TEST_ID, "key": SECRET_KEY, "url": sandbox.url})
    return sandbox


def edit(panel: SettingsPanel, name: str, text: str) -> None:
    panel.form.editors[name].setText(text)


def message(panel: SettingsPanel, name: str) -> str:
    label = panel.form.messages[name]
    return label.text() if label.isVisible() else ""


# -- saving and reverting ---------------------------------------------------------------------
def test_save_writes_only_the_changed_fields_to_the_shared_store(make_panel) -> None:
    """Saving writes what was edited to the settings every host reads, and nothing else."""
    panel = make_panel()
    edit(panel, "id", TEST_ID)
    edit(panel, "key", SECRET_KEY)
    edit(panel, "email", "larry@newmedia.com")
    panel.form.editors["job_type"].setCurrentIndex(0)
    assert panel.is_dirty()

    panel.form.save_button.click()

    current = settings.load()
    assert (current.id, current.key, current.email, current.job_type) == (TEST_ID, SECRET_KEY, "larry@newmedia.com", "economy")
    written = json.loads(settings.user_file().read_text())
    assert set(written) == {"id", "key", "email", "job_type"}
    assert not panel.is_dirty()
    assert panel.form.status.text() == "Saved."


def test_clearing_a_field_removes_it_from_the_store(make_panel) -> None:
    """An emptied field is removed from the user's file, so the default applies again."""
    settings.save({"mission_id": "42", "url": "https://api.example.com"})
    panel = make_panel()
    edit(panel, "mission_id", "")
    edit(panel, "url", "")
    assert panel.save()
    current = settings.load()
    assert (current.mission_id, current.url) == (None, settings.DEFAULT_URL)


def test_revert_restores_the_saved_values(make_panel) -> None:
    """Revert throws the edits away and shows the saved settings again."""
    settings.save({"id": "first", "email": "a@example.com"})
    panel = make_panel()
    edit(panel, "id", "second")
    edit(panel, "email", "broken")
    assert panel.form.revert_button.isEnabled()

    panel.form.revert_button.click()

    assert panel.form.value("id") == "first"
    assert panel.form.value("email") == "a@example.com"
    assert message(panel, "email") == ""
    assert not panel.is_dirty()
    assert settings.load().id == "first"


def test_invalid_email_shows_a_message_as_you_type_and_blocks_saving(make_panel) -> None:
    """A malformed e-mail is flagged next to the field while typing, and Save writes nothing."""
    panel = make_panel()
    edit(panel, "id", "someone")
    edit(panel, "email", "larry-at-newmedia")
    assert "is not an e-mail address like name@example.com" in message(panel, "email")

    assert panel.save() is False

    assert not settings.user_file().exists()
    assert "fix the marked field" in panel.form.status.text()
    edit(panel, "email", "larry@newmedia.com")
    assert message(panel, "email") == ""
    assert panel.save()


@pytest.mark.parametrize("url, words", [
    ("http://api.example.com", "https"),
    ("ftp://api.example.com", "not an http(s) URL"),
])
def test_invalid_url_blocks_saving_with_the_reason_at_the_field(make_panel, url, words) -> None:
    """Plain http to another host, or no http at all, is refused next to the API URL field."""
    panel = make_panel()
    edit(panel, "url", url)
    assert panel.save() is False
    assert words in message(panel, "url")
    assert panel.form.advanced.isVisible()  # the field with the error is not left hidden
    assert settings.load().url == settings.DEFAULT_URL


def test_loopback_http_url_is_allowed(make_panel) -> None:
    """http is fine for a local server (the sandbox, a studio's relay on this machine)."""
    panel = make_panel()
    edit(panel, "url", "http://127.0.0.1:8765")
    assert message(panel, "url") == ""
    assert panel.save()
    assert settings.load().url == "http://127.0.0.1:8765"


def test_format_choice_is_saved(make_panel) -> None:
    """The Advanced section's wire format is saved as json or xml."""
    panel = make_panel()
    panel.form.advanced_toggle.click()
    assert panel.form.advanced.isVisible()
    panel.form.editors["format"].setCurrentIndex(1)
    assert panel.save()
    assert settings.load().format == "xml"


# -- fixed values -----------------------------------------------------------------------------
def test_environment_fixed_value_is_read_only_and_says_where_it_comes_from(make_panel, monkeypatch) -> None:
    """A value from RENDERTALLY_ID cannot be edited, says so, and is never saved over."""
    monkeypatch.setenv("RENDERTALLY_ID", "from-env")
    panel = make_panel()
    editor = panel.form.editors["id"]
    assert editor.text() == "from-env"
    assert editor.isReadOnly()
    assert "environment RENDERTALLY_ID" in message(panel, "id")

    edit(panel, "email", "a@example.com")
    assert "id" not in panel.form.changes()
    assert panel.save()
    assert "id" not in json.loads(settings.user_file().read_text())


def test_site_config_fixed_values_are_read_only(make_panel, monkeypatch, tmp_path: Path) -> None:
    """A studio's site config fixes the URL and job type: both read-only, naming the file."""
    site = tmp_path / "site.json"
    site.write_text(json.dumps({"url": "https://relay.studio.example", "job_type": "economy"}))
    monkeypatch.setenv("RENDERTALLY_SITE_CONFIG", str(site))
    panel = make_panel()
    assert panel.form.editors["url"].isReadOnly()
    assert not panel.form.editors["job_type"].isEnabled()
    assert f"site config {site}" in message(panel, "url")
    assert panel.form.advanced.isVisible()


def test_environment_fixed_key_stays_masked(make_panel, monkeypatch) -> None:
    """A Key from the environment is shown masked, read-only, and cannot be revealed."""
    monkeypatch.setenv("RENDERTALLY_KEY", SECRET_KEY)
    panel = make_panel()
    assert panel.form.editors["key"].echoMode() == QLineEdit.EchoMode.Password
    assert panel.form.editors["key"].isReadOnly()
    assert not panel.form.show_key.isEnabled()


# -- the test report --------------------------------------------------------------------------
def test_test_report_is_disabled_while_edits_are_unsaved(make_panel) -> None:
    """The test report uses the saved settings, so it waits until edits are saved or reverted."""
    panel = make_panel()
    assert panel.test_button.isEnabled()
    edit(panel, "id", "changed")
    assert not panel.test_button.isEnabled()
    assert "saved settings" in panel.test_hint.text()
    assert panel.send_test_report() is False
    panel.revert()
    assert panel.test_button.isEnabled()


def test_test_report_is_delivered_in_the_background(make_panel, qtbot, saved_for) -> None:
    """Success: the sandbox records a Test job with zero frames; the server's answer is shown."""
    panel = make_panel(software="MAY", software_version="2025")
    with qtbot.waitSignal(panel.testReportFinished, timeout=10_000) as result:
        panel.test_button.click()
        assert not panel.test_button.isEnabled()  # one test at a time
    ok, text = result.args
    assert ok, text
    assert "Code 00" in text and "Job data recorded." in text
    assert panel.test_status.text() == text
    request = saved_for.jobs[-1]["request"]
    assert (request["JobType"], request["Frames"], request["SoftwareName"]) == ("3", "0", "MAY")
    assert panel.test_button.isEnabled()
    # Straight to the API: a test report is not part of the person's history.
    outbox = Outbox(settings.home() / "outbox.sqlite3")
    assert outbox.list() == []
    outbox.close()


def test_test_report_rejection_shows_the_servers_code_and_description(make_panel, qtbot, saved_for) -> None:
    """Rejection: the status shows the server's Code and Description."""
    saved_for.set_fault("reject")
    panel = make_panel()
    with qtbot.waitSignal(panel.testReportFinished, timeout=10_000) as result:
        panel.send_test_report()
    ok, text = result.args
    assert not ok
    assert "Code 01" in text and "Invalid credentials." in text
    assert panel.test_status.text() == text
    assert saved_for.jobs == []


def test_test_report_without_credentials_says_what_to_set(make_panel, qtbot) -> None:
    """No Id or Key saved: the message says how to set them, no request is made."""
    panel = make_panel()
    with qtbot.waitSignal(panel.testReportFinished, timeout=5_000) as result:
        panel.send_test_report()
    ok, text = result.args
    assert not ok and "No Id and Key configured" in text


def test_hanging_server_times_out_while_the_ui_stays_responsive(make_panel, qtbot, saved_for) -> None:
    """A server that never answers: the event loop keeps running, and a timeout message arrives."""
    saved_for.set_fault("hang")
    panel = make_panel(test_timeout=1.0)
    ticks = []
    ticker = QTimer()
    ticker.timeout.connect(lambda: ticks.append(1))
    ticker.start(20)
    with qtbot.waitSignal(panel.testReportFinished, timeout=5_000) as result:
        panel.send_test_report()
    ticker.stop()
    ok, text = result.args
    assert not ok and "No answer within 1 s" in text
    assert len(ticks) >= 20  # the UI thread ran timers throughout the second of waiting
    assert panel.test_button.isEnabled()

    # The stuck request ends when the server goes away; its late answer is ignored.
    saved_for.stop()
    qtbot.wait(300)
    assert panel.test_status.text() == text


# -- the Key ----------------------------------------------------------------------------------
def test_key_text_appears_only_in_the_masked_field(make_panel, qtbot, saved_for) -> None:
    """The Key is in no label, button, tooltip, title or table, even after Show twice and a rejection."""
    panel = make_panel()
    key_field = panel.form.editors["key"]
    assert key_field.text() == "" and panel.form.value("key") == SECRET_KEY  # saved, not shown
    assert key_field.echoMode() == QLineEdit.EchoMode.Password
    assert not any(SECRET_KEY in text for text in shown_texts(panel, except_widget=key_field))

    panel.form.show_key.click()
    assert key_field.echoMode() == QLineEdit.EchoMode.Normal and key_field.text() == SECRET_KEY
    assert panel.form.show_key.text() == "Hide"
    panel.form.show_key.click()
    assert key_field.echoMode() == QLineEdit.EchoMode.Password
    assert not any(SECRET_KEY in text for text in shown_texts(panel, except_widget=key_field))

    saved_for.set_fault("reject")
    with qtbot.waitSignal(panel.testReportFinished, timeout=10_000) as result:
        panel.send_test_report()
    assert SECRET_KEY not in result.args[1]
    edit(panel, "key", SECRET_KEY + "x" * 300)  # an invalid Key: its error must not quote it
    assert "at most 200" in message(panel, "key")
    texts = shown_texts(panel, except_widget=key_field)
    assert not any(SECRET_KEY in text for text in texts)


def test_save_and_revert_mask_the_key_again(make_panel) -> None:
    """A Key left visible with Show is masked again after Save or Revert."""
    panel = make_panel()
    panel.form.show_key.click()
    edit(panel, "key", SECRET_KEY)
    assert panel.save()
    assert panel.form.editors["key"].echoMode() == QLineEdit.EchoMode.Password
    assert panel.form.show_key.text() == "Show"


def test_a_saved_key_is_not_in_its_field_so_its_length_does_not_show(make_panel, qtbot) -> None:
    """A saved Key leaves its field empty (no dots to count) yet stays saved; Show reveals it; typing replaces it."""
    settings.save({"key": SECRET_KEY})
    panel = make_panel()
    field = panel.form.editors["key"]
    assert field.text() == "" and "saved" in field.placeholderText()
    assert panel.form.value("key") == SECRET_KEY and not panel.is_dirty()
    panel.form.show_key.setChecked(True)
    assert field.text() == SECRET_KEY
    panel.form.show_key.setChecked(False)
    assert field.text() == ""
    qtbot.keyClicks(field, "n3w-k3y-1234")
    assert panel.form.value("key") == "n3w-k3y-1234" and panel.is_dirty()
    assert panel.save()
    assert settings.load().key == "n3w-k3y-1234" and field.text() == ""
