"""The Maya module artifact: layout, .mod, the plug-in file, the private lib, reproducible builds."""
from __future__ import annotations

import zipfile
from pathlib import Path

from rendertally.core import __version__
from rendertally.core.cli import main
from rendertally.installers import maya as installer


def test_layout(built_module: tuple[Path, Path]) -> None:
    """The folder has RenderTally.mod, the plug-in, userSetup.py and lib/ with our packages and requests."""
    folder, archive = built_module
    assert folder.name == "RenderTally" and archive.name == f"RenderTally-maya-{__version__}.zip"
    assert (folder / "RenderTally.mod").read_text() == f"+ RenderTally {__version__} .\n"
    for name in ("plug-ins/rendertally_maya.py", "scripts/userSetup.py", "lib/rendertally/plugins/maya/hooks.py",
                 "lib/rendertally/core/session.py", "lib/requests/__init__.py", "lib/platformdirs/__init__.py"):
        assert (folder / name).is_file(), name
    assert not (folder / "lib" / "rendertally" / "__init__.py").exists()  # one namespace
    assert not any(p.suffix in (".so", ".pyd", ".pyc") for p in folder.rglob("*"))


def test_plugin_file_is_a_few_lines_of_api_2(built_module: tuple[Path, Path]) -> None:
    """The plug-in declares maya_useNewAPI, initializePlugin/uninitializePlugin, the version, under 40 lines."""
    text = (built_module[0] / "plug-ins" / "rendertally_maya.py").read_text()
    assert "maya_useNewAPI = True" in text
    assert "def initializePlugin(" in text and "def uninitializePlugin(" in text
    assert f'"RenderTally", "{__version__}"' in text
    assert len(text.splitlines()) < 40
    assert "sys.path.append(lib)" in text  # appended: the host's own packages win


def test_zip_matches_folder_and_is_reproducible(built_module: tuple[Path, Path], tmp_path: Path) -> None:
    """The zip holds the folder's files under RenderTally/; a second build gives the same bytes."""
    folder, archive = built_module
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
    assert names == {f"RenderTally/{p.relative_to(folder).as_posix()}" for p in folder.rglob("*") if p.is_file()}
    again = installer.build(tmp_path)
    assert again[1].read_bytes() == archive.read_bytes()


def test_install_mod_writes_the_absolute_path(built_module: tuple[Path, Path], tmp_path: Path) -> None:
    """install_mod puts a .mod with the module's absolute path into a modules folder."""
    target = installer.install_mod(built_module[0], tmp_path / "modules")
    assert target.read_text() == f"+ RenderTally {__version__} {built_module[0].resolve().as_posix()}\n"


def test_cli_builds_it(tmp_path: Path, capsys) -> None:
    """`rendertally build maya --out DIR` returns 0 and prints the folder and the zip."""
    assert main(["build", "maya", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.split()
    assert out == [str(tmp_path / "RenderTally"), str(tmp_path / f"RenderTally-maya-{__version__}.zip")]
