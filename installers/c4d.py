"""Build the Cinema 4D plugin folder: ``RenderTally/`` (rendertally.pyp + lib/) and a zip of it.

Installed by copying the folder into a plugins folder C4D scans: the user's
``<prefs>/plugins`` (Preferences ▸ Open Preferences Folder…) or, for studios, a shared folder
listed in ``g_additionalModulePath``. C4D 2023–2026 run Python 3.9–3.11; the same 3.9-safe,
pure-Python dependencies as the other hosts are bundled.
"""
from __future__ import annotations

import logging
from pathlib import Path

from rendertally.core import __version__

from .bundle import DEPENDENCIES, library_files, prefixed, source, write_tree, write_zip
from .maya import oldest_python_dependencies

log = logging.getLogger(__name__)

FOLDER = "RenderTally"
PYP = "rendertally.pyp"


def plugin_files() -> dict[str, bytes]:
    files = {PYP: source("rendertally.plugins.c4d.pyp")}
    dependencies = oldest_python_dependencies()
    files.update(prefixed(library_files("c4d", dependencies=() if dependencies else DEPENDENCIES), "lib"))
    files.update(prefixed(dependencies, "lib"))
    return files


def build(out: Path) -> list[Path]:
    """Write ``out/RenderTally/`` and ``out/RenderTally-c4d-<version>.zip``; returns both."""
    out = Path(out)
    files = plugin_files()
    folder = out / FOLDER
    write_tree(files, folder)
    archive = write_zip(prefixed(files, FOLDER), out / f"RenderTally-c4d-{__version__}.zip")
    log.info("Wrote %s and %s", folder, archive)
    return [folder, archive]
