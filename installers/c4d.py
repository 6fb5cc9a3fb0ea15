"""Build the Cinema 4D plugin folder: ``RenderTally/`` (rendertally.pyp, res/, lib/) and a zip of it.

``res/`` holds the description of the optional "RenderTally" render effect (a VideoPostData):
``res/description/vprendertally.res`` and ``.h``, and its string table. C4D loads a plugin's
resources from the ``res`` folder beside its .pyp. The string table goes to ``strings_us`` and
to ``strings_en-US``: older SDK examples use the first, Maxon's 2025 Python examples the second
(https://github.com/PluginCafe/cinema4d_py_sdk_extended, plugins/py-ocio_node_2025); which one
each release reads is not stated in the docs we could read, so both are shipped.

Installed by copying the folder into a plugins folder C4D scans: the user's
``<prefs>/plugins`` (Preferences ▸ Open Preferences Folder…) or, for studios, a shared folder
listed in ``g_additionalModulePath``. C4D 2023–2026 run Python 3.9–3.11; the same 3.9-safe,
pure-Python dependencies as the other hosts are bundled.
"""
from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from rendertally.core import __version__
from rendertally.core.errors import ConfigurationError

from .bundle import DEPENDENCIES, library_files, prefixed, source, write_tree, write_zip
from .maya import oldest_python_dependencies

log = logging.getLogger(__name__)

FOLDER = "RenderTally"
PYP = "rendertally.pyp"


def plugin_files() -> dict[str, bytes]:
    files = {PYP: source("rendertally.plugins.c4d.pyp")}
    files.update(resource_files())
    dependencies = oldest_python_dependencies()
    files.update(prefixed(library_files("c4d", dependencies=() if dependencies else DEPENDENCIES), "lib"))
    files.update(prefixed(dependencies, "lib"))
    return files


def resource_files() -> dict[str, bytes]:
    """``res/…`` of the plugin folder, from ``rendertally/plugins/c4d/res``."""
    spec = importlib.util.find_spec("rendertally.plugins.c4d")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError("rendertally.plugins.c4d is not installed; run `pip install -e .` first")
    res = Path(list(spec.submodule_search_locations)[0]) / "res"
    files: dict[str, bytes] = {}
    for path in sorted(p for p in res.rglob("*") if p.is_file() and p.suffix in (".res", ".h", ".str")):
        relative = path.relative_to(res).as_posix()
        files[f"res/{relative}"] = path.read_bytes()
        if relative.startswith("strings_us/"):
            files[f"res/strings_en-US/{relative[len('strings_us/'):]}"] = path.read_bytes()
    if "res/description/vprendertally.res" not in files:
        raise ConfigurationError(f"the render effect's description is missing from {res}")
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
