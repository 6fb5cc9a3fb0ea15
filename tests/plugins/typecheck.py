"""basedpyright over one host adapter, laid out as the installed ``rendertally`` namespace.

Shared by the Maya, 3ds Max and Cinema 4D type-check tests: each passes its host, its stubs (our
own for pymxs and c4d; None where the stubs come from PyPI, as types-maya-strict does) and,
to prove the check can fail, an extra file with a deliberate mistake.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def check(host: str, tmp_path: Path, *, stubs: Path | None = None, extra: Path | None = None) -> dict:
    """basedpyright's JSON report for ``plugins/<host>`` (plus ``extra``, copied in beside it)."""
    src = tmp_path / "src" / "rendertally"
    src.mkdir(parents=True)
    for name in ("core", "ui"):
        (src / name).symlink_to(ROOT / name, target_is_directory=True)
    plugins = src / "plugins"
    plugins.mkdir()
    shutil.copy(ROOT / "plugins" / "__init__.py", plugins / "__init__.py")
    shutil.copytree(ROOT / "plugins" / host, plugins / host, ignore=shutil.ignore_patterns("__pycache__"))
    if extra is not None:
        shutil.copy(extra, plugins / host / extra.name)
    config = {"include": [f"src/rendertally/plugins/{host}"], "extraPaths": ["src"], "pythonVersion": "3.9",
              "typeCheckingMode": "standard", "reportMissingModuleSource": "none",
              **({"stubPath": str(stubs)} if stubs is not None else {})}
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config))
    tool = Path(sys.executable).with_name("basedpyright")
    done = subprocess.run([str(tool), "-p", str(tmp_path / "pyrightconfig.json"), "--pythonpath", sys.executable,
                           "--outputjson"], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    return json.loads(done.stdout)


def errors(result: dict) -> list[dict]:
    return [d for d in result["generalDiagnostics"] if d["severity"] == "error"]
