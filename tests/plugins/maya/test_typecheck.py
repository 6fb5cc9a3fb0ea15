"""plugins/maya type-checks against types-maya-strict with basedpyright; a wrong flag is caught."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
WRONG = Path(__file__).with_name("typecheck") / "wrong_flag.py"


def _check(tmp_path: Path, extra: Path | None = None) -> dict:
    """Run basedpyright over rendertally/plugins/maya laid out as the installed namespace."""
    src = tmp_path / "src" / "rendertally"
    src.mkdir(parents=True)
    for name in ("core", "ui"):
        (src / name).symlink_to(ROOT / name, target_is_directory=True)
    plugins = src / "plugins"
    plugins.mkdir()
    shutil.copy(ROOT / "plugins" / "__init__.py", plugins / "__init__.py")
    shutil.copytree(ROOT / "plugins" / "maya", plugins / "maya", ignore=shutil.ignore_patterns("__pycache__"))
    if extra is not None:
        shutil.copy(extra, plugins / "maya" / extra.name)
    config = {"include": ["src/rendertally/plugins/maya"], "extraPaths": ["src"], "pythonVersion": "3.9",
              "typeCheckingMode": "standard", "reportMissingModuleSource": "none"}
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config))
    tool = Path(sys.executable).with_name("basedpyright")
    if not tool.exists():
        pytest.skip("basedpyright is not installed in this environment (pip install -e '.[test]')")
    done = subprocess.run([str(tool), "-p", str(tmp_path / "pyrightconfig.json"), "--pythonpath", sys.executable,
                           "--outputjson"], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    return json.loads(done.stdout)


def test_stubs_are_installed() -> None:
    """types-maya-strict provides maya-stubs with cmds and api.OpenMaya."""
    found = [Path(p) for p in sys.path if (Path(p) / "maya-stubs" / "cmds" / "__init__.pyi").is_file()]
    assert found, "types-maya-strict is not installed"
    assert (found[0] / "maya-stubs" / "api" / "OpenMaya.pyi").is_file()


def test_adapter_type_checks(tmp_path: Path) -> None:
    """basedpyright finds no error in plugins/maya against the Maya stubs."""
    result = _check(tmp_path)
    errors = [d for d in result["generalDiagnostics"] if d["severity"] == "error"]
    assert result["summary"]["filesAnalyzed"] >= 8
    assert errors == []


def test_a_wrong_flag_fails_the_check(tmp_path: Path) -> None:
    """The same check reports `cmds.ls(typ=...)`: flags really are checked against the stubs."""
    result = _check(tmp_path, WRONG)
    errors = [d for d in result["generalDiagnostics"] if d["severity"] == "error"]
    assert [(Path(d["file"]).name, d["rule"]) for d in errors] == [("wrong_flag.py", "reportCallIssue")]
    assert "typ" in errors[0]["message"]
