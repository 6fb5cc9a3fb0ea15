"""The Cinema 4D adapter against the fake c4d: editor, Picture Viewer, Render Queue, Commandline, dialog."""
from __future__ import annotations

import pytest
from rendertally.core import settings
from rendertally.core.reporter import get_reporter
from rendertally.core.sandbox import Sandbox
from rendertally.plugins.c4d import hooks, scene

from tests.conftest import SECRET_KEY, TEST_ID

from .conftest import deliver, jobs, timer


def test_an_editor_render_is_one_frame(c4d, sandbox):
    """A viewport render seen through CheckIsRunning(EDITORRENDERING) is one Done job of 1 frame."""
    c4d.documents._state["active"] = c4d.documents.BaseDocument(engine=1023342)
    c4d._running[c4d.CHECKISRUNNING_EDITORRENDERING] = True
    timer(c4d)
    c4d._running[c4d.CHECKISRUNNING_EDITORRENDERING] = False
    timer(c4d)
    deliver()
    assert jobs(sandbox) == [("Physical", "1", "1")]
    assert sandbox.jobs[0]["request"]["SoftwareName"] == "C4D"
    assert sandbox.jobs[0]["request"]["SoftwareVersion"] == "2026.3"


def test_a_picture_viewer_animation_counts_the_frames_its_settings_ask_for(c4d, sandbox):
    """A Picture Viewer render of frames 0-20 step 2 with Redshift is one Done job of 11 frames."""
    c4d.documents._state["active"] = c4d.documents.BaseDocument(engine=1036219, sequence=0, first=0, last=20, step=2)
    c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = True
    timer(c4d)
    timer(c4d)  # still rendering: nothing new
    c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = False
    timer(c4d)
    deliver()
    assert jobs(sandbox) == [("Redshift", "11", "1")]


def test_the_render_queue_reports_each_item_by_its_end_state(c4d, sandbox):
    """Render Queue: one finished, one stopped, one failed item → Done, Aborted, Failed, one job each."""
    docs = c4d.documents
    docs._state["files"].update({
        "/shots/a.c4d": docs.BaseDocument(engine=1029988, sequence=2, min_frame=0, max_frame=9),
        "/shots/b.c4d": docs.BaseDocument(engine=1053272, sequence=1),
        "/shots/c.c4d": docs.BaseDocument(engine=1030480, sequence=3, loop=(10, 19)),
    })
    batch = docs.GetBatchRender()
    batch._elements = [["/shots/a.c4d", c4d.RM_QUEUE], ["/shots/b.c4d", c4d.RM_QUEUE], ["/shots/c.c4d", c4d.RM_QUEUE]]
    timer(c4d)
    batch._rendering = True
    for index, end in ((0, c4d.RM_FINISHED), (1, c4d.RM_STOPPED), (2, c4d.RM_ERROR2)):
        batch._elements[index][1] = c4d.RM_PROGRESS
        c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = True  # the queue renders externally too
        timer(c4d)
        batch._elements[index][1] = end
        timer(c4d)
    batch._rendering = False
    c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = False
    timer(c4d)
    deliver()
    assert jobs(sandbox) == [("Arnold", "10", "1"), ("V-Ray", "0", "2"), ("Corona", "0", "3")]


def test_an_item_that_ran_between_two_ticks_is_still_reported(c4d, sandbox):
    """A queue item that went from queued to finished unseen is still one Done job."""
    docs = c4d.documents
    docs._state["files"]["/shots/q.c4d"] = docs.BaseDocument(engine=0, sequence=1)
    batch = docs.GetBatchRender()
    batch._elements = [["/shots/q.c4d", c4d.RM_QUEUE]]
    timer(c4d)
    batch._elements[0][1] = c4d.RM_FINISHED
    timer(c4d)
    deliver()
    assert jobs(sandbox) == [("Standard", "1", "1")]


def test_a_commandline_render_with_the_api_down_is_kept_and_delivered_later(c4d, credentials_env, monkeypatch):
    """Commandline -render -frame 1 24: the API is down at exit; the job waits and a later flush delivers it."""
    with Sandbox() as gone:
        url = gone.url
    credentials_env(url)
    monkeypatch.setenv("RENDERTALLY_EXIT_WAIT", "1")
    c4d.documents._state["files"]["/shots/cl.c4d"] = c4d.documents.BaseDocument(engine=1029525)
    monkeypatch.setattr("sys.argv", ["Commandline", "-render", "/shots/cl.c4d", "-frame", "1", "24"])
    assert hooks.plugin_message(c4d.C4DPL_COMMANDLINEARGS, None) is True
    c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = True
    timer(c4d)  # the watcher stays out of a Commandline render
    assert hooks.plugin_message(c4d.C4DPL_ENDPROGRAM, None) is True
    assert get_reporter().outbox.counts()["pending"] == 1
    host, port = url.rsplit(":", 1)[0].split("//")[1], int(url.rsplit(":", 1)[1])
    with Sandbox(host, port) as back:
        get_reporter().start_sending()
        deliver()
        assert jobs(back) == [("Octane", "24", "1")]


def test_the_dialog_saves_to_the_shared_store_and_keeps_the_key_out_of_its_field(c4d):
    """The settings dialog writes Id, Key and e-mail to RenderTally's store; the Key field is a password field, empty."""
    from rendertally.plugins.c4d.dialog import FIELDS as fields

    hooks.open_dialog()
    dialog = hooks.state["dialog"]
    assert ("edit", fields["key"], c4d.EDITTEXT_PASSWORD) in dialog._gadgets
    dialog.SetString(fields["id"], TEST_ID)
    dialog.SetString(fields["key"], SECRET_KEY)
    dialog.SetString(fields["email"], "larry@newmedia.com")
    assert dialog.save()
    current = settings.load()
    assert (current.id, current.key, current.email) == (TEST_ID, SECRET_KEY, "larry@newmedia.com")
    assert dialog.GetString(fields["key"]) == ""
    dialog.SetString(fields["email"], "not an address")
    assert not dialog.save() and "email" in dialog.GetString(2003)


def test_the_dialogs_test_report_answers_on_the_gui_thread(c4d, sandbox):
    """Send test report posts a Test job on a worker; the answer is shown from the dialog's Timer."""
    hooks.open_dialog()
    dialog = hooks.state["dialog"]
    dialog.Command(2002, None)
    import time

    deadline = time.monotonic() + 20
    while getattr(dialog, "answer", None) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    dialog.Timer(None)
    assert "accepted the test job" in dialog.GetString(2003) and dialog._timer == 0
    assert sandbox.jobs[0]["request"]["JobType"] == "3"


@pytest.mark.parametrize(("engine_id", "name"), [(0, "Standard"), (1023342, "Physical"), (300001061, "Viewport"),
                                                 (1035287, "Cycles 4D"), (1037639, "ProRender")])
def test_engine_ids_have_names(engine_id, name):
    """Known engine ids map to their names."""
    assert scene.engine_name(engine_id) == name


def test_an_unknown_engine_is_named_by_its_video_post_or_its_id(c4d):
    """An engine we do not know takes its video post plugin's name, else its id."""
    c4d.plugins.video_posts[1050000] = "Cool Renderer"
    assert scene.engine_name(1050000, scene._video_post_name(1050000)) == "Cool Renderer"
    assert scene.engine_name(1059999, scene._video_post_name(1059999)) == "1059999"


def test_versions_read_as_releases():
    """GetC4DVersion numbers read as releases."""
    assert (scene.software_version(2026300), scene.software_version(2024000)) == ("2026.3", "2024")


def test_frames_come_from_the_takes_effective_render_settings(c4d, sandbox, monkeypatch):
    """Commandline -take Night renders with the Night take's own render settings (frames 1-48, V-Ray)."""
    docs = c4d.documents
    night = docs.BaseTake("Night", docs.render_data(engine=1053272, sequence=0, first=1, last=48))
    docs._state["files"]["/shots/takes.c4d"] = docs.BaseDocument(engine=0, sequence=1,
                                                                  takes=[docs.BaseTake("Day"), night])
    monkeypatch.setattr("sys.argv", ["Commandline", "-render", "/shots/takes.c4d", "-take", "Night"])
    assert hooks.plugin_message(c4d.C4DPL_COMMANDLINEARGS, None) is True
    assert hooks.plugin_message(c4d.C4DPL_ENDPROGRAM, None) is True
    get_reporter().start_sending()
    deliver()
    assert jobs(sandbox) == [("V-Ray", "48", "1")]


def test_a_take_without_an_override_uses_the_documents_settings(c4d):
    """The current take with no render settings of its own falls back to its parent's (the document's)."""
    docs = c4d.documents
    day = docs.BaseTake("Day")
    doc = docs.BaseDocument(engine=1029988, sequence=1, takes=[day], current_take=day)
    assert scene.describe(doc) == scene.SceneFacts(engine="Arnold", expected_frames=1)
