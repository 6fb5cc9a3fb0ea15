"""The installer runs on any Python 3.9+ with the stdlib alone: no requests, platformdirs or bpy."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rendertally.installers.zipapp import MODULES


def find_python39() -> str | None:
    """A working Python 3.9 (pyenv's builds first: its shim on PATH refuses versions not selected)."""
    candidates = [*map(str, sorted(Path.home().glob(".pyenv/versions/3.9*/bin/python3.9"))), shutil.which("python3.9")]
    for candidate in filter(None, candidates):
        done = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 9))"], check=False,
                              capture_output=True, text=True)
        if done.stdout.strip() == "True":
            return candidate
    return None


BLOCKED = ("requests", "urllib3", "platformdirs", "bpy", "PySide6", "PySide2", "keyring")
BLOCKER = textwrap.dedent(f"""
    import sys
    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {BLOCKED!r}:
                raise ImportError("blocked for the test: " + name)
            return None
    sys.meta_path.insert(0, Blocker())
""")


def test_installer_modules_import_and_run_with_third_party_packages_blocked(tmp_path):
    """Every module of the zipapp and the commands import, and `status` runs, with requests/platformdirs/bpy blocked."""
    script = BLOCKER + textwrap.dedent(f"""
        import importlib, json
        for name in {list(MODULES)!r}:
            importlib.import_module(name)
        from rendertally.installers.commands import main
        assert main(["status", "--json"]) == 0
        assert not [m for m in sys.modules if m.split(".")[0] in {BLOCKED!r}]
    """)
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, env=env,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["os"] == "linux"


def zipapp_round_trip(python: str, pyz: Path, home: Path) -> None:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "")}

    def call(*args: str) -> str:
        done = subprocess.run([python, "-S", "-I", str(pyz), *args], check=False, capture_output=True, text=True,
                              env=env, timeout=120, cwd=home)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "0.1.0 installed in" in call("install", "maya")
    assert (home / "maya/modules/RenderTally.mod").read_text(encoding="utf-8").startswith("+ RenderTally 0.1.0 /")
    assert "already installed" in call("install", "maya")
    report = json.loads(call("status", "--json"))
    assert report["hosts"]["maya"]["installs"][0]["version"] == "0.1.0"
    call("uninstall", "maya")
    assert list(home.iterdir()) == []


def test_zipapp_installs_from_its_artifacts_folder_with_site_disabled(artifacts, tmp_path):
    """`python -S -I rendertally-install.pyz install maya` works from the built folder (nothing but the stdlib)."""
    home = tmp_path / "home-venv"
    home.mkdir()
    zipapp_round_trip(sys.executable, artifacts / "studio" / "rendertally-install.pyz", home)


@pytest.mark.skipif(find_python39() is None, reason="no python3.9 on this machine")
def test_zipapp_runs_on_python_39(artifacts, tmp_path):
    """The same round trip on Python 3.9 (Maya 2023's and Max 2023's Python)."""
    home = tmp_path / "home-39"
    home.mkdir()
    zipapp_round_trip(find_python39(), artifacts / "studio" / "rendertally-install.pyz", home)


def test_missing_artifacts_beside_the_zipapp_name_the_build_command(artifacts, tmp_path):
    """A zipapp copied away from its artifacts exits 2 saying which build to run."""
    lonely = tmp_path / "elsewhere" / "studio"
    lonely.mkdir(parents=True)
    pyz = lonely / "rendertally-install.pyz"
    pyz.write_bytes((artifacts / "studio" / "rendertally-install.pyz").read_bytes())
    done = subprocess.run([sys.executable, "-S", "-I", str(pyz), "install", "c4d", "--scope", "site", "--dest",
                           str(tmp_path / "dest")], check=False, capture_output=True, text=True, timeout=120,
                          env={"HOME": str(tmp_path)})
    assert done.returncode == 2
    assert "rendertally build all --out" in done.stderr and not (tmp_path / "dest").exists()
