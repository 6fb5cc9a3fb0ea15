"""RenderTally's Maya adapter: every render reported, from Render View to ``Render -r arnold`` on a node.

The plug-in file (:mod:`.entry`, shipped as ``plug-ins/rendertally_maya.py`` in the module) calls
:func:`register` from ``initializePlugin`` and :func:`unregister` from ``uninitializePlugin``.

- :mod:`.hooks`: the guarded ``MSceneMessage`` callbacks and the function our MEL fragments call;
- :mod:`.recorder`: render events → one :class:`rendertally.core.session.RenderSession`;
- :mod:`.scene`: the open scene → engine name, version, frames, per-scene overrides;
- :mod:`.fragments`: our marked MEL in the render globals, kept out of saved scenes;
- :mod:`.delivery`: the sender; a bounded wait at exit;
- :mod:`.menu`: the RenderTally menu in the main menu bar (not in batch).
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def register() -> None:
    """Add the callbacks, fragments and menu; start sending. Safe to call twice."""
    from maya import cmds
    from rendertally.core.guard import guarded

    from . import delivery, hooks, menu, scene
    from .recorder import Recorder

    # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/about.html (-batch)
    batch = bool(cmds.about(batch=True))
    hooks.add(Recorder(version=scene.software_version(), batch=batch))
    guarded(delivery.start)()
    if not batch:
        guarded(menu.add)()


def unregister() -> None:
    """Remove everything :func:`register` added; close a render still open; stop sending."""
    from rendertally.core.guard import guarded

    from . import delivery, hooks, menu

    recorder = hooks.remove()
    if recorder is not None:
        guarded(recorder.process_exit)()
    guarded(menu.remove)()
    guarded(delivery.close)(delivery.UNLOAD_WAIT)
