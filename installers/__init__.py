"""Installers: build each host's installable artifact, install and uninstall it."""
from __future__ import annotations

import importlib
from pathlib import Path

from rendertally.core import __version__
from rendertally.core.errors import ConfigurationError

# host -> module with build(out_dir: Path) -> list[Path]
BUILDERS = {
    "blender": "rendertally.installers.blender",
    "maya": "rendertally.installers.maya",
    "max": "rendertally.installers.max",
    "c4d": "rendertally.installers.c4d",
}


def build(host: str, out_dir: str | Path) -> list[Path]:
    """Build ``host``'s artifact(s) into ``out_dir``; returns the written paths."""
    name = host.strip().lower()
    if name == "all":
        from . import studio

        _writable(Path(out_dir))
        return studio.build(Path(out_dir))
    if name not in BUILDERS:
        raise ConfigurationError(f"No installer for {host!r}; known hosts: {', '.join(sorted(BUILDERS))}")
    out = Path(out_dir)
    try:
        module = importlib.import_module(BUILDERS[name])
    except ModuleNotFoundError as exc:
        if exc.name != BUILDERS[name]:
            raise
        raise ConfigurationError(f"The {name} plugin is not built yet in RenderTally {__version__}") from exc
    _writable(out)
    return list(module.build(out))


def _writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(f"Cannot write to {out}: {exc.strerror or exc}; choose another --out") from exc
