"""``rendertally-install.pyz``: the installer as one file that runs on any Python 3.9+ (stdlib only).

``rendertally build all --out DIR`` writes it to ``DIR/studio/``. It carries only the modules the
install, uninstall and status commands import (no requests, no platformdirs, no bpy), and
installs the artifacts of the folder it was built into, so a deployment script on any machine
runs, with whatever Python is there (``mayapy`` included)::

    python /studio/rendertally/0.1.0/studio/rendertally-install.pyz install maya --scope site

Written reproducibly (sorted names, fixed dates), like the other artifacts.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from .bundle import ZIP_DATE, source

NAME = "rendertally-install.pyz"
SHEBANG = b"#!/usr/bin/env python3\n"
# What `install` / `uninstall` / `status` import; a test runs the .pyz with nothing else importable.
MODULES = (
    "rendertally.core", "rendertally.core.errors",
    "rendertally.installers", "rendertally.installers.artifacts", "rendertally.installers.blender_binary",
    "rendertally.installers.bundle", "rendertally.installers.commands", "rendertally.installers.extension_repo",
    "rendertally.installers.hosts", "rendertally.installers.locations", "rendertally.installers.maya",
    "rendertally.installers.placement",
)
PACKAGES = ("rendertally.core", "rendertally.installers")
MAIN = b'''"""RenderTally's installer: install / uninstall / status for the artifacts beside this file."""
import sys
from pathlib import Path

from rendertally.installers.commands import main

# DIR/studio/rendertally-install.pyz installs the artifacts of DIR (what `build all` wrote).
sys.exit(main(default_from=Path(__file__).resolve().parent.parent.parent))
'''


def build(out: Path) -> Path:
    """Write ``out/rendertally-install.pyz``; returns its path."""
    files = {"__main__.py": MAIN}
    for module in MODULES:
        name = module.replace(".", "/") + ("/__init__.py" if module in PACKAGES else ".py")
        files[name] = source(module)
    folders = sorted({"/".join(name.split("/")[:i]) + "/" for name in files for i in range(1, name.count("/") + 1)})
    target = Path(out) / NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        handle.write(SHEBANG)
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            # Directory entries: zipimport finds the namespace package `rendertally/` through them.
            for folder in folders:
                info = zipfile.ZipInfo(folder, date_time=ZIP_DATE)
                info.external_attr = (0o40755 << 16) | 0x10
                archive.writestr(info, b"")
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, files[name])
    target.chmod(0o755)
    return target
