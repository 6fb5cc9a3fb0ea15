"""Where each host looks for plugins, per operating system: a pure function of (OS, environment, home).

Nothing here reads the running machine except through :class:`Machine`, so a test simulates
Windows, macOS or Linux by handing in a temp home and an environment. Only stdlib is imported:
the installer runs under any host's Python (``mayapy``, Max's or C4D's), see docs/studio.md.

Sources (looked up; where a default could not be confirmed it says so):

- Maya: ``MAYA_APP_DIR`` defaults to ``~/maya`` (Linux), ``~/Library/Preferences/Autodesk/maya``
  (macOS), ``%USERPROFILE%\\Documents\\maya`` (Windows) — Autodesk "File path variables";
  Maya reads every file in a ``MAYA_MODULE_PATH`` folder as a module file, "regardless of
  extension" — "Maya module paths, folders and versions". The default module path holds
  ``MAYA_APP_DIR/modules``, ``MAYA_APP_DIR/<version>/modules`` and the machine-wide
  ``…/Autodesk Shared/Modules/maya`` (Windows), ``/Users/Shared/Autodesk/modules/maya`` (macOS),
  ``/usr/autodesk/modules/maya`` (Linux), each also with ``/<version>``.
- 3ds Max (Windows only): ``%APPDATA%\\Autodesk\\ApplicationPlugins`` (one user),
  ``%PROGRAMDATA%\\Autodesk\\ApplicationPlugins`` (every user) — Autodesk "Packaging plug-ins".
- Cinema 4D: ``%APPDATA%\\Maxon\\Maxon Cinema 4D 2026_12345678\\plugins`` (Windows),
  ``~/Library/Preferences/Maxon/Maxon Cinema 4D 2026_12345678/plugins`` (macOS); "the trailing
  string is a per-install identifier that Cinema 4D generates" (Maxon support, "Where are my
  custom layouts, assets, plugins … stored"), so we find existing folders and never invent one.
  Folders with a further suffix (Commandline ``_c``, c4dpy ``_x`` — from forum posts, unconfirmed)
  are matched only for ``_c``. Cinema 4D on Linux is Commandline only: site installs only.
- Blender: the user resources are ``$XDG_CONFIG_HOME/blender/<major.minor>`` (Linux, default
  ``~/.config``), ``~/Library/Application Support/Blender/<v>`` (macOS),
  ``%APPDATA%\\Blender Foundation\\Blender\\<v>`` (Windows); ``BLENDER_USER_RESOURCES`` replaces
  the whole folder, ``BLENDER_USER_EXTENSIONS`` the extensions folder (Blender's ``--help``).
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rendertally.core.errors import ConfigurationError

OSES = ("windows", "macos", "linux")
MAYA_VERSIONS = tuple(str(year) for year in range(2023, 2028))
C4D_VERSIONS = tuple(str(year) for year in range(2023, 2027))
C4D_FOLDER = re.compile(r"^Maxon Cinema 4D (?P<year>20\d\d)_(?P<id>[0-9A-Za-z]{8})(?P<kind>_c)?$")
BLENDER_VERSION_FOLDER = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True)
class Machine:
    """The three inputs every location depends on."""

    os: str  # windows | macos | linux
    env: Mapping[str, str] = field(default_factory=dict)
    home: Path = Path("~")

    @classmethod
    def current(cls) -> Machine:
        name = "windows" if os.name == "nt" else "macos" if sys.platform == "darwin" else "linux"
        return cls(name, dict(os.environ), Path.home())

    def var(self, name: str, default: Path) -> Path:
        value = self.env.get(name, "").strip()
        return Path(value) if value else default

    def appdata(self) -> Path:
        return self.var("APPDATA", self.home / "AppData" / "Roaming")


@dataclass(frozen=True)
class C4DFolder:
    """One Cinema 4D preferences folder: its year, and whether it belongs to Commandline."""

    year: str
    path: Path
    commandline: bool

    @property
    def plugins(self) -> Path:
        return self.path / "plugins"


# -- Maya ------------------------------------------------------------------------------------------
def maya_app_dir(machine: Machine) -> Path:
    defaults = {"windows": machine.var("USERPROFILE", machine.home) / "Documents" / "maya",
                "macos": machine.home / "Library" / "Preferences" / "Autodesk" / "maya",
                "linux": machine.home / "maya"}
    return machine.var("MAYA_APP_DIR", defaults[machine.os])


def maya_site_dir(machine: Machine) -> Path:
    """The machine-wide modules folder on Maya's default module path (no MAYA_MODULE_PATH edit needed)."""
    if machine.os == "windows":
        common = machine.var("COMMONPROGRAMFILES", Path("C:/Program Files/Common Files"))
        return common / "Autodesk Shared" / "Modules" / "maya"
    if machine.os == "macos":
        return Path("/Users/Shared/Autodesk/modules/maya")
    return Path("/usr/autodesk/modules/maya")


def maya_modules(machine: Machine, scope: str, versions: tuple[str, ...] = ()) -> list[Path]:
    """The modules folder(s) for ``scope``; with versions, the per-version ones Maya also reads."""
    for version in versions:
        if version not in MAYA_VERSIONS:
            raise ConfigurationError(f"Maya {version} is not supported (RenderTally serves Maya "
                                     f"{MAYA_VERSIONS[0]}–{MAYA_VERSIONS[-1]})")
    if scope == "user":
        base = maya_app_dir(machine)
        return [base / v / "modules" for v in versions] or [base / "modules"]
    base = maya_site_dir(machine)
    return [base / v for v in versions] or [base]


def maya_found(machine: Machine) -> list[str]:
    """Signs of Maya: MAYA_LOCATION, a version's prefs folder (Maya writes it at first start), an install."""
    signs = [f"MAYA_LOCATION={machine.env['MAYA_LOCATION']}"] if machine.env.get("MAYA_LOCATION") else []
    app = maya_app_dir(machine)
    signs += [f"Maya {p.parent.name} preferences: {p.parent}" for p in _glob(app, "20*/prefs") if p.is_dir()]
    installs = {"windows": (machine.var("PROGRAMFILES", Path("C:/Program Files")) / "Autodesk", "Maya20*"),
                "macos": (Path("/Applications/Autodesk"), "maya20*"), "linux": (Path("/usr/autodesk"), "maya20*")}
    root, pattern = installs[machine.os]
    return signs + [str(p) for p in _glob(root, pattern)]


# -- 3ds Max ---------------------------------------------------------------------------------------
def max_plugins(machine: Machine, scope: str) -> Path:
    if machine.os != "windows":
        raise ConfigurationError("3ds Max runs on Windows only; to stage the bundle for Windows machines, "
                                 "pass --dest DIR (e.g. a share copied to %PROGRAMDATA%\\Autodesk\\ApplicationPlugins)")
    if scope == "user":
        return machine.appdata() / "Autodesk" / "ApplicationPlugins"
    return machine.var("PROGRAMDATA", Path("C:/ProgramData")) / "Autodesk" / "ApplicationPlugins"


def max_found(machine: Machine) -> list[Path]:
    if machine.os != "windows":
        return []
    programs = machine.var("PROGRAMFILES", Path("C:/Program Files")) / "Autodesk"
    local = machine.var("LOCALAPPDATA", machine.home / "AppData" / "Local") / "Autodesk" / "3dsMax"
    return [*_glob(programs, "3ds Max 20*"), *([local] if local.is_dir() else [])]


# -- Cinema 4D -------------------------------------------------------------------------------------
def c4d_prefs_root(machine: Machine) -> Path | None:
    if machine.os == "windows":
        return machine.appdata() / "Maxon"
    if machine.os == "macos":
        return machine.home / "Library" / "Preferences" / "Maxon"
    return None


def c4d_folders(machine: Machine) -> list[C4DFolder]:
    """Every Cinema 4D 2023+ preferences folder that exists (Cinema 4D creates it on first start)."""
    root = c4d_prefs_root(machine)
    found = []
    for path in _glob(root, "Maxon Cinema 4D *") if root else []:
        match = C4D_FOLDER.match(path.name)
        if match and match["year"] in C4D_VERSIONS and path.is_dir():
            found.append(C4DFolder(match["year"], path, bool(match["kind"])))
    return found


def c4d_plugins(machine: Machine, versions: tuple[str, ...] = ()) -> list[Path]:
    """The user plugins folders of the found Cinema 4D versions (``versions`` selects)."""
    root = c4d_prefs_root(machine)
    if root is None:
        raise ConfigurationError("Cinema 4D on Linux is Commandline only and has no user preferences folder "
                                 "we install into; use --scope site --dest DIR and add DIR to g_additionalModulePath")
    for version in versions:
        if version not in C4D_VERSIONS:
            raise ConfigurationError(f"Cinema 4D {version} is not supported (RenderTally serves "
                                     f"{C4D_VERSIONS[0]}–{C4D_VERSIONS[-1]})")
    folders = c4d_folders(machine)
    years = sorted({f.year for f in folders})
    if not folders:
        raise ConfigurationError(f"No Cinema 4D preferences folder found in {root}; start Cinema 4D once "
                                 "(it creates the folder), or use --scope site --dest DIR")
    missing = [v for v in versions if v not in years]
    if missing:
        raise ConfigurationError(f"No Cinema 4D {', '.join(missing)} preferences folder in {root} "
                                 f"(found: {', '.join(years)}); start that version once, or pick from the found ones")
    return [f.plugins for f in folders if not versions or f.year in versions]


# -- Blender ---------------------------------------------------------------------------------------
def blender_config_base(machine: Machine) -> Path:
    """The folder that holds one ``<major.minor>`` folder per Blender version."""
    if machine.os == "windows":
        return machine.appdata() / "Blender Foundation" / "Blender"
    if machine.os == "macos":
        return machine.home / "Library" / "Application Support" / "Blender"
    return machine.var("XDG_CONFIG_HOME", machine.home / ".config") / "blender"


def blender_extensions(machine: Machine, version: str | None) -> list[Path]:
    """``user_default`` extension folders: of ``version`` (e.g. "5.0"), or of every version found."""
    if machine.env.get("BLENDER_USER_EXTENSIONS"):
        return [Path(machine.env["BLENDER_USER_EXTENSIONS"]) / "user_default"]
    if machine.env.get("BLENDER_USER_RESOURCES"):
        return [Path(machine.env["BLENDER_USER_RESOURCES"]) / "extensions" / "user_default"]
    base = blender_config_base(machine)
    if version:
        return [base / version / "extensions" / "user_default"]
    return [p / "extensions" / "user_default" for p in _glob(base, "*") if BLENDER_VERSION_FOLDER.match(p.name)]


def blender_binaries(machine: Machine) -> list[Path]:
    """Blender executables: ``RENDERTALLY_BLENDER``, then PATH, then the usual install places."""
    found: list[Path] = []
    configured = machine.env.get("RENDERTALLY_BLENDER", "").strip()
    if configured:
        return [Path(configured)]
    on_path = shutil.which("blender", path=machine.env.get("PATH", ""))
    if on_path:
        found.append(Path(on_path))
    if machine.os == "windows":
        programs = machine.var("PROGRAMFILES", Path("C:/Program Files")) / "Blender Foundation"
        found += [p / "blender.exe" for p in reversed(_glob(programs, "Blender *")) if (p / "blender.exe").is_file()]
    elif machine.os == "macos":
        app = Path("/Applications/Blender.app/Contents/MacOS/Blender")
        found += [app] if app.is_file() else []
    return found


def _glob(root: Path, pattern: str) -> list[Path]:
    try:
        return sorted(root.glob(pattern)) if root.is_dir() else []
    except OSError:
        return []
