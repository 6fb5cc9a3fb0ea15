"""The render handlers: what RenderTally puts into ``bpy.app.handlers``, and takes out again.

Each is ``@persistent`` (it survives loading another .blend) and wrapped in
:func:`rendertally.core.guard.guarded`, so nothing RenderTally does can raise into a render.
They only call the :class:`~.recorder.Recorder` (disk writes) and return. Blender 5.0 calls
render handlers with ``(scene, None)`` and Blender 3.x/4.x with ``(scene,)``: hence ``*_``.
"""
from __future__ import annotations

from typing import Any, Callable

import bpy
from bpy.app.handlers import persistent
from rendertally.core.guard import guarded

from .recorder import Recorder

MARK = "_rendertally_handler"  # finds our handlers even after a reload made new function objects

_recorder: Recorder | None = None


def _ours(func: Callable[..., Any]) -> Callable[..., Any]:
    setattr(func, MARK, True)
    return func


@_ours
@persistent
@guarded
def on_render_init(scene: Any, *_: Any) -> None:
    if _recorder is not None:
        _recorder.render_init(scene)


@_ours
@persistent
@guarded
def on_render_post(scene: Any, *_: Any) -> None:
    if _recorder is not None:
        _recorder.frame_done(scene)


@_ours
@persistent
@guarded
def on_render_write(scene: Any, *_: Any) -> None:
    # The same frame as render_post (counted once); a second witness for frames written to disk.
    if _recorder is not None:
        _recorder.frame_done(scene)


@_ours
@persistent
@guarded
def on_render_complete(scene: Any, *_: Any) -> None:
    if _recorder is not None:
        _recorder.render_complete(scene)


@_ours
@persistent
@guarded
def on_render_cancel(scene: Any, *_: Any) -> None:
    if _recorder is not None:
        _recorder.render_cancel(scene)


HANDLERS = {
    "render_init": on_render_init,
    "render_post": on_render_post,
    "render_write": on_render_write,
    "render_complete": on_render_complete,
    "render_cancel": on_render_cancel,
}


def add(recorder: Recorder) -> None:
    """Put our handlers in (once each, whatever was there before) for ``recorder``."""
    global _recorder
    remove()
    _recorder = recorder
    for name, func in HANDLERS.items():
        getattr(bpy.app.handlers, name).append(func)


def remove() -> Recorder | None:
    """Take every handler of ours out (from this or an earlier load of the module)."""
    global _recorder
    for name in HANDLERS:
        handlers = getattr(bpy.app.handlers, name)
        for func in [f for f in handlers if getattr(f, MARK, False)]:
            handlers.remove(func)
    recorder, _recorder = _recorder, None
    return recorder


def count() -> dict[str, int]:
    """How many of our handlers each list holds (1 each while registered, else 0)."""
    return {name: sum(1 for f in getattr(bpy.app.handlers, name) if getattr(f, MARK, False)) for name in HANDLERS}
