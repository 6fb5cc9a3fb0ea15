"""Per-OS install locations: a pure function of (OS, environment, home)."""
from __future__ import annotations

from pathlib import Path

import pytest
from rendertally.core.errors import ConfigurationError
from rendertally.installers import locations
from rendertally.installers.locations import Machine

HOME = Path("/home/ann")


def test_maya_user_modules_follow_each_os_default_and_maya_app_dir():
    """Maya's user modules folder is ~/maya, ~/Library/Preferences/Autodesk/maya or Documents\\maya, unless MAYA_APP_DIR."""
    assert locations.maya_modules(Machine("linux", {}, HOME), "user") == [HOME / "maya/modules"]
    assert locations.maya_modules(Machine("macos", {}, HOME), "user") == [
        HOME / "Library/Preferences/Autodesk/maya/modules"]
    win = Machine("windows", {"USERPROFILE": "/users/ann"}, HOME)
    assert locations.maya_modules(win, "user") == [Path("/users/ann/Documents/maya/modules")]
    custom = Machine("linux", {"MAYA_APP_DIR": "/pipe/maya"}, HOME)
    assert locations.maya_modules(custom, "user", ("2025", "2026")) == [
        Path("/pipe/maya/2025/modules"), Path("/pipe/maya/2026/modules")]


def test_maya_site_modules_are_on_mayas_default_module_path():
    """Site installs go to Maya's machine-wide modules folder of each OS (per version with --versions)."""
    assert locations.maya_modules(Machine("linux", {}, HOME), "site") == [Path("/usr/autodesk/modules/maya")]
    assert locations.maya_modules(Machine("macos", {}, HOME), "site", ("2025",)) == [
        Path("/Users/Shared/Autodesk/modules/maya/2025")]
    win = Machine("windows", {"COMMONPROGRAMFILES": "C:/Program Files/Common Files"}, HOME)
    assert locations.maya_modules(win, "site") == [Path("C:/Program Files/Common Files/Autodesk Shared/Modules/maya")]


def test_unsupported_maya_version_is_refused():
    """--versions 2019 names the versions RenderTally serves."""
    with pytest.raises(ConfigurationError, match="2023–2027"):
        locations.maya_modules(Machine("linux", {}, HOME), "user", ("2019",))


def test_max_application_plugins_per_scope_and_windows_only():
    """Max installs into %APPDATA% or %PROGRAMDATA%\\Autodesk\\ApplicationPlugins; elsewhere it says Windows only."""
    win = Machine("windows", {"APPDATA": "/w/roam", "PROGRAMDATA": "/w/pd"}, HOME)
    assert locations.max_plugins(win, "user") == Path("/w/roam/Autodesk/ApplicationPlugins")
    assert locations.max_plugins(win, "site") == Path("/w/pd/Autodesk/ApplicationPlugins")
    for os_name in ("linux", "macos"):
        with pytest.raises(ConfigurationError, match="Windows only"):
            locations.max_plugins(Machine(os_name, {}, HOME), "user")


def test_c4d_finds_existing_version_folders_and_skips_others(tmp_path):
    """C4D's per-install folders are found (main and Commandline); c4dpy, old and foreign folders are not."""
    maxon = tmp_path / "AppData/Roaming/Maxon"
    for name in ("Maxon Cinema 4D 2025_1A2B3C4D", "Maxon Cinema 4D 2025_1A2B3C4D_c", "Maxon Cinema 4D 2026_9F8E7D6C",
                 "Maxon Cinema 4D 2025_1A2B3C4D_x", "Maxon Cinema 4D R25_64C2B3BD", "Maxon Cinema 4D 2019_ABCDEF12",
                 "Redshift"):
        (maxon / name).mkdir(parents=True)
    machine = Machine("windows", {"APPDATA": str(tmp_path / "AppData/Roaming")}, tmp_path)
    found = {(f.year, f.path.name, f.commandline) for f in locations.c4d_folders(machine)}
    assert found == {("2025", "Maxon Cinema 4D 2025_1A2B3C4D", False), ("2025", "Maxon Cinema 4D 2025_1A2B3C4D_c", True),
                     ("2026", "Maxon Cinema 4D 2026_9F8E7D6C", False)}
    assert locations.c4d_plugins(machine, ("2026",)) == [maxon / "Maxon Cinema 4D 2026_9F8E7D6C/plugins"]
    assert len(locations.c4d_plugins(machine)) == 3


def test_c4d_versions_not_found_or_unsupported_say_what_to_do(tmp_path):
    """A version with no preferences folder names the found ones; 2019 is refused; no folder at all says start C4D."""
    machine = Machine("macos", {}, tmp_path)
    with pytest.raises(ConfigurationError, match="start Cinema 4D once"):
        locations.c4d_plugins(machine)
    (tmp_path / "Library/Preferences/Maxon/Maxon Cinema 4D 2025_AAAAAAAA").mkdir(parents=True)
    assert locations.c4d_plugins(machine) == [
        tmp_path / "Library/Preferences/Maxon/Maxon Cinema 4D 2025_AAAAAAAA/plugins"]
    with pytest.raises(ConfigurationError, match=r"No Cinema 4D 2026 .*found: 2025"):
        locations.c4d_plugins(machine, ("2026",))
    with pytest.raises(ConfigurationError, match="not supported"):
        locations.c4d_plugins(machine, ("2019",))
    with pytest.raises(ConfigurationError, match="Commandline only"):
        locations.c4d_plugins(Machine("linux", {}, tmp_path))


def test_blender_extension_folders_per_os_and_overrides():
    """Blender's user_default repository follows each OS's config folder, BLENDER_USER_RESOURCES and _EXTENSIONS."""
    assert locations.blender_extensions(Machine("linux", {}, HOME), "5.0") == [
        HOME / ".config/blender/5.0/extensions/user_default"]
    assert locations.blender_extensions(Machine("macos", {}, HOME), "4.2") == [
        HOME / "Library/Application Support/Blender/4.2/extensions/user_default"]
    assert locations.blender_extensions(Machine("windows", {"APPDATA": "/r"}, HOME), "4.5") == [
        Path("/r/Blender Foundation/Blender/4.5/extensions/user_default")]
    assert locations.blender_extensions(Machine("linux", {"BLENDER_USER_RESOURCES": "/b"}, HOME), "5.0") == [
        Path("/b/extensions/user_default")]
    assert locations.blender_extensions(Machine("linux", {"BLENDER_USER_EXTENSIONS": "/e"}, HOME), "5.0") == [
        Path("/e/user_default")]
