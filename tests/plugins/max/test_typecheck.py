"""plugins/max type-checks with basedpyright against our own pymxs stub; a misspelt event is caught."""
from __future__ import annotations

from pathlib import Path

from ..typecheck import ROOT, errors
from ..typecheck import check as typecheck

WRONG = Path(__file__).with_name("typecheck") / "wrong_event.py"
STUBS = ROOT / "stubs" / "max"


def check(tmp_path: Path, extra: Path | None = None) -> dict:
    return typecheck("max", tmp_path, stubs=STUBS, extra=extra)


def test_the_adapter_type_checks_against_the_pymxs_stub(tmp_path: Path) -> None:
    """basedpyright finds no error in plugins/max against stubs/max (pymxs, qtmax)."""
    result = check(tmp_path)
    assert result["summary"]["filesAnalyzed"] >= 6
    assert errors(result) == []


def test_a_misspelt_notification_fails_the_check(tmp_path: Path) -> None:
    """`#postRenderFrames` is not in Autodesk's notification table: the check reports it."""
    found = errors(check(tmp_path, WRONG))
    assert [Path(d["file"]).name for d in found] == ["wrong_event.py"]
