"""RenderTally's Blender adapter: every render reported, from F12 to ``blender -b`` on a node.

The extension's entry file (:mod:`.entry`, shipped as the extension's ``__init__.py``) calls
:func:`register` with its package name and :func:`unregister`. Modules:

- :mod:`.handlers`: the persistent, guarded render handlers, added and removed symmetrically;
- :mod:`.recorder`: render events → :class:`rendertally.core.session.RenderSession`;
- :mod:`.scene`: a scene → engine name, frame range, per-scene overrides;
- :mod:`.batch`: ``blender -b`` command lines (``-f``/``-a``/``-s``/``-e``/``-j``);
- :mod:`.delivery`: the sender follows ``bpy.app.online_access``; bounded wait at exit;
- :mod:`.preferences`, :mod:`.operators`, :mod:`.status`: the add-on preferences;
- :mod:`.overrides`: mission id and job type per scene, in the Output properties.

Nothing here imports ``bpy`` at import time, so :mod:`.batch` and :mod:`.scene` can be tested
without Blender.
"""
from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)

_registered: list[type] = []


def register(package: str) -> None:
    """Register everything for the extension ``package`` (e.g. ``bl_ext.user_default.rendertally``)."""
    import bpy

    from . import handlers, operators, overrides, preferences
    from .batch import blender_command_line
    from .recorder import Recorder

    if _registered:
        unregister()  # a second register without unregister: start clean, never twice
    for cls in (*operators.CLASSES, preferences.prefs_class(package), *overrides.CLASSES):
        bpy.utils.register_class(cls)
        _registered.append(cls)
    overrides.add_scene_property()
    handlers.add(Recorder(blender_command_line(sys.argv, bpy.app.binary_path)))
    _start_reporting()
    from rendertally.core import delivery as core_delivery

    core_delivery.at_exit(_at_exit)  # before the core's exit flush, whenever the reporter is made


def unregister() -> None:
    """Remove everything :func:`register` added; close a render still open."""
    import bpy
    from rendertally.core import delivery as core_delivery

    from . import handlers, overrides

    recorder = handlers.remove()
    core_delivery.remove_at_exit(_at_exit)
    _close(recorder)
    overrides.remove_scene_property()
    while _registered:
        bpy.utils.unregister_class(_registered.pop())


def _start_reporting() -> None:
    from rendertally.core.guard import guarded

    from . import delivery

    guarded(delivery.start_in_background)()


def _at_exit() -> None:
    from . import handlers

    _close(handlers._recorder)


def _close(recorder: object) -> None:
    """Close an open render; in background mode, wait (bounded) for the reports to go out."""
    import bpy
    from rendertally.core.guard import guarded

    from . import delivery
    from .recorder import Recorder

    if isinstance(recorder, Recorder):
        guarded(recorder.process_exit)()
    if bpy.app.background:
        guarded(delivery.close)(delivery.exit_wait())
    else:
        guarded(delivery.stop)()
