"""`rendertally build all`: every host's artifact and a studio folder, the same bytes every time."""
from __future__ import annotations

from pathlib import Path

from rendertally.core import settings
from rendertally.core.cli import main


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_all_writes_every_host_and_a_studio_folder_reproducibly(tmp_path, capsys, monkeypatch):
    """Two builds give identical trees with each host's artifact and a usable sample site config."""
    assert main(["build", "all", "--out", str(tmp_path / "a")]) == 0
    assert main(["build", "all", "--out", str(tmp_path / "b")]) == 0
    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert first == second
    names = set(first)
    assert any(n.startswith("blender/") and n.endswith(".zip") for n in names)
    assert "maya/RenderTally/RenderTally.mod" in names
    assert "max/RenderTally.bundle/PackageContents.xml" in names
    assert "c4d/RenderTally/rendertally.pyp" in names
    assert {"studio/README.md", "studio/site-config.sample.json", "studio/rendertally-install.pyz"} <= names
    monkeypatch.setenv("RENDERTALLY_SITE_CONFIG", str(tmp_path / "a" / "studio" / "site-config.sample.json"))
    loaded = settings.load()
    assert loaded.problems == () and "id" in loaded.fixed and "email" not in loaded.fixed
    assert str(tmp_path / "a" / "studio" / "README.md") in capsys.readouterr().out
