"""The hooks: every function Maya calls into RenderTally, each inside ``guarded``.

``MSceneMessage`` callbacks (added and removed symmetrically by :func:`add` / :func:`remove`)
and :func:`mel_event`, which our MEL fragments call. They only call the recorder and the
fragment bookkeeping (disk and scene attributes) and return; nothing here touches the network.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from maya.api import OpenMaya as om
from rendertally.core.guard import guarded

from . import delivery, fragments
from .recorder import Recorder

log = logging.getLogger(__name__)

_recorder: Recorder | None = None
_callback_ids: list[Any] = []


@guarded
def mel_event(event: str) -> None:
    """Called by our MEL fragments (see :mod:`.fragments`)."""
    if _recorder is not None:
        _recorder.mel_event(event)
        if event in ("render_start", "layer_start"):
            # Self-healing: a per-frame script the user edited since the scene was opened lost
            # our fragment; Maya reads those attributes again for each frame.
            fragments.install()


@guarded
def _before_software_render(*_: Any) -> None:
    if _recorder is not None:
        _recorder.software_start()


@guarded
def _after_software_frame(*_: Any) -> None:
    if _recorder is not None:
        _recorder.software_frame_done()


@guarded
def _software_interrupted(*_: Any) -> None:
    if _recorder is not None:
        _recorder.software_interrupted()


@guarded
def _after_software_render(*_: Any) -> None:
    if _recorder is not None:
        _recorder.software_end()


@guarded
def _before_save(*_: Any) -> None:
    if _recorder is not None:
        fragments.remove()  # the saved file carries none of our fragments


@guarded
def _reinstall(*_: Any) -> None:
    # After a save (put back), open, new scene, or a plug-in load (Redshift creates its node).
    if _recorder is not None:
        fragments.install()


@guarded
def _maya_exiting(*_: Any) -> None:
    if _recorder is not None:
        _recorder.process_exit()
    delivery.close(delivery.exit_wait())


def _messages() -> list[tuple[str, int, Callable[..., None]]]:
    """(adder, message, callback). Plug-in messages pass the plug-in's names: a string-array callback.

    https://help.autodesk.com/cloudhelp/2027/ENU/MAYA-API-REF/py_ref/class_open_maya_1_1_m_scene_message.html
    """
    message = om.MSceneMessage
    return [
        ("addCallback", message.kBeforeSoftwareRender, _before_software_render),
        ("addCallback", message.kAfterSoftwareFrameRender, _after_software_frame),
        ("addCallback", message.kSoftwareRenderInterrupted, _software_interrupted),
        ("addCallback", message.kAfterSoftwareRender, _after_software_render),
        ("addCallback", message.kBeforeSave, _before_save),
        ("addCallback", message.kAfterSave, _reinstall),
        ("addCallback", message.kBeforeExport, _before_save),  # File ▸ Export All writes a scene too
        ("addCallback", message.kAfterExport, _reinstall),
        ("addCallback", message.kAfterOpen, _reinstall),
        ("addCallback", message.kAfterNew, _reinstall),
        ("addStringArrayCallback", message.kAfterPluginLoad, _reinstall),
        ("addCallback", message.kMayaExiting, _maya_exiting),
    ]


def add(recorder: Recorder) -> None:
    """Register every callback once (whatever an earlier load left) and our fragments."""
    global _recorder
    remove()
    _recorder = recorder
    for adder, message, callback in _messages():
        if adder == "addStringArrayCallback":
            _callback_ids.append(om.MSceneMessage.addStringArrayCallback(message, callback))
        else:
            _callback_ids.append(om.MSceneMessage.addCallback(message, callback))
    fragments.install()


def remove() -> Recorder | None:
    """Remove every callback and fragment of ours; returns the recorder that was in use."""
    global _recorder
    if _callback_ids:
        # https://help.autodesk.com/cloudhelp/2027/ENU/MAYA-API-REF/py_ref/class_open_maya_1_1_m_message.html
        om.MMessage.removeCallbacks(list(_callback_ids))
        del _callback_ids[:]
    recorder, _recorder = _recorder, None
    if recorder is not None:
        fragments.remove()
    return recorder


def count() -> int:
    return len(_callback_ids)
