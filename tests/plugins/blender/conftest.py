"""Fixtures for the Blender add-on tests: one extension zip per session, and the bpy check."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rendertally.installers import blender as installer


@pytest.fixture(scope="session")
def extension_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The extension zip, built once per test session exactly as `rendertally build blender` does."""
    (path,) = installer.build(tmp_path_factory.mktemp("extension"))
    return path


@pytest.fixture(scope="session")
def bpy_python() -> None:
    """Skip (with the reason) when this Python cannot import the bpy module (Blender 5.0: 3.11)."""
    probe = subprocess.run([sys.executable, "-c", "import bpy; print(bpy.app.version_string)"], check=False,
                           capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"the bpy module cannot be imported by {sys.executable}: {reason} "
                    "(install it with `pip install -e '.[blender]'` on Python 3.11)")
