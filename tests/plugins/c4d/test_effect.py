"""The optional "RenderTally" render effect, played through the fake c4d's render driver."""
from __future__ import annotations

import logging

import pytest
from rendertally.core.reporter import get_reporter
from rendertally.plugins.c4d import hooks

from .conftest import add_effect, deliver, jobs, timer

REDSHIFT, ARNOLD, OCTANE = 1036219, 1029988, 1029525


def picture_viewer(c4d, doc, frames, **render):
    """A Picture Viewer render of ``doc`` with the timer ticking before, between frames and after."""
    c4d.documents._state["active"] = doc
    c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = True
    timer(c4d)
    results = c4d.documents._render(doc, frames, between=lambda _i: timer(c4d), **render)
    c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = False
    timer(c4d)
    return results


def all_ok(c4d, results) -> bool:
    return bool(results) and {result for _vp, _open, result in results} == {c4d.RENDERRESULT_OK}


def queue_item(c4d, doc, path):
    """``doc``, saved at ``path``, as the Render Queue's one item, queued; the timer has seen it."""
    c4d.documents._state["files"][path] = doc
    batch = c4d.documents.GetBatchRender()
    batch._elements = [[path, c4d.RM_QUEUE]]
    timer(c4d)
    return batch


def test_a_render_broken_off_by_the_user_is_aborted_with_the_frames_done(c4d, sandbox):
    """Picture Viewer, 10 frames, the effect on, the user breaks off after 4 → Aborted, 4 frames."""
    doc = c4d.documents.BaseDocument(engine=REDSHIFT, sequence=0, first=0, last=9)
    add_effect(c4d, doc)
    results = picture_viewer(c4d, doc, range(10), break_after=4)
    deliver()
    assert jobs(sandbox) == [("Redshift", "4", "2")]
    assert all_ok(c4d, results)


def test_without_the_effect_a_render_broken_off_is_reported_as_today(c4d, sandbox):
    """The same render without the effect: the timer cannot tell, so Done with the 10 frames asked for."""
    doc = c4d.documents.BaseDocument(engine=REDSHIFT, sequence=0, first=0, last=9)
    assert picture_viewer(c4d, doc, range(10), break_after=4) == []  # no effect: no Execute call
    deliver()
    assert jobs(sandbox) == [("Redshift", "10", "1")]


def test_the_effect_and_the_watcher_seeing_one_render_make_one_job(c4d, sandbox):
    """Both see a whole render of frames 0-20 step 2: one Done job of the 11 frames rendered."""
    doc = c4d.documents.BaseDocument(engine=REDSHIFT, sequence=0, first=0, last=20, step=2)
    add_effect(c4d, doc)
    results = picture_viewer(c4d, doc, range(0, 21, 2))
    timer(c4d)
    deliver()
    assert jobs(sandbox) == [("Redshift", "11", "1")]
    assert all_ok(c4d, results)


def test_a_render_queue_item_failing_after_two_frames_is_failed_with_two_frames(c4d, sandbox):
    """Render Queue item with the effect, failing in its third frame (RM_ERROR) → Failed, 2 frames."""
    docs = c4d.documents
    doc = docs.BaseDocument(engine=ARNOLD, sequence=0, first=1, last=5)
    add_effect(c4d, doc)
    batch = queue_item(c4d, doc, "/shots/q.c4d")
    batch._rendering, batch._elements[0][1] = True, c4d.RM_PROGRESS
    c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = True
    timer(c4d)
    results = docs._render(doc, range(1, 6), fail_after=2, between=lambda _i: timer(c4d))
    batch._elements[0][1] = c4d.RM_ERROR
    timer(c4d)
    batch._rendering = False
    c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = False
    timer(c4d)
    deliver()
    assert jobs(sandbox) == [("Arnold", "2", "3")]
    assert all_ok(c4d, results)


def test_a_stopped_queue_item_keeps_its_end_state_and_gets_its_frames(c4d, sandbox):
    """A Render Queue item the user stops after 3 of 8 frames (RM_STOPPED) → Aborted with 3, not 0."""
    docs = c4d.documents
    doc = docs.BaseDocument(engine=ARNOLD, sequence=0, first=1, last=8)
    add_effect(c4d, doc)
    batch = queue_item(c4d, doc, "/shots/s.c4d")
    batch._rendering, batch._elements[0][1] = True, c4d.RM_PROGRESS
    timer(c4d)
    docs._render(doc, range(1, 9), break_after=3)  # no tick while it renders: the item ends unseen
    batch._elements[0][1], batch._rendering = c4d.RM_STOPPED, False
    timer(c4d)
    deliver()
    assert jobs(sandbox) == [("Arnold", "3", "2")]


def test_a_queue_item_that_ran_between_two_ticks_is_one_job_with_the_effects_frames(c4d, sandbox):
    """The item renders and finishes between two ticks: the watcher's job takes the effect's frames (one job)."""
    docs = c4d.documents
    doc = docs.BaseDocument(engine=ARNOLD, sequence=0, first=1, last=4)
    add_effect(c4d, doc)
    batch = queue_item(c4d, doc, "/shots/f.c4d")
    docs._render(doc, range(1, 5))
    batch._elements[0][1] = c4d.RM_FINISHED
    timer(c4d)
    timer(c4d)
    deliver()
    assert jobs(sandbox) == [("Arnold", "4", "1")]


def test_a_render_between_two_ticks_is_reported_by_the_effect_alone(c4d, sandbox):
    """A 3-frame render the timer never sees running is still one Done job, from the effect."""
    doc = c4d.documents.BaseDocument(engine=OCTANE, sequence=0, first=1, last=3)
    add_effect(c4d, doc)
    c4d.documents._render(doc, range(1, 4))
    timer(c4d)
    timer(c4d)
    deliver()
    assert jobs(sandbox) == [("Octane", "3", "1")]


def test_an_end_seen_before_the_effects_last_call_waits_for_it(c4d, sandbox):
    """CheckIsRunning goes off while the render thread is still in its last frame: the job waits for the
    effect's closing call, then is one Done job of all 5 frames."""
    doc = c4d.documents.BaseDocument(engine=REDSHIFT, sequence=0, first=1, last=5)
    add_effect(c4d, doc)
    c4d.documents._state["active"] = doc
    c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = True
    timer(c4d)

    def between(index):
        if index == 3:  # the 4th frame is done, the 5th still to come, and C4D reports nothing running
            c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = False
            timer(c4d)
            assert get_reporter().outbox.counts()["pending"] == 0  # not reported yet: waiting

    c4d.documents._render(doc, range(1, 6), between=between)
    timer(c4d)
    deliver()
    assert jobs(sandbox) == [("Redshift", "5", "1")]


def test_a_commandline_render_with_the_effect_counts_the_frames_it_rendered(c4d, sandbox, monkeypatch):
    """Commandline -render -frame 1 10 failing in frame 7 (the effect on) → Failed with 6 frames at exit."""
    doc = c4d.documents.BaseDocument(engine=OCTANE, sequence=0, first=1, last=10)
    add_effect(c4d, doc)
    c4d.documents._state["files"]["/shots/cl.c4d"] = doc
    monkeypatch.setattr("sys.argv", ["Commandline", "-render", "/shots/cl.c4d", "-frame", "1", "10"])
    assert hooks.plugin_message(c4d.C4DPL_COMMANDLINEARGS, None) is True
    c4d.documents._render(doc, range(1, 11), fail_after=6, between=lambda _i: timer(c4d))
    assert hooks.plugin_message(c4d.C4DPL_ENDPROGRAM, None) is True
    get_reporter().start_sending()
    deliver()
    assert jobs(sandbox) == [("Octane", "6", "3")]


def test_interactive_render_region_and_previews_are_not_jobs(c4d, sandbox):
    """Renders flagged RENDERFLAGS_IRR or RENDERFLAGS_PREVIEWRENDER through the effect report nothing."""
    doc = c4d.documents.BaseDocument(engine=REDSHIFT, sequence=0, first=1, last=3)
    add_effect(c4d, doc)
    for flags in (c4d.RENDERFLAGS_IRR, c4d.RENDERFLAGS_PREVIEWRENDER):
        c4d.documents._render(doc, range(1, 4), flags=flags)
        timer(c4d)
    assert sum(get_reporter().outbox.counts().values()) == 0 and sandbox.jobs == []


def test_an_error_inside_the_effect_is_swallowed_and_the_render_goes_on(c4d, sandbox, monkeypatch, expect_swallowed):
    """The effect's callback raises: C4D gets RENDERRESULT_OK every time, renders all 10 frames, and the
    watcher still reports the render as it does without the effect."""
    def broken(*_args, **_kwargs):
        raise RuntimeError("a scene the effect cannot read")

    monkeypatch.setattr("rendertally.plugins.c4d.effect.describe", broken)
    doc = c4d.documents.BaseDocument(engine=REDSHIFT, sequence=0, first=0, last=9)
    add_effect(c4d, doc)
    results = picture_viewer(c4d, doc, range(10))
    assert all_ok(c4d, results)
    assert sum(1 for vp, opening, _r in results if vp == c4d.VIDEOPOSTCALL_FRAME and not opening) == 10
    deliver()
    assert jobs(sandbox) == [("Redshift", "10", "1")]
    assert [type(exc) for exc in expect_swallowed] == [RuntimeError]


def test_the_effect_is_not_registered_without_its_description(c4d, tmp_path, monkeypatch, caplog):
    """A plugin folder without res/: RegisterVideoPostPlugin refuses the effect, the rest still registers."""
    c4d._reset()
    c4d.plugins._plugin_folder[0] = str(tmp_path)
    monkeypatch.setattr(hooks, "state", {"watcher": None, "commandline": None, "dialog": None})
    with caplog.at_level(logging.WARNING, logger="rendertally"):
        hooks.register()
    names = sorted(name for name, _data in c4d.plugins.registered.values())
    assert names == ["RenderTally Settings...", "RenderTally watcher"]
    assert "render effect did not register" in caplog.text


def test_the_fake_refuses_an_instance_where_c4d_wants_the_class(c4d):
    """RegisterVideoPostPlugin takes the VideoPostData class (g), not an instance: the fake says so."""
    with pytest.raises(TypeError):
        c4d.plugins.RegisterVideoPostPlugin(1000009, "x", 0, c4d.plugins.VideoPostData(), "", 0, 0)
