"""The fake's control surface (not Maya's): boot from .mod files, fire messages, play renders.

Renders run the hooks in the order Maya runs them (render globals node reference):
preMel once, then per render layer preRenderLayerMel, per frame (and camera) preRenderMel and
postRenderMel, postRenderLayerMel, and postMel once. Redshift runs its per-frame scripts from
``redshiftOptions`` instead. Maya Software also sends the MSceneMessage software-render messages.
"""
from __future__ import annotations

import os
import runpy
import sys
from collections.abc import Iterable, Sequence

from . import _scene, cmds, mel, utils
from .api import OpenMaya as om

SM = om.MSceneMessage
scene = _scene.scene


def boot(module_path: Sequence[str], *, batch: bool = True) -> list[str]:
    """What Maya does at start: read .mod files on MAYA_MODULE_PATH, run userSetup.py. Returns module roots."""
    utils.batch = batch
    cmds.ABOUT["batch"] = batch
    roots = []
    for folder in module_path:
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".mod"):
                continue
            mod = os.path.join(folder, name)
            with open(mod, encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("+"):
                        parts = line.split()
                        root = parts[-1]
                        if not os.path.isabs(root):
                            root = os.path.normpath(os.path.join(folder, root))
                        roots.append(root)
    for root in roots:
        plugins, scripts = os.path.join(root, "plug-ins"), os.path.join(root, "scripts")
        if os.path.isdir(plugins):
            os.environ["MAYA_PLUG_IN_PATH"] = os.pathsep.join(
                [p for p in (os.environ.get("MAYA_PLUG_IN_PATH", ""), plugins) if p])
        if os.path.isdir(scripts):
            sys.path.append(scripts)
    for root in roots:
        setup = os.path.join(root, "scripts", "userSetup.py")
        if os.path.isfile(setup):
            runpy.run_path(setup, run_name="userSetup")
    om._fire(SM.kMayaInitialized)
    return roots


def fire(message: int, strings: list[str] | None = None) -> int:
    return om._fire(message, strings)


def exit_maya() -> None:
    """Maya quits: kMayaExiting, then plug-ins are unloaded."""
    om._fire(SM.kMayaExiting)
    for name in list(cmds._plugins):
        cmds.unloadPlugin(name)


def _run(node: str, attribute: str) -> None:
    if cmds.objExists(f"{node}.{attribute}"):
        script = cmds.getAttr(f"{node}.{attribute}")
        if script:
            mel.eval(script)


def render_mel(frames: Iterable[int], *, layers: Sequence[str] = ("defaultRenderLayer",), cameras: int = 1,
               stop_after: int | None = None, end: bool = True) -> int:
    """Any renderer but Maya Software: the render-globals scripts only. Returns frame renders run.

    ``stop_after``: the process dies after that many frame renders (nothing else runs).
    """
    redshift = cmds.getAttr("defaultRenderGlobals.currentRenderer") == "redshift"
    frame_node = "redshiftOptions" if redshift else "defaultRenderGlobals"
    done = 0
    _run("defaultRenderGlobals", "preMel")
    for layer in layers:
        cmds.editRenderLayerGlobals(currentRenderLayer=layer)
        _run("defaultRenderGlobals", "preRenderLayerMel")
        for frame in frames:
            cmds.currentTime(frame)
            for _ in range(cameras):
                _run(frame_node, "preRenderMel")
                _run(frame_node, "postRenderMel")
                done += 1
                if stop_after is not None and done >= stop_after:
                    return done
        _run("defaultRenderGlobals", "postRenderLayerMel")
    if end:
        _run("defaultRenderGlobals", "postMel")
    return done


def render_software(frames: Iterable[int], *, layers: Sequence[str] = ("defaultRenderLayer",),
                    interrupt_at: int | None = None) -> int:
    """Maya Software: messages and the render-globals scripts; Esc at frame ``interrupt_at``."""
    done = 0
    om._fire(SM.kBeforeSoftwareRender)
    _run("defaultRenderGlobals", "preMel")
    for layer in layers:
        cmds.editRenderLayerGlobals(currentRenderLayer=layer)
        _run("defaultRenderGlobals", "preRenderLayerMel")
        for frame in frames:
            cmds.currentTime(frame)
            _run("defaultRenderGlobals", "preRenderMel")
            om._fire(SM.kBeforeSoftwareFrameRender)
            if interrupt_at is not None and frame == interrupt_at:
                om._fire(SM.kSoftwareRenderInterrupted)
                om._fire(SM.kAfterSoftwareRender)
                return done
            om._fire(SM.kAfterSoftwareFrameRender)
            _run("defaultRenderGlobals", "postRenderMel")
            done += 1
        _run("defaultRenderGlobals", "postRenderLayerMel")
    _run("defaultRenderGlobals", "postMel")
    om._fire(SM.kAfterSoftwareRender)
    return done


def add_layer(name: str) -> None:
    scene.add_node(name, "renderLayer", {"renderable": True})


def add_redshift() -> None:
    scene.add_node("redshiftOptions", "RedshiftOptions", dict(_scene.REDSHIFT_OPTIONS))


__all__ = ["boot", "fire", "exit_maya", "render_mel", "render_software", "add_layer", "add_redshift", "scene", "SM"]
