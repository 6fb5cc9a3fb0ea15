"""The extension zip: manifest, entry file, wheels (ours and platformdirs, never requests)."""
from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from rendertally.core import __version__
from rendertally.core.cli import main
from rendertally.installers import blender as installer

tomllib = pytest.importorskip("tomllib")  # Python 3.11+, like Blender's


@pytest.fixture(scope="module")
def contents(extension_zip: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(extension_zip) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _terse(text: str) -> bool:
    # blender_ext.py: at most 64 characters, ends with a letter, digit or closing bracket
    return 0 < len(text) <= 64 and (text[-1].isalnum() or text[-1] in ")]}") and text == text.strip()


def test_zip_name_and_layout(extension_zip: Path, contents: dict[str, bytes]) -> None:
    """The zip is rendertally-<version>.zip with manifest, entry file and only our and platformdirs' wheels."""
    assert extension_zip.name == f"rendertally-{__version__}.zip"
    names = set(contents)
    assert {"blender_manifest.toml", "__init__.py"} <= names
    wheels = sorted(name for name in names if name.startswith("wheels/"))
    assert [Path(w).name.split("-")[0] for w in wheels] == ["platformdirs", "rendertally"]
    assert not any("requests" in name for name in names)  # Blender ships requests


def test_manifest(contents: dict[str, bytes]) -> None:
    """The manifest has the id, version, add-on type, Blender 4.2+, licence, terse texts and every wheel."""
    manifest = tomllib.loads(contents["blender_manifest.toml"].decode())
    assert manifest["schema_version"] == "1.0.0"
    assert manifest["id"] == "rendertally"
    assert manifest["version"] == __version__
    assert manifest["type"] == "add-on"
    assert manifest["blender_version_min"] == "4.2.0"
    assert manifest["license"] == ["SPDX:GPL-3.0-or-later"]
    assert manifest["name"] and manifest["maintainer"]
    assert _terse(manifest["tagline"])
    assert manifest["permissions"]["network"] == "Send render job reports to the render service"
    assert all(_terse(text) for text in manifest["permissions"].values())
    assert sorted(manifest["wheels"]) == sorted(f"./{name}" for name in contents if name.startswith("wheels/"))


def test_entry_file_is_the_adapters_entry(contents: dict[str, bytes]) -> None:
    """The zip's __init__.py is plugins/blender/entry.py byte for byte, and under 40 lines."""
    entry = Path(installer.__file__).resolve().parents[1] / "plugins" / "blender" / "entry.py"
    assert contents["__init__.py"] == entry.read_bytes()
    assert len(contents["__init__.py"].decode().splitlines()) < 40  # a few lines: the add-on is in the wheel


def _check_wheel(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as wheel:
        files = {name: wheel.read(name) for name in wheel.namelist() if not name.endswith("/")}
    record = next(name for name in files if name.endswith(".dist-info/RECORD"))
    for line in files[record].decode().splitlines():
        name, digest, size = line.rsplit(",", 2)
        if name == record:
            continue
        expected = base64.urlsafe_b64encode(hashlib.sha256(files[name]).digest()).rstrip(b"=").decode()
        assert digest == f"sha256={expected}" and int(size) == len(files[name]), name
    assert len(files[record].decode().splitlines()) == len(files)
    return files


def test_our_wheel(contents: dict[str, bytes]) -> None:
    """Our wheel has a valid RECORD, the add-on modules, no bytecode, one namespace and the right metadata."""
    name = f"wheels/rendertally-{__version__}-py3-none-any.whl"
    files = _check_wheel(contents[name])
    for module in ("rendertally/core/session.py", "rendertally/plugins/__init__.py",
                   "rendertally/plugins/blender/__init__.py", "rendertally/plugins/blender/handlers.py",
                   "rendertally/plugins/blender/entry.py"):
        assert module in files, module
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in files)
    assert not any(n.startswith(("rendertally/__init__", "core/", "ui/")) for n in files)  # one namespace only
    metadata = files[f"rendertally-{__version__}.dist-info/METADATA"].decode()
    assert f"Version: {__version__}" in metadata and "Name: rendertally" in metadata
    assert "Root-Is-Purelib: true" in files[f"rendertally-{__version__}.dist-info/WHEEL"].decode()


def test_platformdirs_wheel_is_the_installed_version(contents: dict[str, bytes]) -> None:
    """The bundled platformdirs wheel is the installed version, with a valid RECORD."""
    version = importlib.metadata.version("platformdirs")
    files = _check_wheel(contents[f"wheels/platformdirs-{version}-py3-none-any.whl"])
    assert "platformdirs/__init__.py" in files


def test_offline_repack_of_an_installed_distribution() -> None:
    """Installed platformdirs repacks into a valid wheel of its version without .pyc or install-only files."""
    name, data = installer.repack_installed("platformdirs")
    assert name == f"platformdirs-{importlib.metadata.version('platformdirs')}-py3-none-any.whl"
    files = _check_wheel(data)
    assert "platformdirs/__init__.py" in files
    assert not any(n.endswith((".pyc", "INSTALLER", "direct_url.json")) for n in files)


def test_our_wheel_is_reproducible() -> None:
    """Building our wheel twice gives the same name and bytes."""
    assert installer.own_wheel() == installer.own_wheel()


def test_cli_builds_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`rendertally build blender --out DIR` returns 0 and prints the path of the zip it wrote."""
    assert main(["build", "blender", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / f"rendertally-{__version__}.zip")


@pytest.mark.blender
def test_blenders_own_validator_accepts_it(extension_zip: Path) -> None:
    """Blender's own extension validator accepts the zip."""
    if installer.validator() is None:
        pytest.skip("Blender's blender_ext.py (part of the bpy module) is not installed")
    ok, output = installer.validate(extension_zip)
    assert ok, output
    assert "Success" in output


@pytest.mark.blender
def test_validator_rejects_a_bad_tagline(tmp_path: Path, contents: dict[str, bytes]) -> None:
    """Blender's validator rejects the zip, citing punctuation, when the tagline ends with a full stop."""
    if installer.validator() is None:
        pytest.skip("Blender's blender_ext.py (part of the bpy module) is not installed")
    bad = tmp_path / "bad.zip"
    manifest = contents["blender_manifest.toml"].decode().replace(installer.TAGLINE, installer.TAGLINE + ".")
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, manifest.encode() if name == "blender_manifest.toml" else data)
    ok, output = installer.validate(bad)
    assert not ok and "punctuation" in output


def test_validator_runs_without_blender() -> None:
    """Blender's validator script runs `--help` under plain Python, with no Blender."""
    # It is a plain Python script: the check above needs only the bpy wheel's files, not Blender.
    tool = installer.validator()
    if tool is None:
        pytest.skip("the bpy module is not installed")
    done = subprocess.run([sys.executable, str(tool), "--help"], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0


ENTRY_FALLBACK = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
sys.path[:] = [p for p in sys.path if not p.startswith("__editable__")]
sys.path.insert(0, {folder!r})
import rendertally_ext
try:
    import rendertally.plugins.blender
except ImportError:
    print("not importable before")
rendertally_ext._find_bundled_library()
import rendertally.plugins.blender.batch as batch
import platformdirs
print(batch.__file__)
print(platformdirs.__file__)
"""


def test_entry_imports_the_bundled_wheels_when_blender_did_not(tmp_path: Path, contents: dict[str, bytes]) -> None:
    """If rendertally is not importable, the entry file makes it and platformdirs import from the bundled wheels."""
    package = tmp_path / "rendertally_ext"
    (package / "wheels").mkdir(parents=True)
    for name, data in contents.items():
        (package / name).write_bytes(data)
    code = ENTRY_FALLBACK.format(folder=str(tmp_path))
    done = subprocess.run([sys.executable, "-S", "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "not importable before"
    assert ".whl" in lines[1] and "rendertally-" in lines[1]
    assert ".whl" in lines[2] and "platformdirs-" in lines[2]
