"""plugins/c4d type-checks with basedpyright against our own c4d stub; a wrong call is caught."""
from __future__ import annotations

from pathlib import Path

from ..typecheck import ROOT, errors
from ..typecheck import check as typecheck

WRONG = Path(__file__).with_name("typecheck") / "wrong_call.py"
STUBS = ROOT / "stubs" / "c4d"


def check(tmp_path: Path, extra: Path | None = None) -> dict:
    return typecheck("c4d", tmp_path, stubs=STUBS, extra=extra)


def test_the_adapter_type_checks_against_the_c4d_stub(tmp_path: Path) -> None:
    """basedpyright finds no error in plugins/c4d against stubs/c4d."""
    result = check(tmp_path)
    assert result["summary"]["filesAnalyzed"] >= 6
    assert errors(result) == []


def test_a_wrong_call_fails_the_check(tmp_path: Path) -> None:
    """`CheckIsRunning("external")` (a string, not a CHECKISRUNNING constant) is reported."""
    found = errors(check(tmp_path, WRONG))
    assert [Path(d["file"]).name for d in found] == ["wrong_call.py"]
