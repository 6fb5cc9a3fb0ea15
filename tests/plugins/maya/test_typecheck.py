"""plugins/maya type-checks against types-maya-strict with basedpyright; a wrong flag is caught."""
from __future__ import annotations

import sys
from pathlib import Path

from ..typecheck import check, errors

WRONG = Path(__file__).with_name("typecheck") / "wrong_flag.py"


def _check(tmp_path: Path, extra: Path | None = None) -> dict:
    return check("maya", tmp_path, extra=extra)  # types-maya-strict, installed from PyPI, are the stubs


def test_stubs_are_installed() -> None:
    """types-maya-strict provides maya-stubs with cmds and api.OpenMaya."""
    found = [Path(p) for p in sys.path if (Path(p) / "maya-stubs" / "cmds" / "__init__.pyi").is_file()]
    assert found, "types-maya-strict is not installed"
    assert (found[0] / "maya-stubs" / "api" / "OpenMaya.pyi").is_file()


def test_adapter_type_checks(tmp_path: Path) -> None:
    """basedpyright finds no error in plugins/maya against the Maya stubs."""
    result = _check(tmp_path)
    found = errors(result)
    assert result["summary"]["filesAnalyzed"] >= 8
    assert found == []


def test_a_wrong_flag_fails_the_check(tmp_path: Path) -> None:
    """The same check reports `cmds.ls(typ=...)`: flags really are checked against the stubs."""
    result = _check(tmp_path, WRONG)
    found = errors(result)
    assert [(Path(d["file"]).name, d["rule"]) for d in found] == [("wrong_flag.py", "reportCallIssue")]
    assert "typ" in found[0]["message"]
