"""Shared fixtures for the installer tests: built artifacts (once), simulated machines, listings."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from rendertally.core.cli import main
from rendertally.installers.locations import Machine


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`rendertally build all` output, built once for the session (tests copy, never change it)."""
    out = tmp_path_factory.mktemp("artifacts") / "0.1.0"
    assert main(["build", "all", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def newer(artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same artifacts as version 0.2.0, with one file changed, one gone and one new per host."""
    return bump(artifacts, tmp_path_factory.mktemp("artifacts") / "0.2.0", "0.2.0")


def bump(source: Path, out: Path, version: str) -> Path:
    shutil.copytree(source, out)
    old = r"0\.1\.0"
    for path in [out / "maya/RenderTally/RenderTally.mod", out / "max/RenderTally.bundle/PackageContents.xml",
                 out / "c4d/RenderTally/lib/rendertally/core/__init__.py"]:
        path.write_text(re.sub(old, version, path.read_text(encoding="utf-8")), encoding="utf-8")
    for folder in (out / "maya/RenderTally", out / "max/RenderTally.bundle/Contents", out / "c4d/RenderTally"):
        lib = folder / "lib"
        (lib / "rendertally_new_in_0_2.py").write_text("NEW = True\n", encoding="utf-8")
        shutil.rmtree(lib / "idna")  # a dependency the new version no longer ships
    (zip_path,) = (out / "blender").glob("rendertally-*.zip")
    target = out / "blender" / f"rendertally-{version}.zip"
    with zipfile.ZipFile(zip_path) as old_zip, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new_zip:
        for info in old_zip.infolist():
            data = old_zip.read(info)
            if info.filename == "blender_manifest.toml":
                data = data.replace(b'version = "0.1.0"', f'version = "{version}"'.encode())
            new_zip.writestr(info, data)
    zip_path.unlink()
    return out


@pytest.fixture
def simulate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Machine]:
    """Make the installer see another OS: a temp home and that OS's environment variables."""

    def make(os_name: str, **env: str) -> Machine:
        home = tmp_path / f"{os_name}-home"
        home.mkdir(exist_ok=True)
        defaults = {"windows": {"APPDATA": str(home / "AppData" / "Roaming"), "USERPROFILE": str(home),
                                "PROGRAMDATA": str(tmp_path / "ProgramData"),
                                "PROGRAMFILES": str(tmp_path / "Program Files"),
                                "LOCALAPPDATA": str(home / "AppData" / "Local"),
                                "COMMONPROGRAMFILES": str(tmp_path / "Program Files" / "Common Files")},
                    "macos": {}, "linux": {}}[os_name]
        machine = Machine(os_name, {"PATH": "", **defaults, **env}, home)
        monkeypatch.setattr(Machine, "current", classmethod(lambda cls: machine))
        return machine

    return make


def listing(*roots: Path) -> dict[str, bytes]:
    """Every file under ``roots`` with its bytes (directories as empty markers)."""
    files: dict[str, bytes] = {}
    for root in roots:
        for path in sorted(Path(root).rglob("*")) if Path(root).exists() else []:
            files[str(path)] = path.read_bytes() if path.is_file() else b"<dir>"
    return files


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``rendertally ARGV`` → (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
