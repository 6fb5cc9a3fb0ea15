"""The Blender extension: ``rendertally-<version>.zip``, installable with "Install from Disk".

Layout (Blender 4.2+ extension)::

    blender_manifest.toml        id "rendertally", [permissions], wheels = [...]
    __init__.py                  the entry: rendertally/plugins/blender/entry.py
    wheels/rendertally-<v>-py3-none-any.whl    our own pure-Python wheel
    wheels/platformdirs-<v>-py3-none-any.whl   a dependency of the core

``requests`` is not bundled: Blender ships it. Our wheel is written here from the installed
``rendertally`` packages (editable checkout or regular install alike), with fixed timestamps so
the same sources give the same zip. platformdirs comes from ``pip download`` of the installed
version, or, offline, is repacked from the installed distribution.
"""
from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import importlib.util
import io
import logging
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from rendertally.core import __version__
from rendertally.core.errors import ConfigurationError

log = logging.getLogger(__name__)

EXTENSION_ID = "rendertally"
PACKAGES = ("core", "ui", "plugins", "installers")  # rendertally.<name>, as in pyproject.toml
SOURCE_SUFFIXES = (".py", ".toml")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # reproducible archives
TAGLINE = "Report every render to your render service"
PERMISSIONS = {
    "network": "Send render job reports to the render service",
    "files": "Keep reports and settings in the user data folder",
}
PIP_TIMEOUT = 120


def build(out_dir: Path) -> list[Path]:
    """Write ``rendertally-<version>.zip`` into ``out_dir``; returns its path in a list."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wheels = [own_wheel(), platformdirs_wheel()]
    manifest = manifest_text([name for name, _ in wheels])
    entry_source = _entry_source()
    target = out_dir / f"{EXTENSION_ID}-{__version__}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        _write(archive, "blender_manifest.toml", manifest.encode())
        _write(archive, "__init__.py", entry_source)
        for name, data in wheels:
            _write(archive, f"wheels/{name}", data)
    log.info("Wrote %s", target)
    return [target]


def manifest_text(wheel_names: Iterable[str]) -> str:
    """``blender_manifest.toml`` (schema 1.0.0; Blender validates taglines and permission texts:
    at most 64 characters, ending with a letter or digit)."""
    wheels = ", ".join(f'"./wheels/{name}"' for name in sorted(wheel_names))
    permissions = "\n".join(f'{key} = "{text}"' for key, text in PERMISSIONS.items())
    return f"""schema_version = "1.0.0"

id = "{EXTENSION_ID}"
version = "{__version__}"
name = "RenderTally"
tagline = "{TAGLINE}"
maintainer = "RenderTally contributors"
type = "add-on"
tags = ["Render"]
blender_version_min = "4.2.0"
license = ["SPDX:GPL-3.0-or-later"]
wheels = [{wheels}]

[permissions]
{permissions}
"""


def own_wheel() -> tuple[str, bytes]:
    """Our pure-Python wheel, from the ``rendertally.*`` packages this Python imports."""
    files: dict[str, bytes] = {}
    for package in PACKAGES:
        spec = importlib.util.find_spec(f"rendertally.{package}")
        if spec is None or not spec.submodule_search_locations:
            raise ConfigurationError(f"rendertally.{package} is not installed; run `pip install -e .` first")
        root = Path(list(spec.submodule_search_locations)[0])
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if (path.is_file() and path.suffix in SOURCE_SUFFIXES and "__pycache__" not in relative.parts
                    and all((root / Path(*relative.parts[:i]) / "__init__.py").is_file()
                            for i in range(len(relative.parts)))):
                files[f"rendertally/{package}/{relative.as_posix()}"] = path.read_bytes()
    dist_info = f"rendertally-{__version__}.dist-info"
    files[f"{dist_info}/METADATA"] = _metadata().encode()
    files[f"{dist_info}/WHEEL"] = _wheel_file("rendertally.installers.blender").encode()
    files[f"{dist_info}/top_level.txt"] = b"rendertally\n"
    # "rendertally/" has no __init__.py (one namespace over several folders): its directory entry
    # lets Python 3.11's zipimport find it when the entry file falls back to importing the .whl.
    return f"rendertally-{__version__}-py3-none-any.whl", _wheel_bytes(files, dist_info, folders=["rendertally/"])


def platformdirs_wheel() -> tuple[str, bytes]:
    """The platformdirs wheel of the installed version: from pip, or repacked when offline."""
    version = importlib.metadata.version("platformdirs")
    with tempfile.TemporaryDirectory(prefix="rendertally-wheels-") as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--disable-pip-version-check", "-q", "--dest", tmp, f"platformdirs=={version}"]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=PIP_TIMEOUT)
            found = sorted(Path(tmp).glob("platformdirs-*-py3-none-any.whl"))
        except (OSError, subprocess.SubprocessError) as exc:
            log.info("pip download of platformdirs %s failed (%s); repacking the installed copy", version, exc)
            found = []
        if found:
            return found[0].name, found[0].read_bytes()
    return repack_installed("platformdirs")


def repack_installed(name: str) -> tuple[str, bytes]:
    """A pure-Python wheel of the installed distribution ``name``, from its RECORD."""
    dist = importlib.metadata.distribution(name)
    version = dist.version
    dist_name = dist.metadata["Name"].replace("-", "_")
    dist_info = f"{dist_name}-{version}.dist-info"
    files: dict[str, bytes] = {}
    for item in dist.files or ():
        parts = Path(str(item)).parts
        if not parts or parts[0] == ".." or "__pycache__" in parts or item.name in ("RECORD", "INSTALLER", "REQUESTED",
                                                                                       "direct_url.json"):
            continue
        path = Path(str(item.locate()))
        if path.is_file():
            files[Path(str(item)).as_posix()] = path.read_bytes()
    if f"{dist_info}/WHEEL" not in files or f"{dist_info}/METADATA" not in files:
        raise ConfigurationError(f"{name} {version} is installed without its wheel metadata; cannot repack it")
    return f"{dist_name}-{version}-py3-none-any.whl", _wheel_bytes(files, dist_info)


def validator() -> Path | None:
    """Blender's own extension validator (``blender_ext.py``) from the bpy module, if installed."""
    spec = importlib.util.find_spec("bpy")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        for candidate in sorted(Path(root).glob("*/scripts/addons_core/bl_pkg/cli/blender_ext.py")):
            return candidate
    return None


def validate(zip_path: Path) -> tuple[bool, str]:
    """Run Blender's validator on ``zip_path`` (plain Python; no Blender process needed)."""
    tool = validator()
    if tool is None:
        return False, "Blender's extension validator (from the bpy module) is not installed"
    result = subprocess.run([sys.executable, str(tool), "validate", str(zip_path)], check=False,
                            capture_output=True, text=True, timeout=60)
    return result.returncode == 0, (result.stdout + result.stderr).strip()


# -- writing ----------------------------------------------------------------------------------------
def _entry_source() -> bytes:
    spec = importlib.util.find_spec("rendertally.plugins.blender.entry")
    if spec is None or spec.origin is None:
        raise ConfigurationError("The Blender extension's entry file (plugins/blender/entry.py) is missing")
    return Path(spec.origin).read_bytes()


def _metadata() -> str:
    # The installed distribution's own METADATA (name, version, dependencies from pyproject.toml);
    # from a source checkout, setuptools' egg-info may be found first, where it is PKG-INFO.
    dist = importlib.metadata.distribution("rendertally")
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
    if not text:
        raise ConfigurationError("rendertally is installed without its metadata; reinstall it with pip")
    return text


def _wheel_file(generator: str) -> str:
    return f"Wheel-Version: 1.0\nGenerator: {generator}\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _wheel_bytes(files: dict[str, bytes], dist_info: str, folders: Iterable[str] = ()) -> bytes:
    record_name = f"{dist_info}/RECORD"
    lines = []
    for name in sorted(files):
        digest = base64.urlsafe_b64encode(hashlib.sha256(files[name]).digest()).rstrip(b"=").decode()
        lines.append(f"{name},sha256={digest},{len(files[name])}")
    lines.append(f"{record_name},,")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder in folders:
            info = zipfile.ZipInfo(folder, date_time=ZIP_DATE)
            info.external_attr = (0o40755 << 16) | 0x10
            archive.writestr(info, b"")
        # dist-info last, as the wheel spec recommends
        for name in sorted(files, key=lambda n: (n.startswith(dist_info), n)):
            _write(archive, name, files[name])
        _write(archive, record_name, ("\n".join(lines) + "\n").encode())
    return buffer.getvalue()


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
