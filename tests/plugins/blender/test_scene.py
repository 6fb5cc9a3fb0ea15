"""Scene facts: engine names, frame ranges, per-scene overrides, blocked output (no bpy needed)."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from rendertally.plugins.blender.scene import (
    BUILT_IN_ENGINES,
    describe,
    engine_name,
    software_version,
)


@pytest.mark.parametrize(("engine_id", "name"), [
    ("CYCLES", "Cycles"),
    ("BLENDER_EEVEE", "EEVEE"),  # Blender 4.1 and before, and 5.0+
    ("BLENDER_EEVEE_NEXT", "EEVEE"),  # Blender 4.2-4.5
    ("BLENDER_WORKBENCH", "Workbench"),
])  # fmt: skip
def test_blender_engines(engine_id: str, name: str) -> None:
    """Blender's built-in engine ids get their readable names; both EEVEE ids are EEVEE."""
    assert engine_name(engine_id) == name


def test_third_party_engines_by_their_label_and_unknown_ones_by_id() -> None:
    """Other engines are named by their label, else by their id; built-in names are never relabelled."""
    labels = {"LUXCORE": "LuxCore", "octane": "Octane", "PRMAN_RENDER": "RenderMan", "BLANK": "  "}
    assert engine_name("LUXCORE", labels) == "LuxCore"
    assert engine_name("PRMAN_RENDER", labels) == "RenderMan"
    assert engine_name("BLANK", labels) == "BLANK"  # an empty label is no name
    assert engine_name("MY_STUDIO_ENGINE", labels) == "MY_STUDIO_ENGINE"
    assert engine_name("CYCLES", {"CYCLES": "Something else"}) == "Cycles"
    assert set(BUILT_IN_ENGINES.values()) == {"Cycles", "EEVEE", "Workbench"}


def test_software_version_is_the_numbers_without_a_release_label() -> None:
    """The reported version is bpy.app.version's numbers: an LTS or alpha label is not part of it."""
    assert software_version((4, 2, 23)) == "4.2.23"  # version_string: "4.2.23 LTS"
    assert software_version((5, 0, 1)) == "5.0.1"


# A stand-in for the few bpy.types.Scene attributes describe() reads, with their real names.
@dataclasses.dataclass
class RenderSettings:
    engine: str
    filepath: str

    def frame_path(self, frame: int = 0) -> str:
        return self.filepath.replace("####", f"{frame:04d}")


@dataclasses.dataclass
class Overrides:
    mission_id: str = ""
    job_type: str = "DEFAULT"


@dataclasses.dataclass
class Scene:
    render: RenderSettings
    name: str = "Scene"
    frame_start: int = 1
    frame_end: int = 250
    frame_step: int = 1
    frame_current: int = 1
    rendertally: Overrides | None = None


def test_describe_reads_engine_range_and_overrides(tmp_path: Path) -> None:
    """describe() gives the engine label, frames with step and the overrides; a creatable folder is not blocked."""
    scene = Scene(RenderSettings("LUXCORE", str(tmp_path / "out" / "f_####.png")), frame_start=1, frame_end=5,
                  frame_step=2, rendertally=Overrides("M-9", "TEST"))
    facts = describe(scene, labels=lambda: {"LUXCORE": "LuxCore"})
    assert (facts.engine, facts.expected_frames, facts.mission_id, facts.job_type) == ("LuxCore", 3, "M-9", "test")
    assert facts.output_blocked is False  # the folder does not exist yet but can be created


def test_describe_without_overrides_uses_the_defaults(tmp_path: Path) -> None:
    """Without overrides or with a blank mission id, describe() gives None for them; 250 frames by default."""
    facts = describe(Scene(RenderSettings("CYCLES", str(tmp_path / "x"))), labels=dict)
    assert (facts.mission_id, facts.job_type, facts.expected_frames) == (None, None, 250)
    facts = describe(Scene(RenderSettings("CYCLES", str(tmp_path / "x")), rendertally=Overrides("  ")), labels=dict)
    assert facts.mission_id is None


def test_an_overlong_mission_id_override_is_not_used(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A mission id override over 100 characters is dropped, with a warning logged."""
    scene = Scene(RenderSettings("CYCLES", str(tmp_path / "x")), rendertally=Overrides("M" * 101))
    assert describe(scene, labels=dict).mission_id is None
    assert "mission id" in caplog.text


def test_output_folder_blocked_by_a_file(tmp_path: Path) -> None:
    """A file where the output folder should be marks the output as blocked."""
    (tmp_path / "blocker").write_text("a file where a folder should be")
    scene = Scene(RenderSettings("CYCLES", str(tmp_path / "blocker" / "sub" / "f_####.png")))
    assert describe(scene, labels=dict).output_blocked is True


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root can write anywhere")
def test_output_folder_not_writable(tmp_path: Path) -> None:
    """An existing output folder without write permission marks the output as blocked."""
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    scene = Scene(RenderSettings("CYCLES", str(folder / "f_####.png")))
    assert describe(scene, labels=dict).output_blocked is True
