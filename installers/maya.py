"""The Maya module: ``RenderTally/`` (folder) and ``RenderTally-maya-<version>.zip``.

Layout (a Maya module; Maya reads every ``.mod`` file on ``MAYA_MODULE_PATH``, adds the module's
``plug-ins`` to ``MAYA_PLUG_IN_PATH`` and its ``scripts`` to ``MAYA_SCRIPT_PATH`` and ``PYTHONPATH``)::

    RenderTally.mod                 + RenderTally <version> .   (path relative to the .mod file)
    plug-ins/rendertally_maya.py    the API 2.0 plug-in: plugins/maya/entry.py
    scripts/userSetup.py            loads the plug-in in the GUI, mayabatch and Render
    lib/                            rendertally + pure-Python deps, appended to sys.path by the plug-in

https://help.autodesk.com/cloudhelp/2022/CHS/Maya-SDK/Distributing-Maya-Plug-ins/DistributingUsingModules/InstallingModules.html
https://help.autodesk.com/cloudhelp/2016/ENU/Maya-SDK/files/GUID-130A3F57-2A5D-4E56-B066-6B86F68EEA22.htm
(the module location may be absolute or relative to the .mod file). :func:`install_mod`
writes a copy with the absolute path into a modules folder, as a studio deployment does.
"""
from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from rendertally.core import __version__
from rendertally.core.errors import ConfigurationError

from .bundle import (
    COMPILED_SUFFIXES,
    DEPENDENCIES,
    SKIPPED_METADATA,
    library_files,
    prefixed,
    write_tree,
    write_zip,
)

log = logging.getLogger(__name__)

MODULE = "RenderTally"
# The oldest Maya we serve (2023) runs Python 3.9: the bundled dependencies must import there.
# The build machine's own copies may be newer (urllib3 2.7+ needs Python 3.10), so pip picks
# the newest pure-Python wheels that support 3.9; offline, the installed copies are used.
OLDEST_PYTHON = "3.9"
REQUIREMENTS = ("requests>=2.25", "platformdirs>=3")
PIP_TIMEOUT = 180
PLUGIN_FILE = "plug-ins/rendertally_maya.py"
SETUP_FILE = "scripts/userSetup.py"


def mod_text(location: str = ".", version: str = __version__) -> str:
    """The module description file: one module line, for every Maya version and platform."""
    return f"+ {MODULE} {version} {location}\n"


def module_files() -> dict[str, bytes]:
    """Name (inside the module folder) → bytes of every file of the module."""
    plugin = _source("rendertally.plugins.maya.entry").replace(
        b'VERSION = "RenderTally", "0"', f'VERSION = "RenderTally", "{__version__}"'.encode())
    files = {
        f"{MODULE}.mod": mod_text().encode(),
        PLUGIN_FILE: plugin,
        SETUP_FILE: _source("rendertally.plugins.maya.user_setup"),
    }
    dependencies = oldest_python_dependencies()
    files.update(prefixed(library_files("maya", dependencies=() if dependencies else DEPENDENCIES), "lib"))
    files.update(prefixed(dependencies, "lib"))
    return files


def oldest_python_dependencies() -> dict[str, bytes]:
    """The core's dependencies as pure-Python wheels for Python 3.9, unpacked; {} if pip cannot get them."""
    with tempfile.TemporaryDirectory(prefix="rendertally-maya-deps-") as tmp:
        command = [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                   "--only-binary=:all:", "--python-version", OLDEST_PYTHON, "--implementation", "py",
                   "--abi", "none", "--platform", "any", "--dest", tmp, *REQUIREMENTS]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=PIP_TIMEOUT)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("pip could not fetch Python %s wheels (%s); bundling the installed copies, "
                        "which may need a newer Python", OLDEST_PYTHON, exc)
            return {}
        files: dict[str, bytes] = {}
        for wheel in sorted(Path(tmp).glob("*.whl")):
            with zipfile.ZipFile(wheel) as archive:
                for name in sorted(archive.namelist()):
                    leaf = name.rsplit("/", 1)[-1]
                    if (name.endswith("/") or "__pycache__" in name or leaf in SKIPPED_METADATA
                            or name.endswith(COMPILED_SUFFIXES)):
                        continue
                    files[name] = archive.read(name)
        return files


def build(out: Path) -> list[Path]:
    """Write ``out/RenderTally/`` and ``out/RenderTally-maya-<version>.zip``; returns both paths."""
    out = Path(out)
    files = module_files()
    folder = out / MODULE
    write_tree(files, folder)
    archive = write_zip(prefixed(files, MODULE), out / f"{MODULE}-maya-{__version__}.zip")
    log.info("Wrote %s and %s", folder, archive)
    return [folder, archive]


def install_mod(module_folder: Path, modules_dir: Path) -> Path:
    """Put ``RenderTally.mod`` with the module's absolute path into ``modules_dir`` (on MAYA_MODULE_PATH)."""
    module_folder = Path(module_folder).resolve()
    if not (module_folder / PLUGIN_FILE).is_file():
        raise ConfigurationError(f"{module_folder} is not a RenderTally module folder (no {PLUGIN_FILE})")
    target = Path(modules_dir) / f"{MODULE}.mod"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(mod_text(module_folder.as_posix()), encoding="utf-8")
    return target


def _source(module: str) -> bytes:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ConfigurationError(f"{module} is missing; run `pip install -e .` first")
    return Path(spec.origin).read_bytes()
