"""One Maya scenario in a fresh Python that sees only the fake ``maya`` and the built module.

Usage: ``python -S harness.py SCENARIO MODULES_DIR WORKDIR`` with ``PYTHONPATH`` = the fake maya
only (``-S``: no site-packages, so no checkout and no installed requests: everything RenderTally
imports comes from the module's ``lib``). Prints ``RESULT {json}``; exits 70 if the guard
swallowed an error.
"""
import json
import os
import sys

SWALLOWED = []


def boot(modules_dir, batch=True):
    from maya import _host

    _host.boot([modules_dir], batch=batch)
    from maya import cmds, utils

    loaded_at_boot = cmds.pluginInfo("rendertally_maya", query=True, loaded=True)
    utils._run_idle()  # the GUI becomes idle: userSetup's deferred load runs
    assert loaded_at_boot == batch, "batch loads at once, the GUI deferred"

    assert cmds.pluginInfo("rendertally_maya", query=True, loaded=True)
    import rendertally.plugins.maya as adapter
    from rendertally.core import guard

    assert os.path.realpath(adapter.__file__).startswith(os.path.realpath(modules_dir)), adapter.__file__
    guard.on_swallowed(lambda exc: SWALLOWED.append(f"{type(exc).__name__}: {exc}"))
    return _host, cmds


def finish(**data):
    from maya import mel

    data["mel_output"] = list(mel.output)
    data["swallowed"] = SWALLOWED
    print("RESULT " + json.dumps(data), flush=True)
    if SWALLOWED:
        os._exit(70)


def scenario_software(modules_dir, out):
    """Maya Software: 1-3 rendered, then 1-5 interrupted at frame 4; exit."""
    host, cmds = boot(modules_dir)
    cmds.setAttr("defaultRenderGlobals.preMel", 'print "user preMel ran";', type="string")
    done = host.render_software([1, 2, 3])
    interrupted = host.render_software([1, 2, 3, 4, 5], interrupt_at=4)
    host.exit_maya()
    finish(done=done, interrupted=interrupted)


def scenario_arnold(modules_dir, out):
    """Arnold batch: two renderable layers over 1-4, the user's scripts kept; then exit."""
    host, cmds = boot(modules_dir)
    cmds.setAttr("defaultRenderGlobals.currentRenderer", "arnold", type="string")
    cmds.setAttr("defaultRenderGlobals.preMel", 'print "user preMel ran";', type="string")
    cmds.setAttr("defaultRenderGlobals.postRenderMel", 'print "user postRenderMel ran" // no semicolon',
                 type="string")
    cmds.fileInfo("rendertallyMissionId", "M-42")
    host.add_layer("fg")
    scene_file = os.path.join(out, "shot.ma")
    cmds.file(rename=scene_file)
    cmds.file(save=True)
    cmds.file(scene_file, open=True, force=True)  # the artist's scene, opened: our fragments go in
    done = host.render_mel([1, 2, 3, 4], layers=["defaultRenderLayer", "fg"])
    cmds.file(save=True)
    with open(scene_file, encoding="utf-8") as handle:
        saved = handle.read()
    in_scene_after_save = cmds.getAttr("defaultRenderGlobals.preMel")
    host.exit_maya()
    finish(done=done, saved=saved, in_scene_after_save=in_scene_after_save)


def scenario_exit_mid_render(modules_dir, out):
    """V-Ray: the process exits after 3 of 10 frames (no postMel): Failed with 3 frames."""
    host, cmds = boot(modules_dir)
    cmds.setAttr("defaultRenderGlobals.currentRenderer", "vray", type="string")
    cmds.setAttr("defaultRenderGlobals.animation", True)  # frames 1-10 (the render globals' range)
    done = host.render_mel(range(1, 11), stop_after=3)
    host.exit_maya()
    finish(done=done)


def scenario_reload(modules_dir, out):
    """load / unload / load leaves exactly one of each callback and one fragment per slot."""
    host, cmds = boot(modules_dir)
    from maya.api import OpenMaya

    counts = [OpenMaya._count()]
    cmds.unloadPlugin("rendertally_maya")
    counts.append(OpenMaya._count())
    pre_mel_unloaded = cmds.getAttr("defaultRenderGlobals.preMel")
    cmds.loadPlugin("rendertally_maya", quiet=True)
    counts.append(OpenMaya._count())
    per_message = {str(m): OpenMaya._count(m) for m in (24, 25, 27, 28, 12, 13, 10, 11, 6, 2, 30, 41)}
    pre_mel = cmds.getAttr("defaultRenderGlobals.preMel")
    host.exit_maya()
    finish(counts=counts, per_message=per_message, pre_mel=pre_mel, pre_mel_unloaded=pre_mel_unloaded)


def scenario_gui(modules_dir, out):
    """GUI: the menu is there; an Arnold Render View still (frame 12) is Done; unload removes the menu."""
    host, cmds = boot(modules_dir, batch=False)
    menu_items = sorted(item["label"] for item in cmds._ui.values() if item.get("parent") == "RenderTallyMenu")
    cmds.setAttr("defaultRenderGlobals.currentRenderer", "arnold", type="string")
    done = host.render_mel([12])
    cmds.unloadPlugin("rendertally_maya")
    menu_after_unload = cmds.menu("RenderTallyMenu", exists=True)
    host.exit_maya()
    finish(done=done, menu_items=menu_items, menu_after_unload=menu_after_unload)


if __name__ == "__main__":
    name, modules, workdir = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(workdir, exist_ok=True)
    globals()[f"scenario_{name}"](modules, workdir)
