"""The core runs on the oldest host Python (3.9: Maya 2023, Max 2023) and the newest (3.13: Blender 5.1+)."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rendertally"

SCRIPT = textwrap.dedent("""
    import importlib, pkgutil, sys
    assert "%d.%d" % sys.version_info[:2] == sys.argv[1], sys.version
    import rendertally.core as core
    for info in pkgutil.walk_packages(core.__path__, "rendertally.core."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    from rendertally.core.sandbox import Sandbox
    from rendertally.core.cli import main
    import os
    with Sandbox() as box:
        os.environ.update(RENDERTALLY_URL=box.url, RENDERTALLY_ID="1", RENDERTALLY_KEY="k")
        code = main(["report", "--frames", "3", "--render-hours", "0.5", "--software", "MAX",
                     "--software-version", "2023", "--engine", "V-Ray"])
        assert code == 0, code
        assert box.jobs[0]["request"]["RenderEngine"] == "V-Ray"
    print("ok")
""")


def _bpy_matrix():
    # scripts/ is not a package: load the one interpreter finder the project has, by path.
    spec = importlib.util.spec_from_file_location("bpy_matrix", ROOT / "scripts" / "bpy_matrix.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def find_python(minor: str) -> str | None:
    """python<minor> on PATH or among pyenv's builds (scripts/bpy_matrix.py's search), or None."""
    matrix = _bpy_matrix()
    try:
        return matrix.interpreter(minor)
    except matrix.MatrixError:
        return None


def python_with_core_dependencies(minor: str) -> str:
    """A cached venv of Python ``minor`` with the core's runtime dependencies (the versions it gets)."""
    venv = CACHE / f"py{minor.replace('.', '')}-core"
    python = venv / "bin" / "python"
    if not (venv / ".ready").exists():
        subprocess.run([find_python(minor), "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "requests>=2.25", "platformdirs>=3"],
                       check=True, timeout=300)
        (venv / ".ready").touch()
    return str(python)


@pytest.mark.parametrize("minor", ["3.9", "3.13"])
def test_core_imports_and_reports_on_the_oldest_and_newest_host_python(minor: str, tmp_path, isolated):
    """Under Python 3.9 and 3.13 every core module imports and a report round-trips through the sandbox."""
    if find_python(minor) is None:
        pytest.skip(f"no python{minor} on this machine (ruff's py39 target still checks syntax)")
    python = python_with_core_dependencies(minor)
    site = tmp_path / "site"
    (site / "rendertally").mkdir(parents=True)
    (site / "rendertally" / "core").symlink_to(ROOT / "core")
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONNOUSERSITE": "1"}
    done = subprocess.run([python, "-s", "-c", SCRIPT, minor], env=env,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert done.stdout.strip().endswith("ok"), done.stderr


def test_ruff_checks_the_shipped_code_for_python_39():
    """ruff with target-version py39 finds nothing in the shipped packages."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is a test dependency; install the test extra")
    done = subprocess.run([ruff, "check", "core", "ui", "plugins", "installers"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
