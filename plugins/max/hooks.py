"""The hooks: Max's notifications → the recorder, every one inside the host guard.

Registered with ``callbacks.addScript <name> <function> id:#rendertally`` — Python callables are
accepted since 3ds Max 2021 — and removed as a group with ``callbacks.removeScripts id:#rendertally``
(MAXScript Help, "General Event Callback Mechanism":
https://help.autodesk.com/cloudhelp/2024/ENU/MAXScript-Help/files/MAXScript-Tools-and-Interaction/Change-Handlers-and-Callbacks/GUID-C1F6495F-5831-4FC8-A00C-667C5F2EAE36.html).
Removing by id first makes a second load (a reload of the start-up script) a no-op, never a double.
Rendering notifications: #preRender once per render, #preRenderFrame/#postRenderFrame per frame,
#postRender at the end (".../GUID-E5BE0058-2216-4E0B-88AF-680CA58AAC73.html").
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable

from rendertally.core.guard import guarded

from . import delivery, scene
from .recorder import Recorder

if TYPE_CHECKING:
    from pymxs import Notification

log = logging.getLogger(__name__)

ID = "rendertally"
_recorder: Recorder | None = None


def _rt() -> Any:
    from pymxs import runtime

    return runtime


@guarded
def on_pre_render() -> None:
    if _recorder is not None:
        _recorder.pre_render(scene.describe(_rt()))


@guarded
def on_pre_render_frame() -> None:
    # A frame with no job open (we were loaded after #preRender was sent): start the job here.
    if _recorder is not None and not _recorder.rendering:
        _recorder.pre_render(scene.describe(_rt()))


@guarded
def on_post_render_frame() -> None:
    if _recorder is not None:
        _recorder.post_frame()


@guarded
def on_post_render() -> None:
    if _recorder is not None:
        _recorder.post_render()
        if _recorder.quiet:
            # 3dsmaxcmd/3dsmaxbatch may exit right after: deliver now, for a bounded time.
            delivery.start()
            delivery.close(delivery.exit_wait(), stop=False)


@guarded
def on_shutdown() -> None:
    if _recorder is not None:
        _recorder.shutdown()
    delivery.start()
    delivery.close(delivery.exit_wait(), stop=False)


HANDLERS: dict[Notification, Callable[[], None]] = {
    "preRender": on_pre_render, "preRenderFrame": on_pre_render_frame, "postRenderFrame": on_post_render_frame,
    "postRender": on_post_render, "preSystemShutdown": on_shutdown,
}


def add(recorder: Recorder) -> None:
    """Register our callbacks (removing any of ours first) and keep ``recorder``."""
    global _recorder
    rt = _rt()
    rt.callbacks.removeScripts(id=rt.Name(ID))
    for event, handler in HANDLERS.items():
        rt.callbacks.addScript(rt.Name(event), handler, id=rt.Name(ID))
    _recorder = recorder


def remove() -> Recorder | None:
    """Unregister every callback of ours; returns the recorder that was in use."""
    global _recorder
    rt = _rt()
    rt.callbacks.removeScripts(id=rt.Name(ID))
    recorder, _recorder = _recorder, None
    return recorder
