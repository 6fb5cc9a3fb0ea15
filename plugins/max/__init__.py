"""RenderTally's 3ds Max adapter: every render reported, interactive and 3dsmaxcmd/3dsmaxbatch.

The bundle's start-up script (installers/max.py writes it into ``PackageContents.xml``'s
post-start-up component) calls :func:`register`; :func:`unregister` undoes it.

- :mod:`.hooks`: the guarded notification callbacks under id ``#rendertally``;
- :mod:`.recorder`: notifications → one :class:`rendertally.core.session.RenderSession`;
- :mod:`.scene`: render settings → engine name, version, frames expected;
- :mod:`.delivery`: the sender; bounded waits in quiet mode and at shutdown;
- :mod:`.menu`: the RenderTally menu (menuMan ≤2024, the 2025+ menu system).
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def register() -> None:
    """Add the callbacks and the menu; start sending. A second call replaces, never doubles."""
    from pymxs import runtime as rt
    from rendertally.core.guard import guarded

    from . import delivery, hooks, menu, scene
    from .recorder import Recorder

    version = scene.software_version(rt.maxVersion())
    # MAXScript Help: GetQuietMode() is true for 3dsmaxcmd/3dsmaxbatch and -silent; IsNetServer()
    # for a Backburner render node.
    quiet = bool(rt.GetQuietMode()) or bool(rt.IsNetServer())
    hooks.add(Recorder(version=version, quiet=quiet))
    guarded(delivery.start)()
    if not quiet:
        guarded(menu.add)(rt, int(version))


def unregister() -> None:
    """Remove everything :func:`register` added; close a render still open."""
    from pymxs import runtime as rt
    from rendertally.core.guard import guarded

    from . import hooks, menu, scene

    recorder = hooks.remove()
    if recorder is not None:
        guarded(recorder.shutdown)()
    guarded(menu.remove)(rt, int(scene.software_version(rt.maxVersion())))
