"""What every host plugin ships: our ``rendertally`` packages and their pure-Python dependencies.

Maya, 3ds Max and Cinema 4D run plugins from a folder of ours, not from pip: each artifact
carries a private ``lib`` folder with :func:`library_files`. The host's entry file *appends* that
folder to ``sys.path``, so a copy of ``requests`` the host (or another plugin) already imports
wins over ours; ours is there for hosts that ship none (C4D, older Max).

Only pure Python goes in: compiled extensions are skipped (charset_normalizer ships a ``.py``
beside each of its optional ``.so`` speed-ups), so one artifact serves Windows, macOS and Linux.
Archives and trees are written reproducibly: the same sources give the same bytes.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import shutil
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from rendertally.core.errors import ConfigurationError

# What the core needs at run time (requests and its own dependencies, platformdirs).
DEPENDENCIES = ("requests", "urllib3", "idna", "charset_normalizer", "certifi", "platformdirs")
COMMON_PACKAGES = ("core", "ui")  # rendertally.<name>; plus rendertally.plugins.<host>
SOURCE_SUFFIXES = (".py", ".toml", ".pyi")
COMPILED_SUFFIXES = (".so", ".pyd", ".dylib", ".dll", ".pyc")
SKIPPED_METADATA = ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json", "entry_points.txt")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def library_files(host: str, *, dependencies: Iterable[str] = DEPENDENCIES) -> dict[str, bytes]:
    """Archive name → bytes of a private ``lib`` folder for ``host`` (``maya``, ``max``, ``c4d``).

    Holds ``rendertally/core``, ``rendertally/ui``, ``rendertally/plugins/__init__.py``,
    ``rendertally/plugins/<host>`` and each dependency's files. ``rendertally/`` itself has no
    ``__init__.py``: it is a namespace package, as in the installed distribution.
    """
    files: dict[str, bytes] = {}
    for package in (*COMMON_PACKAGES, f"plugins.{host}"):
        files.update(_package_sources(f"rendertally.{package}"))
    plugins_init = _package_root("rendertally.plugins") / "__init__.py"
    files["rendertally/plugins/__init__.py"] = plugins_init.read_bytes()
    for name in dependencies:
        files.update(_distribution_files(name))
    return files


def write_tree(files: Mapping[str, bytes], dest: Path) -> list[Path]:
    """Write ``files`` under ``dest`` (emptied first, so a rebuild leaves nothing stale)."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    written = []
    for name in sorted(files):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[name])
        written.append(target)
    return written


def write_zip(files: Mapping[str, bytes], zip_path: Path) -> Path:
    """A reproducible zip of ``files``: sorted names, fixed dates and permissions."""
    zip_path = Path(zip_path)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return zip_path


def prefixed(files: Mapping[str, bytes], prefix: str) -> dict[str, bytes]:
    """``files`` with every name under ``prefix/``."""
    prefix = prefix.strip("/")
    return {f"{prefix}/{name}": data for name, data in files.items()}


def _package_root(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(f"{module} is not installed; run `pip install -e .` first")
    return Path(list(spec.submodule_search_locations)[0])


def _package_sources(module: str) -> dict[str, bytes]:
    root = _package_root(module)
    base = module.replace(".", "/")
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and path.suffix in SOURCE_SUFFIXES and "__pycache__" not in relative.parts:
            files[f"{base}/{relative.as_posix()}"] = path.read_bytes()
    return files


def _distribution_files(name: str) -> dict[str, bytes]:
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError as exc:
        raise ConfigurationError(f"{name} is not installed here; install RenderTally's dependencies "
                                 f"(`pip install -e .`) before building") from exc
    files = {}
    for item in dist.files or ():
        parts = Path(str(item)).parts
        if (not parts or parts[0] == ".." or "__pycache__" in parts or item.name in SKIPPED_METADATA
                or item.suffix in COMPILED_SUFFIXES):
            continue
        path = Path(str(item.locate()))
        if path.is_file():
            files[Path(str(item)).as_posix()] = path.read_bytes()
    if not files:
        raise ConfigurationError(f"{name} {dist.version} lists no files; reinstall it with pip")
    return files


def source(module: str) -> bytes:
    """The file of ``module`` without importing it (a host's entry file imports its host)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ConfigurationError(f"{module} is missing; install RenderTally with its plugins")
    return Path(spec.origin).read_bytes()
