"""The built module in a fresh Python that sees only the fake Maya: render sequences reach the sandbox.

Each scenario runs ``harness.py`` with ``python -S`` and ``PYTHONPATH`` = the fake maya only, so the
checkout (and every installed package) is hidden: RenderTally and requests come from the module's
``lib``. Maya's start is played from the module's ``.mod`` file and ``userSetup.py``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rendertally.core.sandbox import Sandbox

from tests.conftest import SECRET_KEY, TEST_ID
from tests.test_python_versions import find_python

from .conftest import FAKE_MAYA

HARNESS = Path(__file__).with_name("harness.py")
BEGIN = "/*RenderTally{*/"  # plugins/maya/fragments.py (not imported: it needs maya)


def _run(name: str, module_folder: Path, tmp_path: Path, url: str | None,
         python: str = sys.executable) -> dict[str, Any]:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": str(FAKE_MAYA),
           "PYTHONDONTWRITEBYTECODE": "1", "RENDERTALLY_HOME": os.environ["RENDERTALLY_HOME"],
           "RENDERTALLY_KEYRING": "0", "RENDERTALLY_EXIT_WAIT": "20"}
    if url is not None:
        env.update(RENDERTALLY_URL=url, RENDERTALLY_ID=TEST_ID, RENDERTALLY_KEY=SECRET_KEY)
    done = subprocess.run([python, "-S", str(HARNESS), name, str(module_folder), str(tmp_path / "work")],
                          env=env, check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{name} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"{name} printed no RESULT\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULT "):])


def test_maya_software_done_then_interrupted(built_module: tuple[Path, Path], tmp_path: Path) -> None:
    """Maya Software: frames 1-3 Done, then a render interrupted at frame 4 Aborted with 3 frames."""
    with Sandbox() as box:
        result = _run("software", built_module[0], tmp_path, box.url)
        jobs = [job["request"] for job in box.jobs]
    assert [(j["JobStatus"], j["Frames"]) for j in jobs] == [("1", "3"), ("2", "3")]
    for job in jobs:
        assert (job["SoftwareName"], job["SoftwareVersion"], job["RenderEngine"]) == ("MAY", "2025.3", "Maya Software")
    assert result["mel_output"] == ["user preMel ran", "user preMel ran"]  # the user's own preMel still runs


def test_arnold_two_layers_through_fragments(built_module: tuple[Path, Path], tmp_path: Path) -> None:
    """Arnold, two renderable layers over 1-4: one Done job of 8 frames with the scene's mission id; saves stay clean."""
    with Sandbox() as box:
        result = _run("arnold", built_module[0], tmp_path, box.url)
        jobs = [job["request"] for job in box.jobs]
    assert len(jobs) == 1, jobs
    job = jobs[0]
    assert (job["JobStatus"], job["Frames"], job["RenderEngine"], job["MissionId"]) == ("1", "8", "Arnold", "M-42")
    assert result["mel_output"] == ["user preMel ran"] + ["user postRenderMel ran"] * 8
    assert BEGIN not in result["saved"] and "RenderTally" not in result["saved"]
    assert 'print \\"user preMel ran\\";' in result["saved"]  # the user's script saved as they wrote it
    assert result["in_scene_after_save"].startswith(BEGIN)  # put back after the save


def test_exit_mid_render_is_failed_with_the_frames_done(built_module: tuple[Path, Path], tmp_path: Path) -> None:
    """V-Ray: Maya exits after 3 of 10 frames (no postMel): one Failed job with 3 frames, flushed at exit."""
    with Sandbox() as box:
        _run("exit_mid_render", built_module[0], tmp_path, box.url)
        jobs = [job["request"] for job in box.jobs]
    assert [(j["JobStatus"], j["Frames"], j["RenderEngine"]) for j in jobs] == [("3", "3", "V-Ray")]


def test_load_unload_load_leaves_one_of_each(built_module: tuple[Path, Path], tmp_path: Path) -> None:
    """load/unload/load: twelve callbacks, then none and no fragment, then exactly one per message again."""
    result = _run("reload", built_module[0], tmp_path, None)
    assert result["counts"] == [12, 0, 12]
    assert set(result["per_message"].values()) == {1}
    assert result["pre_mel_unloaded"] == ""
    assert result["pre_mel"].count(BEGIN) == 1


@pytest.mark.skipif(find_python("3.9") is None, reason="no python3.9 on this machine")
def test_arnold_on_python_39_like_maya_2023(built_module: tuple[Path, Path], tmp_path: Path) -> None:
    """The module runs on Python 3.9 (Maya 2023): the Arnold sequence is reported the same way."""
    python = find_python("3.9")
    assert python is not None
    with Sandbox() as box:
        _run("arnold", built_module[0], tmp_path, box.url, python)
        jobs = [job["request"] for job in box.jobs]
    assert [(j["JobStatus"], j["Frames"], j["RenderEngine"]) for j in jobs] == [("1", "8", "Arnold")]


def test_gui_render_view_and_menu(built_module: tuple[Path, Path], tmp_path: Path) -> None:
    """GUI: userSetup loads the plug-in when idle, the menu has its three items, a Render View still is Done."""
    with Sandbox() as box:
        result = _run("gui", built_module[0], tmp_path, box.url)
        jobs = [job["request"] for job in box.jobs]
    assert result["menu_items"] == ["Reports", "Send pending now", "Settings\u2026"]
    assert result["menu_after_unload"] is False
    assert [(j["JobStatus"], j["Frames"], j["RenderEngine"]) for j in jobs] == [("1", "1", "Arnold")]
