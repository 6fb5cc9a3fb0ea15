"""plugins/c4d type-checks with basedpyright against our own c4d stub; a wrong call is caught."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WRONG = Path(__file__).with_name("typecheck") / "wrong_call.py"


def check(tmp_path: Path, extra: Path | None = None) -> dict:
    """basedpyright over rendertally/plugins/c4d laid out as the installed namespace, stubs/c4d as stubs."""
    src = tmp_path / "src" / "rendertally"
    src.mkdir(parents=True)
    for name in ("core", "ui"):
        (src / name).symlink_to(ROOT / name, target_is_directory=True)
    plugins = src / "plugins"
    plugins.mkdir()
    shutil.copy(ROOT / "plugins" / "__init__.py", plugins / "__init__.py")
    shutil.copytree(ROOT / "plugins" / "c4d", plugins / "c4d", ignore=shutil.ignore_patterns("__pycache__"))
    if extra is not None:
        shutil.copy(extra, plugins / "c4d" / extra.name)
    config = {"include": ["src/rendertally/plugins/c4d"], "extraPaths": ["src"], "stubPath": str(ROOT / "stubs" / "c4d"),
              "pythonVersion": "3.9", "typeCheckingMode": "standard", "reportMissingModuleSource": "none"}
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config))
    tool = Path(sys.executable).with_name("basedpyright")
    done = subprocess.run([str(tool), "-p", str(tmp_path / "pyrightconfig.json"), "--pythonpath", sys.executable,
                           "--outputjson"], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    return json.loads(done.stdout)


def errors(result: dict) -> list[dict]:
    return [d for d in result["generalDiagnostics"] if d["severity"] == "error"]


def test_the_adapter_type_checks_against_the_c4d_stub(tmp_path: Path) -> None:
    """basedpyright finds no error in plugins/c4d against stubs/c4d."""
    result = check(tmp_path)
    assert result["summary"]["filesAnalyzed"] >= 6
    assert errors(result) == []


def test_a_wrong_call_fails_the_check(tmp_path: Path) -> None:
    """`CheckIsRunning("external")` (a string, not a CHECKISRUNNING constant) is reported."""
    found = errors(check(tmp_path, WRONG))
    assert [Path(d["file"]).name for d in found] == ["wrong_call.py"]
