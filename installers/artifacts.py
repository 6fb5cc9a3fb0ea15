"""The built artifacts an install copies from: the folder ``rendertally build all --out DIR`` writes.

    DIR/blender/rendertally-<version>.zip    DIR/maya/RenderTally/    DIR/max/RenderTally.bundle/
    DIR/c4d/RenderTally/                     DIR/studio/rendertally-install.pyz (this installer)

Each artifact says its own version (the module line of ``RenderTally.mod``, ``AppVersion`` of
``PackageContents.xml``, the bundled core's ``__version__``, the extension manifest), so an
installer of one version can install the artifacts of another. Stdlib only.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rendertally.core.errors import ConfigurationError

from .placement import RECORD, version_key

HOSTS = ("blender", "maya", "max", "c4d")
NAMES = {"blender": "Blender", "maya": "Maya", "max": "3ds Max", "c4d": "Cinema 4D"}
FOLDERS = {"maya": "RenderTally", "max": "RenderTally.bundle", "c4d": "RenderTally"}
SKIPPED = ("__pycache__",)
CORE_VERSION = re.compile(r'^__version__ = "([^"]+)"', re.MULTILINE)


@dataclass(frozen=True)
class Artifact:
    host: str
    path: Path      # the folder to copy, or the extension zip
    version: str


def find(artifacts: Path, host: str) -> Artifact:
    """``host``'s artifact in ``artifacts``; a clear error naming the build command when missing."""
    base = Path(artifacts) / host
    try:
        if host == "blender":
            zips = sorted(base.glob("rendertally-*.zip"))
            if zips:
                found = [Artifact(host, z, manifest(z)["version"]) for z in zips]
                return max(found, key=lambda a: version_key(a.version))
        elif (base / FOLDERS[host]).is_dir():
            folder = base / FOLDERS[host]
            return Artifact(host, folder, _folder_version(host, folder))
    except (OSError, ValueError, KeyError, ET.ParseError, zipfile.BadZipFile) as exc:
        raise ConfigurationError(f"The {NAMES[host]} artifact in {base} is damaged ({exc}); "
                                 f"rebuild it with `rendertally build all --out {artifacts}`") from exc
    raise ConfigurationError(f"No {NAMES[host]} artifact in {base}: build it with "
                             f"`rendertally build all --out {artifacts}` (or pass --from the folder that build wrote)")


def tree(folder: Path) -> dict[str, Path]:
    """Relative POSIX path → file, for every file of an artifact folder (caches and records left out)."""
    files = {}
    for path in sorted(Path(folder).rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not set(relative.parts) & set(SKIPPED) and path.name != RECORD:
            files[relative.as_posix()] = path
    return files


def manifest(zip_path: Path) -> dict:
    """The values of a RenderTally extension's ``blender_manifest.toml``.

    Python 3.9/3.10 have no TOML reader and the installer is stdlib only, so this reads the
    subset our builder writes (``key = "text"`` / ``key = ["a", "b"]`` lines, ``[table]``
    headers): each value there is also JSON. Anything else is refused, not guessed.
    """
    with zipfile.ZipFile(zip_path) as archive:
        return parse_manifest(archive.read("blender_manifest.toml").decode("utf-8"))


def parse_manifest(text: str) -> dict:
    """See :func:`manifest`; raises ValueError on what our builder does not write."""
    values: dict = {}
    table = values
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]") and not line.startswith("[["):
            table = values.setdefault(line[1:-1].strip(), {})
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"blender_manifest.toml line {number} is not `key = value`")
        table[key.strip()] = json.loads(value.strip())
    if "id" not in values or "version" not in values:
        raise ValueError("blender_manifest.toml has no id or version")
    return values


def _folder_version(host: str, folder: Path) -> str:
    if host == "maya":
        line = (folder / "RenderTally.mod").read_text(encoding="utf-8").split()
        if len(line) < 3 or line[0] != "+":
            raise ValueError("RenderTally.mod has no module line")
        return line[2]
    if host == "max":
        # our own build output, not a download: the stdlib parser is fine here
        version = ET.parse(folder / "PackageContents.xml").getroot().get("AppVersion")  # noqa: S314
        if not version:
            raise ValueError("PackageContents.xml has no AppVersion")
        return version
    match = CORE_VERSION.search((folder / "lib/rendertally/core/__init__.py").read_text(encoding="utf-8"))
    if not match:
        raise ValueError("the bundled rendertally.core has no __version__")
    return match.group(1)
