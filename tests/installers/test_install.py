"""Install, upgrade and uninstall of the Maya, 3ds Max and Cinema 4D plugins into simulated OS homes."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from tests.installers.conftest import listing, run

C4D_FOLDER = "Maxon Cinema 4D 2025_1A2B3C4D"
# (os, host) → the install location under the simulated home, as each host documents it
LAYOUTS = {
    ("linux", "maya"): "maya/modules",
    ("macos", "maya"): "Library/Preferences/Autodesk/maya/modules",
    ("windows", "maya"): "Documents/maya/modules",
    ("windows", "max"): "AppData/Roaming/Autodesk/ApplicationPlugins",
    ("windows", "c4d"): f"AppData/Roaming/Maxon/{C4D_FOLDER}/plugins",
    ("macos", "c4d"): f"Library/Preferences/Maxon/{C4D_FOLDER}/plugins",
}
OURS = {"maya": "RenderTally", "max": "RenderTally.bundle", "c4d": "RenderTally"}
MOD_LINE = re.compile(r"^\+ (?P<name>\S+) (?P<version>\S+) (?P<path>.+)$")


def prepare(simulate, os_name: str, host: str) -> tuple[Path, Path]:
    """A home as the host leaves it (C4D's preferences folder exists) with another vendor's plugin beside ours."""
    machine = simulate(os_name)
    home = machine.home
    if host == "c4d":
        prefs = home / ("AppData/Roaming/Maxon" if os_name == "windows" else "Library/Preferences/Maxon") / C4D_FOLDER
        (prefs / "prefs").mkdir(parents=True)
        (prefs / "prefs" / "c4d.prf").write_bytes(b"user prefs")
    root = home / LAYOUTS[(os_name, host)]
    root.mkdir(parents=True, exist_ok=True)
    other = {"maya": {"Other.mod": b"+ Other 1.0 /opt/other\n", "Other/plug-ins/other.py": b"# other\n"},
             "max": {"Other.bundle/PackageContents.xml": b"<ApplicationPackage/>"},
             "c4d": {"Other/other.pyp": b"# other\n"}}[host]
    for rel, data in other.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return home, root


def user_data(isolated: Path) -> Path:
    """The artist's settings and outbox (RENDERTALLY_HOME), which no uninstall may touch."""
    isolated.mkdir(parents=True, exist_ok=True)
    (isolated / "settings.json").write_text('{"email": "ann@example.com"}', encoding="utf-8")
    (isolated / "outbox.sqlite3").write_bytes(b"SQLite format 3\x00 rows")
    return isolated


def check_mod(root: Path, version: str) -> None:
    """The .mod is one module line `+ NAME VERSION PATH` with an absolute path to the installed module."""
    lines = [line for line in (root / "RenderTally.mod").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) == 1
    match = MOD_LINE.match(lines[0])
    assert match and match["name"] == "RenderTally" and match["version"] == version
    path = match["path"]
    assert PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute()
    assert Path(path) == root / "RenderTally"
    assert (Path(path) / "plug-ins/rendertally_maya.py").is_file() and (Path(path) / "scripts/userSetup.py").is_file()
    assert not (Path(path) / "RenderTally.mod").exists()  # Maya reads every file in a modules folder: one .mod only


def check_package_contents(bundle: Path, version: str) -> None:
    """PackageContents.xml parses and has every attribute Autodesk's package format requires."""
    root = ET.parse(bundle / "PackageContents.xml").getroot()
    assert root.tag == "ApplicationPackage"
    for attribute in ("SchemaVersion", "AutodeskProduct", "ProductType", "Name", "AppVersion", "ProductCode",
                      "UpgradeCode"):
        assert root.get(attribute), attribute
    assert root.get("AutodeskProduct") == "3ds Max" and root.get("AppVersion") == version
    assert root.find("CompanyDetails").get("Name")
    components = root.findall("Components")
    assert components
    for component in components:
        requirements = component.find("RuntimeRequirements")
        assert all(requirements.get(a) for a in ("OS", "Platform", "SeriesMin", "SeriesMax"))
        for entry in component.findall("ComponentEntry"):
            assert entry.get("AppName") and entry.get("Version") == version
            assert (bundle / entry.get("ModuleName")).is_file(), entry.get("ModuleName")


def check_installed(host: str, root: Path, version: str) -> None:
    record = json.loads((root / OURS[host] / "rendertally-install.json").read_text(encoding="utf-8"))
    assert record["host"] == host and record["version"] == version
    assert all((root / rel).is_file() for rel in record["files"])
    if host == "maya":
        check_mod(root, version)
    elif host == "max":
        check_package_contents(root / "RenderTally.bundle", version)
    else:
        assert (root / "RenderTally/rendertally.pyp").is_file()


@pytest.mark.parametrize(("os_name", "host"), sorted(LAYOUTS))
def test_install_then_uninstall_leaves_the_home_as_it_was(os_name, host, simulate, artifacts, isolated, capsys):
    """Installed where the host looks, in the documented format; uninstall restores every file listing exactly."""
    home, root = prepare(simulate, os_name, host)
    data = user_data(isolated)
    before = listing(home, data)
    code, out, err = run(capsys, "install", host, "--from", str(artifacts))
    assert code == 0, err
    assert f"0.1.0 installed in {root}" in out
    check_installed(host, root, "0.1.0")
    code, out, err = run(capsys, "uninstall", host)
    assert code == 0, err
    assert "removed" in out
    assert listing(home, data) == before


@pytest.mark.parametrize(("os_name", "host"), sorted(LAYOUTS))
def test_second_install_is_a_no_op(os_name, host, simulate, artifacts, capsys):
    """A second install says so and writes nothing."""
    home, root = prepare(simulate, os_name, host)
    assert run(capsys, "install", host, "--from", str(artifacts))[0] == 0
    stamps = {p: p.stat().st_mtime_ns for p in home.rglob("*")}
    code, out, _ = run(capsys, "install", host, "--from", str(artifacts))
    assert code == 0 and "already installed" in out and "nothing to do" in out
    assert {p: p.stat().st_mtime_ns for p in home.rglob("*")} == stamps


@pytest.mark.parametrize(("os_name", "host"), sorted(LAYOUTS))
def test_upgrade_replaces_ours_in_place(os_name, host, simulate, artifacts, newer, capsys):
    """A newer version replaces changed files, adds new ones, drops the ones it no longer has, and leaves others'."""
    home, root = prepare(simulate, os_name, host)
    assert run(capsys, "install", host, "--from", str(artifacts))[0] == 0
    others = {k: v for k, v in listing(root).items() if f"/{OURS[host]}" not in k and "RenderTally.mod" not in k}
    code, out, err = run(capsys, "install", host, "--from", str(newer))
    assert code == 0, err
    assert "0.1.0 → 0.2.0 upgraded" in out
    check_installed(host, root, "0.2.0")
    lib = root / OURS[host] / ("Contents/lib" if host == "max" else "lib")
    assert (lib / "rendertally_new_in_0_2.py").is_file() and not (lib / "idna").exists()
    assert {k: v for k, v in listing(root).items() if k in others} == others
    assert run(capsys, "uninstall", host)[0] == 0
    assert listing(root) == others


def test_uninstall_keeps_a_file_the_user_changed_and_python_caches_go(simulate, artifacts, capsys):
    """Uninstall removes __pycache__ beside our modules but keeps a file of ours a person edited."""
    home, root = prepare(simulate, "linux", "maya")
    assert run(capsys, "install", "maya", "--from", str(artifacts))[0] == 0
    cache = root / "RenderTally/lib/rendertally/core/__pycache__"
    cache.mkdir()
    (cache / "errors.cpython-311.pyc").write_bytes(b"compiled")
    edited = root / "RenderTally/scripts/userSetup.py"
    edited.write_text("# my own tweak\n", encoding="utf-8")
    code, out, _ = run(capsys, "uninstall", "maya")
    assert code == 0 and f"kept {edited}" in out
    assert not cache.exists() and edited.read_text(encoding="utf-8") == "# my own tweak\n"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        "Other", "Other.mod", "Other/plug-ins", "Other/plug-ins/other.py",
        "RenderTally", "RenderTally/scripts", "RenderTally/scripts/userSetup.py"]


def test_a_folder_of_ours_without_a_record_stops_the_install_unless_forced(simulate, artifacts, capsys):
    """A hand-copied RenderTally folder is not overwritten silently: exit 2, nothing written; --force takes it over."""
    home, root = prepare(simulate, "windows", "c4d")
    (root / "RenderTally").mkdir()
    (root / "RenderTally/rendertally.pyp").write_text("# an old hand copy\n", encoding="utf-8")
    before = listing(home)
    code, _, err = run(capsys, "install", "c4d", "--from", str(artifacts))
    assert code == 2 and "--force" in err and "rendertally.pyp" in err
    assert listing(home) == before
    assert run(capsys, "install", "c4d", "--from", str(artifacts), "--force")[0] == 0
    check_installed("c4d", root, "0.1.0")


def test_dry_run_writes_nothing(simulate, artifacts, capsys):
    """--dry-run says what it would do and leaves every file alone (install and uninstall)."""
    home, root = prepare(simulate, "windows", "max")
    before = listing(home)
    code, out, _ = run(capsys, "install", "max", "--from", str(artifacts), "--dry-run")
    assert code == 0 and "would be installed" in out
    assert listing(home) == before
    assert run(capsys, "install", "max", "--from", str(artifacts))[0] == 0
    installed = listing(home)
    code, out, _ = run(capsys, "uninstall", "max", "--dry-run")
    assert code == 0 and "would be removed" in out and listing(home) == installed


def test_an_older_version_does_not_replace_a_newer_one(simulate, artifacts, newer, capsys):
    """Installing 0.1.0 over 0.2.0 is refused with how to go back; nothing changes."""
    home, _ = prepare(simulate, "macos", "maya")
    assert run(capsys, "install", "maya", "--from", str(newer))[0] == 0
    before = listing(home)
    code, _, err = run(capsys, "install", "maya", "--from", str(artifacts))
    assert code == 2 and "newer" in err and "rendertally uninstall maya" in err
    assert listing(home) == before


def test_site_scope_uses_the_machine_wide_folders(simulate, artifacts, tmp_path, capsys):
    """Max --scope site goes to %PROGRAMDATA%\\Autodesk\\ApplicationPlugins; Maya with --dest says to set MAYA_MODULE_PATH."""
    simulate("windows")
    assert run(capsys, "install", "max", "--scope", "site", "--from", str(artifacts))[0] == 0
    check_installed("max", tmp_path / "ProgramData/Autodesk/ApplicationPlugins", "0.1.0")
    share = tmp_path / "share" / "maya-modules"
    code, out, _ = run(capsys, "install", "maya", "--scope", "site", "--dest", str(share), "--from", str(artifacts))
    assert code == 0 and f"Add {share} to MAYA_MODULE_PATH" in out
    check_mod(share, "0.1.0")


def test_two_hosts_cannot_share_one_folder(simulate, artifacts, tmp_path, capsys):
    """C4D into the folder that holds the Maya module is refused (both are called RenderTally)."""
    simulate("linux")
    dest = str(tmp_path / "share")
    assert run(capsys, "install", "maya", "--scope", "site", "--dest", dest, "--from", str(artifacts))[0] == 0
    code, _, err = run(capsys, "install", "c4d", "--scope", "site", "--dest", dest, "--from", str(artifacts))
    assert code == 2 and "holds RenderTally for maya" in err


def test_install_all_installs_the_hosts_found_and_status_shows_them(simulate, artifacts, tmp_path, isolated, capsys):
    """`install all` on a Windows workstation with Maya, Max and C4D: each installed, Blender skipped; status and uninstall all."""
    machine = simulate("windows")
    home = machine.home
    (home / "Documents/maya/2025/prefs").mkdir(parents=True)
    (tmp_path / "Program Files/Autodesk/3ds Max 2026").mkdir(parents=True)
    (home / f"AppData/Roaming/Maxon/{C4D_FOLDER}").mkdir(parents=True)
    data = user_data(isolated)
    before = listing(home, tmp_path / "ProgramData", data)
    code, out, err = run(capsys, "install", "all", "--from", str(artifacts))
    assert code == 0, err
    assert "Blender: skipped, not found" in out and out.count("0.1.0 installed") == 3
    code, out, _ = run(capsys, "status", "--json")
    report = json.loads(out)
    assert code == 0 and report["os"] == "windows"
    for host in ("maya", "max", "c4d"):
        assert report["hosts"][host]["found"], host
        (install,) = report["hosts"][host]["installs"]
        assert install["version"] == "0.1.0" and install["scope"] == "user"
    assert report["hosts"]["blender"] == {"found": [], "installs": []}
    assert run(capsys, "uninstall", "all")[0] == 0
    assert listing(home, tmp_path / "ProgramData", data) == before
    code, out, _ = run(capsys, "status")
    assert code == 0 and out.count("not installed") == 4


@pytest.mark.parametrize(("argv", "message"), [
    (["install", "maya", "--versions", "2019"], "Maya 2019 is not supported"),
    (["install", "maya", "--versions", "25"], "--versions: 25 is not a year"),
    (["install", "max", "--versions", "2025"], "--versions applies to Maya and Cinema 4D only"),
    (["install", "c4d"], "start Cinema 4D once"),
    (["install", "blender", "--scope", "site"], "pass --dest DIR"),
])
def test_bad_input_is_named_and_nothing_is_written(argv, message, simulate, artifacts, capsys):
    """Each bad flag or missing host gives exit 2 with what to do, and the home stays as it was."""
    machine = simulate("macos")
    before = listing(machine.home)
    code, _, err = run(capsys, *argv, "--from", str(artifacts))
    assert code == 2 and message in err
    assert listing(machine.home) == before


def test_missing_artifacts_name_the_build_command(simulate, tmp_path, capsys):
    """An artifacts folder without the host's artifact says which `rendertally build` to run."""
    simulate("linux")
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "install", "maya", "--from", str(empty))
    assert code == 2 and f"rendertally build all --out {empty}" in err
    code, _, err = run(capsys, "install", "maya", "--from", str(tmp_path / "nowhere"))
    assert code == 2 and "is not a folder" in err


def test_unwritable_destination_is_a_clear_error(simulate, artifacts, tmp_path, capsys):
    """A destination that cannot be created (a file in the way) gives exit 2 naming it; --dest FILE is refused up front."""
    simulate("linux")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    code, _, err = run(capsys, "install", "maya", "--scope", "site", "--dest", str(blocker / "modules"),
                       "--from", str(artifacts))
    assert code == 2 and "Cannot write to" in err and str(blocker) in err
    code, _, err = run(capsys, "install", "maya", "--scope", "site", "--dest", str(blocker), "--from", str(artifacts))
    assert code == 2 and "is a file" in err
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder"


def test_install_without_from_builds_what_it_needs_first(simulate, capsys):
    """`rendertally install maya` with no artifacts folder builds the module into a temporary folder and installs it."""
    machine = simulate("linux")
    code, out, err = run(capsys, "install", "maya")
    assert code == 0, err
    check_installed("maya", machine.home / "maya/modules", "0.1.0")
    assert run(capsys, "uninstall", "maya")[0] == 0
    assert list(machine.home.iterdir()) == []


def test_uninstall_leaves_a_hand_copied_folder_alone(simulate, capsys):
    """A RenderTally folder without an install record is named and left as it is."""
    home, root = prepare(simulate, "windows", "c4d")
    (root / "RenderTally").mkdir()
    (root / "RenderTally/rendertally.pyp").write_text("# a hand copy\n", encoding="utf-8")
    before = listing(home)
    code, out, _ = run(capsys, "uninstall", "c4d")
    assert code == 0 and "has no install record" in out and "nothing to do" in out
    assert listing(home) == before
