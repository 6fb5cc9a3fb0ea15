"""The Blender versions the add-on is tested on besides the default: one venv with bpy each.

``python scripts/bpy_matrix.py [--cache DIR] [VERSION@PYTHON ... | none]`` creates what is
missing (once; later runs reuse it) and prints one line for the tests, ``VERSION=PYTHON_PATH ...``,
which ``make test`` passes on as ``BPY_PYTHONS`` (``make test BPY_MATRIX=none``: the default
version only). The default bpy (pyproject's ``blender``
extra) is in the main venv and is not listed here. Each bpy release needs one Python minor
version (bpy 4.2-5.0: 3.11, 5.1+: 3.13); an interpreter is looked up on PATH and in pyenv's
versions folder. Stdlib only: it runs before anything is installed.
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

# LTS releases artists stay on, and the newest release (its own Python).
DEFAULT_MATRIX = ("4.2.23@3.11", "4.5.15@3.11", "5.3.0@3.13")
PIP_TIMEOUT = 1800


class MatrixError(Exception):
    pass


def interpreter(minor: str) -> str:
    """A working ``python<minor>`` (a pyenv shim for a version not selected does not count)."""
    candidates = [shutil.which(f"python{minor}") or ""]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(os.path.join(pyenv_root, "versions", f"{minor}.*", "bin", f"python{minor}")),
                         reverse=True)
    candidates += [f"/usr/bin/python{minor}", f"/usr/local/bin/python{minor}"]
    for candidate in candidates:
        if candidate and os.path.exists(candidate) and _reports(candidate, minor):
            return candidate
    raise MatrixError(f"Python {minor} was not found (needed for this bpy release): install it, "
                      f"or leave that version out with BPY_MATRIX='...'")


def _reports(python: str, minor: str) -> bool:
    try:
        done = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() == minor


def ensure(version: str, minor: str, cache: Path) -> Path:
    """The venv's Python for ``bpy==version``, created and installed on first use."""
    venv = cache / f"bpy-{version}"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    ready = venv / ".ready"
    if ready.exists() and python.exists():
        return python
    base = interpreter(minor)
    print(f"Creating {venv} (once): bpy {version} on Python {minor}", file=sys.stderr)
    if venv.exists():
        shutil.rmtree(venv)  # a half-made venv from an interrupted run
    _run([base, "-m", "venv", str(venv)])
    _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", f"bpy=={version}"])
    probe = subprocess.run([str(python), "-c", "import bpy; print(bpy.app.version_string)"],
                           capture_output=True, text=True, timeout=300, check=False)
    if probe.returncode != 0:
        raise MatrixError(f"bpy {version} installed in {venv} but does not import: "
                          f"{(probe.stderr.strip().splitlines() or ['?'])[-1]}")
    ready.write_text(probe.stdout.strip() + "\n")
    return python


def _run(command: list[str]) -> None:
    done = subprocess.run(command, timeout=PIP_TIMEOUT, check=False)
    if done.returncode != 0:
        raise MatrixError(f"`{' '.join(command)}` failed with exit code {done.returncode}")


def parse(specs: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for spec in specs:
        version, sep, minor = spec.partition("@")
        if not sep or not version or not minor:
            raise MatrixError(f"{spec!r} is not VERSION@PYTHON, e.g. 4.2.23@3.11")
        pairs.append((version, minor))
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="*", help=f"VERSION@PYTHON (default: {' '.join(DEFAULT_MATRIX)})")
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/rendertally"))
    args = parser.parse_args(argv)
    try:
        pairs = [] if args.specs == ["none"] else parse(args.specs or list(DEFAULT_MATRIX))
        cache = Path(args.cache)
        cache.mkdir(parents=True, exist_ok=True)
        print(" ".join(f"{version}={ensure(version, minor, cache)}" for version, minor in pairs))
    except MatrixError as exc:
        print(f"bpy_matrix: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
