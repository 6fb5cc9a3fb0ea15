"""scripts/bpy_matrix.py: which Blender versions the scenarios also run on, and clear errors."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bpy_matrix.py"


def run(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--cache", str(cache), *args], capture_output=True,
                          text=True, timeout=60, check=False)


def test_none_lists_no_other_version(tmp_path: Path) -> None:
    """`none` prints an empty list and creates nothing."""
    done = run("none", cache=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, "")
    assert list(tmp_path.iterdir()) == []


def test_a_malformed_entry_says_what_is_expected(tmp_path: Path) -> None:
    """An entry without @PYTHON exits 2 and shows the expected shape."""
    done = run("4.2.23", cache=tmp_path)
    assert done.returncode == 2
    assert "is not VERSION@PYTHON, e.g. 4.2.23@3.11" in done.stderr


def test_a_missing_python_says_how_to_leave_the_version_out(tmp_path: Path) -> None:
    """A Python that is not installed exits 2 naming it and the way to skip that version."""
    done = run("9.9.9@3.99", cache=tmp_path)
    assert done.returncode == 2
    assert "Python 3.99 was not found" in done.stderr and "BPY_MATRIX" in done.stderr
    assert not (tmp_path / "bpy-9.9.9").exists()


def test_a_ready_venv_is_reused_without_installing(tmp_path: Path) -> None:
    """A venv marked ready is listed as it is (no pip run), so later runs cost nothing."""
    python = tmp_path / "bpy-4.2.23" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    (tmp_path / "bpy-4.2.23" / ".ready").write_text("4.2.23 LTS\n")
    done = run("4.2.23@3.11", cache=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, f"4.2.23={python}")
