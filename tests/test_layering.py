"""House rules of the layout: who may import what, and one import namespace."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT = {"PySide6", "PySide2", "shiboken6", "shiboken2", "PyQt5", "PyQt6"}
HOSTS = {"blender": {"bpy", "bmesh", "mathutils", "bl_ui", "addon_utils"},
         "maya": {"maya", "pymel"}, "max": {"pymxs", "MaxPlus", "qtmax"}, "c4d": {"c4d"}}
ALL_HOSTS = set().union(*HOSTS.values())


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module imported anywhere in ``path`` (lazy imports included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_only_the_client_imports_requests():
    """requests (and urllib3) appear in core/client.py and nowhere else we ship."""
    users = {p.relative_to(ROOT).as_posix() for folder in ("core", "ui", "plugins", "installers")
             for p in sources(folder) if imported_modules(p) & {"requests", "urllib3"}}
    assert users == {"core/client.py"}


def test_only_ui_imports_qt():
    """Qt is imported in ui/ only."""
    offenders = [p for folder in ("core", "plugins", "installers") for p in sources(folder)
                 if imported_modules(p) & QT]
    assert offenders == []


def test_core_and_ui_import_no_host_module():
    """core and ui are host-free."""
    offenders = [p for folder in ("core", "ui", "installers") for p in sources(folder)
                 if imported_modules(p) & ALL_HOSTS]
    assert offenders == []


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_each_plugin_imports_only_its_own_host(host):
    """plugins/<host> imports neither another host's modules nor Qt directly."""
    foreign = (ALL_HOSTS - HOSTS[host]) | QT
    offenders = [p for p in sources(f"plugins/{host}") if imported_modules(p) & foreign]
    assert offenders == []


BLOCKER = """
import importlib, importlib.abc, pkgutil, sys
BLOCKED = {blocked!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED or any(name.startswith(b + ".") or name == b for b in BLOCKED):
            raise ImportError(f"{{name}} is blocked for this package")
sys.meta_path.insert(0, Block())
package = importlib.import_module({package!r})
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
print("ok")
"""


@pytest.mark.parametrize(("package", "blocked"), [
    ("rendertally.core", QT | ALL_HOSTS | {"rendertally.ui", "rendertally.plugins"}),
    ("rendertally.installers", QT | ALL_HOSTS | {"rendertally.ui"}),
])
def test_package_imports_with_the_others_blocked(package, blocked):
    """Every module of the package imports in a process where the others' modules cannot."""
    code = BLOCKER.format(blocked=sorted(blocked), package=package)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr


def test_ui_package_imports_without_hosts():
    """The ui package imports where no host module exists."""
    code = BLOCKER.format(blocked=sorted(ALL_HOSTS | {"rendertally.plugins"}), package="rendertally.ui")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr


def test_no_generic_top_level_package_is_shipped():
    """Installed, everything lives under `rendertally.`: no top-level `core` or `ui`."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert all(name.startswith("rendertally.") for name in config["packages"])
    assert all(name.startswith("rendertally.") for name in config["package-dir"])
