"""Fixtures for the Blender add-on tests: one extension zip per session, the bpy check, and
the other Blender versions (``BPY_PYTHONS``, set by ``make test`` from scripts/bpy_matrix.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rendertally.installers import blender as installer

DEFAULT = "default"


def matrix() -> list[tuple[str, str]]:
    """(label, python) per Blender version: this Python's bpy, then each of ``BPY_PYTHONS``."""
    pairs = [(DEFAULT, sys.executable)]
    for item in os.environ.get("BPY_PYTHONS", "").split():
        version, _, python = item.partition("=")
        pairs.append((f"bpy{version}", python))
    return pairs


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "every_blender: runs on every Blender version of the matrix "
                                       "(BPY_PYTHONS), not only the default one")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Tests marked every_blender run on each version; the others on the default one only.
    if "blender_python" in metafunc.fixturenames:
        pairs = matrix() if metafunc.definition.get_closest_marker("every_blender") else matrix()[:1]
        metafunc.parametrize("blender_python", [python for _, python in pairs],
                             ids=[label for label, _ in pairs], indirect=True, scope="session")


@pytest.fixture(scope="session")
def blender_python(request: pytest.FixtureRequest) -> str:
    """A Python with a bpy module; one listed in BPY_PYTHONS must work (CI asked for it)."""
    python = request.param
    probe = subprocess.run([python, "-c", "import bpy; print(bpy.app.version_string)"], check=False,
                           capture_output=True, text=True, timeout=300)
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        if python == sys.executable:
            pytest.skip(f"the bpy module cannot be imported by {python}: {reason} "
                        "(install it with `pip install -e '.[blender]'` on Python 3.11)")
        pytest.fail(f"BPY_PYTHONS lists {python}, which cannot import bpy: {reason}")
    return python


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
