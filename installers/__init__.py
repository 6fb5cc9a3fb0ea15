"""Installers: build each host's installable artifact, install and uninstall it."""
from __future__ import annotations

import importlib
from pathlib import Path

from rendertally.core.errors import ConfigurationError

# host -> module with build(out_dir: Path) -> list[Path]
BUILDERS = {"blender": "rendertally.installers.blender"}


def build(host: str, out_dir: str | Path) -> list[Path]:
    """Build ``host``'s artifact(s) into ``out_dir``; returns the written paths."""
    name = host.strip().lower()
    if name not in BUILDERS:
        raise ConfigurationError(f"No installer for {host!r}; known hosts: {', '.join(sorted(BUILDERS))}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return list(importlib.import_module(BUILDERS[name]).build(out))
