"""The adapter in this process against the fake Maya: renderers, layers, cameras, overrides, fragments, menu."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rendertally.core.outbox import PENDING
from rendertally.core.reporter import get_reporter


def _install(host: Any, *, batch: bool = True) -> Any:
    from rendertally.plugins.maya import hooks, scene
    from rendertally.plugins.maya.recorder import Recorder

    hooks.add(Recorder(version=scene.software_version(), batch=batch))
    return hooks


def _jobs() -> list[Any]:
    return [row.job for row in reversed(get_reporter().outbox.list((PENDING,)))]


def _renderer(name: str) -> None:
    from maya import cmds

    cmds.setAttr("defaultRenderGlobals.currentRenderer", name, type="string")


def test_engine_names(fake_maya: Any) -> None:
    """Known ids map to readable names; others use the UI name; an unknown id passes through."""
    from rendertally.plugins.maya.scene import engine_name

    assert [engine_name(i) for i in ("arnold", "vray", "redshift", "renderman", "mayaSoftware", "mayaHardware2",
                                     "mentalRay")] == ["Arnold", "V-Ray", "Redshift", "RenderMan", "Maya Software",
                                                       "Maya Hardware 2.0", "Mental Ray"]
    assert engine_name("cycles4maya", "Cycles for Maya") == "Cycles for Maya"
    assert engine_name("myRenderer", None) == "myRenderer"


@pytest.mark.parametrize(("renderer", "engine"), [("vray", "V-Ray"), ("renderman", "RenderMan"),
                                                  ("mayaHardware2", "Maya Hardware 2.0"),
                                                  ("cycles4maya", "Cycles for Maya"), ("notLoaded", "notLoaded")])
def test_mel_renderers_report_one_done_job(fake_maya: Any, renderer: str, engine: str) -> None:
    """Any renderer but Maya Software, frames 1-5: one Done job of 5 frames with its readable engine name."""
    _install(fake_maya)
    _renderer(renderer)
    fake_maya.render_mel(range(1, 6))
    (job,) = _jobs()
    assert (job.status.name, job.frames, job.render_engine, job.software.value) == ("DONE", 5, engine, "MAY")


def test_redshift_uses_its_own_per_frame_scripts(fake_maya: Any) -> None:
    """Redshift: its node appears when its plug-in loads; our fragments go there; frames counted once each."""
    from maya import cmds
    from maya.api import OpenMaya

    _install(fake_maya)
    fake_maya.add_redshift()
    OpenMaya._fire(OpenMaya.MSceneMessage.kAfterPluginLoad, ["/opt/redshift/redshift4maya.so", "redshift4maya"])
    assert cmds.getAttr("redshiftOptions.postRenderMel").startswith("/*RenderTally{*/")
    _renderer("redshift")
    fake_maya.render_mel(range(1, 4))
    (job,) = _jobs()
    assert (job.status.name, job.frames, job.render_engine) == ("DONE", 3, "Redshift")


def test_two_cameras_and_two_layers_count_per_pass(fake_maya: Any) -> None:
    """Two renderable cameras and two layers over frames 1-10: 40 frame renders (the Frames rule)."""
    from maya import cmds

    _install(fake_maya)
    cmds.setAttr("topShape.renderable", True)
    fake_maya.add_layer("bg")
    _renderer("arnold")
    fake_maya.render_mel(range(1, 11), layers=["defaultRenderLayer", "bg"], cameras=2)
    (job,) = _jobs()
    assert job.frames == 40


def test_same_frame_events_twice_count_once(fake_maya: Any) -> None:
    """A frame whose per-frame scripts run twice in one layer (AOV passes, one camera) counts once."""
    from maya import mel

    _install(fake_maya)
    _renderer("arnold")
    from maya import cmds

    mel.eval(cmds.getAttr("defaultRenderGlobals.preMel"))
    cmds.currentTime(7)
    for _ in range(3):
        mel.eval(cmds.getAttr("defaultRenderGlobals.postRenderMel"))
    mel.eval(cmds.getAttr("defaultRenderGlobals.postMel"))
    (job,) = _jobs()
    assert job.frames == 1


def test_scene_overrides_travel_with_the_scene(fake_maya: Any, tmp_path: Path) -> None:
    """Mission id and job type stored in fileInfo survive save/open and are used by the next job."""
    from maya import cmds
    from rendertally.plugins.maya import scene

    _install(fake_maya)
    scene.set_overrides(mission_id="SHOT-9", job_type="test")
    cmds.file(rename=str(tmp_path / "a.ma"))
    cmds.file(save=True)
    cmds.file(newFile=True, force=True)
    assert scene.overrides() == {"mission_id": None, "job_type": None}
    cmds.file(str(tmp_path / "a.ma"), open=True, force=True)
    _renderer("arnold")
    fake_maya.render_mel([1])
    (job,) = _jobs()
    assert (job.mission_id, job.job_type.name) == ("SHOT-9", "TEST")


def test_fragments_keep_the_users_script_and_leave_saved_files(fake_maya: Any, tmp_path: Path) -> None:
    """Install twice keeps one fragment; strip returns the user's script byte for byte; saved file is clean."""
    from maya import cmds
    from rendertally.plugins.maya import fragments

    user = 'print "mine";\n// trailing comment'
    cmds.setAttr("defaultRenderGlobals.preMel", user, type="string")
    _install(fake_maya)
    fragments.install()
    value = cmds.getAttr("defaultRenderGlobals.preMel")
    assert value.count(fragments.BEGIN) == 1 and value.endswith(user)
    assert fragments.strip(value) == user
    cmds.file(rename=str(tmp_path / "b.ma"))
    cmds.file(save=True)
    assert fragments.BEGIN not in (tmp_path / "b.ma").read_text()
    assert all(fragments.present().values())  # put back after the save
    cmds.file(str(tmp_path / "c.ma"), exportAll=True, type="mayaAscii")
    assert fragments.BEGIN not in (tmp_path / "c.ma").read_text()  # Export All: clean too
    assert all(fragments.present().values())


def test_fragments_do_nothing_without_the_plugin(fake_maya: Any) -> None:
    """A scene with our fragment opened where RenderTally is not loaded still runs the user's script, no error."""
    from maya import cmds, mel
    from rendertally.plugins.maya import fragments

    script = fragments.with_fragment('print "user";', "render_start")
    import sys

    hooks = sys.modules.pop("rendertally.plugins.maya.hooks", None)
    try:
        mel.eval(script)
    finally:
        if hooks is not None:
            sys.modules["rendertally.plugins.maya.hooks"] = hooks
    assert mel.output == ["user"]
    assert cmds.getAttr("defaultRenderGlobals.preMel") == ""


def test_interrupt_then_exit_is_aborted(fake_maya: Any) -> None:
    """Maya Software interrupted with no end message, then Maya exits: Aborted with the frames done."""
    from maya.api import OpenMaya

    hooks = _install(fake_maya)
    sm = OpenMaya.MSceneMessage
    OpenMaya._fire(sm.kBeforeSoftwareRender)
    OpenMaya._fire(sm.kAfterSoftwareFrameRender)
    OpenMaya._fire(sm.kSoftwareRenderInterrupted)
    hooks._recorder.process_exit()
    (job,) = _jobs()
    assert (job.status.name, job.frames) == ("ABORTED", 1)


def test_menu_added_and_removed(fake_maya: Any) -> None:
    """The RenderTally menu in MayaWindow has Settings…, Send pending now, Reports; remove deletes it all."""
    from maya import cmds
    from rendertally.plugins.maya import menu

    name = menu.add()
    menu.add()  # twice: still one menu
    items = [item["label"] for item in cmds._ui.values() if item.get("parent") == name]
    assert cmds._ui[name]["label"] == "RenderTally"
    assert items == ["Settings\u2026", "Send pending now", "Reports"]
    menu.remove()
    assert cmds._ui == {}


def test_wrong_flag_raises_in_the_fake(fake_maya: Any) -> None:
    """The fake refuses a flag Maya's command does not have, and a command it does not implement."""
    from maya import cmds

    with pytest.raises(TypeError):
        cmds.ls(typ="camera")
    with pytest.raises(AttributeError):
        cmds.polyCube()


@pytest.mark.parametrize(("rendered", "status"), [(10, "DONE"), (6, "FAILED")])
def test_batch_without_post_mel_is_done_only_when_every_frame_rendered(fake_maya: Any, rendered: int,
                                                                        status: str) -> None:
    """Batch Render whose postMel was replaced (-postRender): at exit Done after all 10 frames, Failed after 6."""
    from maya import cmds

    hooks = _install(fake_maya, batch=True)
    cmds.setAttr("defaultRenderGlobals.animation", True)
    _renderer("arnold")
    fake_maya.render_mel(range(1, 11), stop_after=rendered, end=False)
    hooks._recorder.process_exit()
    (job,) = _jobs()
    assert (job.status.name, job.frames) == (status, rendered)


def test_maya_software_without_messages_is_reported_by_the_fragments(fake_maya: Any) -> None:
    """Maya Software whose software-render messages never come: the MEL fragments report it alone."""
    _install(fake_maya)
    fake_maya.render_mel(range(1, 4))  # currentRenderer is mayaSoftware; no MSceneMessage fired
    (job,) = _jobs()
    assert (job.status.name, job.frames, job.render_engine) == ("DONE", 3, "Maya Software")


def test_maya_software_pre_mel_before_messages_is_one_job(fake_maya: Any) -> None:
    """preMel first, then kBeforeSoftwareRender: still one job, each frame counted once, interrupt → Aborted."""
    from maya import cmds, mel
    from maya.api import OpenMaya

    sm = OpenMaya.MSceneMessage
    _install(fake_maya)
    mel.eval(cmds.getAttr("defaultRenderGlobals.preMel"))
    OpenMaya._fire(sm.kBeforeSoftwareRender)
    for frame in (1, 2):
        cmds.currentTime(frame)
        OpenMaya._fire(sm.kAfterSoftwareFrameRender)
        mel.eval(cmds.getAttr("defaultRenderGlobals.postRenderMel"))
    OpenMaya._fire(sm.kSoftwareRenderInterrupted)
    OpenMaya._fire(sm.kAfterSoftwareRender)
    mel.eval(cmds.getAttr("defaultRenderGlobals.postMel"))
    (job,) = _jobs()
    assert (job.status.name, job.frames) == ("ABORTED", 2)
