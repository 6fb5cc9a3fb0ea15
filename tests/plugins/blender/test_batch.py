"""The batch plan: `blender -b` command lines → how many renders (init/complete pairs) and frames."""
from __future__ import annotations

import pytest
from rendertally.plugins.blender.batch import (
    FRAME_END,
    FRAME_JUMP,
    FRAME_START,
    LOAD_FILE,
    MAX_FRAME,
    MIN_FRAME,
    RENDER_ANIMATION,
    RENDER_FRAMES,
    SET_SCENE,
    CommandLine,
    Plan,
    Step,
    blender_command_line,
    count_frames,
)


def plan(*args: str, start: int = 1, end: int = 250, step: int = 1) -> Plan:
    return CommandLine.parse(["/opt/blender/blender", *args]).plan(start, end, step)


@pytest.mark.parametrize(("args", "expected"), [
    (["-b", "shot.blend", "-f", "7"], Plan(1, 1)),
    (["-b", "shot.blend", "-f", "1..10"], Plan(10, 10)),
    (["-b", "shot.blend", "-f", "1,5,9"], Plan(3, 3)),
    (["-b", "shot.blend", "-f", "1..3,10,20..21"], Plan(6, 6)),
    (["-b", "shot.blend", "--render-frame", "4"], Plan(1, 1)),
    (["-b", "shot.blend", "-f", "2", "-f", "4"], Plan(2, 2)),
    # -a is ONE init/complete pair for the whole range; frame step respected
    (["-b", "shot.blend", "-a"], Plan(1, 250)),
    (["-b", "shot.blend", "--render-anim"], Plan(1, 250)),
])  # fmt: skip
def test_frames_and_animations(args: list[str], expected: Plan) -> None:
    """`-f` makes one render per listed frame and `-a` one render for the scene's whole range."""
    assert plan(*args) == expected


def test_the_scene_range_at_the_first_render_already_holds_earlier_arguments() -> None:
    """`-s`/`-e`/`-j` before the first render are not applied again: the given scene range is used."""
    # `-s 2 -e 6 -j 2` ran before the render started: the scene we are given says 2..6 step 2.
    assert plan("-b", "x.blend", "-s", "2", "-e", "6", "-j", "2", "-a", start=2, end=6, step=2) == Plan(1, 3)


def test_range_changes_after_the_first_render_are_followed() -> None:
    """`-s`, `-e` and `-j` after the first render change the range of the later `-a` renders."""
    args = ("-b", "x.blend", "-a", "-s", "10", "-e", "12", "-j", "1", "-a", "-j", "2", "-e", "+2", "-a")
    # 1..250 (250 frames), then 10..12 (3), then 10..14 step 2 (3)
    assert plan(*args) == Plan(3, 256)


def test_relative_frames_follow_blenders_rules() -> None:
    """In `-f`, `+N` counts from the start and `-N` back from the end; in `-s`/`-e` they shift the value."""
    # creator_args.cc parse_int_relative: "+N" is start + N, "-N" is end - N + 1
    assert count_frames("+0..-1", 10, 20) == 11
    assert count_frames("+2", 10, 20) == 1
    assert plan("-b", "x.blend", "-f", "+0..+4", start=10, end=20) == Plan(5, 5)
    assert plan("-b", "x.blend", "-f", "-3..-1", start=10, end=20) == Plan(3, 3)  # 18..20
    # -s/-e: "+N"/"-N" move the current value
    assert plan("-b", "x.blend", "-a", "-s", "+5", "-e", "-10", "-a", start=1, end=100) == Plan(2, 100 + 85)


def test_arguments_blender_rejects_render_nothing() -> None:
    """`-f` values Blender rejects, reversed ranges and a missing value add no renders or frames."""
    assert count_frames("1,,2", 1, 10) == 0  # incorrect comma use
    assert count_frames("x", 1, 10) == 0
    assert count_frames("1..x", 1, 10) == 0
    assert count_frames("5..1", 1, 10) == 0  # a reversed range is ignored
    assert count_frames("1..3,9..8", 1, 10) == 3
    assert plan("-b", "x.blend", "-f") == Plan(0, 0)  # no value: nothing rendered
    assert plan("-b", "x.blend", "-f", "oops", "-a") == Plan(1, 250)


def test_frames_are_clamped_like_blender() -> None:
    """`-f` frame numbers are clamped to MIN_FRAME..MAX_FRAME before they are counted."""
    assert count_frames(f"{MAX_FRAME - 1}..{MAX_FRAME + 50}", 1, 10) == 2
    assert count_frames("-99999999..-99999998", 1, 10) == 1  # end - N + 1, far below MIN_FRAME: both clamped
    assert count_frames(str(MIN_FRAME - 5), 1, 10) == 1


def test_frame_jump_is_at_least_one() -> None:
    """A `-j 0` frame jump counts as a step of 1."""
    assert plan("-b", "x.blend", "-a", "-j", "0", "-a", start=1, end=4) == Plan(2, 8)


def test_values_of_other_options_are_not_read_as_renders_or_files() -> None:
    """The values of other options (`-o`, `--python-expr`, `-p`...) are read as neither renders nor files."""
    line = CommandLine.parse(["blender", "-b", "shot.blend", "-o", "-f", "--python-expr", "-a", "-E", "CYCLES",
                              "-t", "4", "-P", "setup.py", "--log", "render", "-p", "0", "0", "800", "600",
                              "-f", "3"])
    assert line.steps == (Step(LOAD_FILE, "shot.blend"), Step(RENDER_FRAMES, "3"))


def test_python_arguments_after_double_dash_are_ignored() -> None:
    """Arguments after `--` belong to Python scripts: no steps or renders are read from them."""
    line = CommandLine.parse(["blender", "-b", "shot.blend", "-a", "--", "-f", "1..100", "other.blend"])
    assert line.steps == (Step(LOAD_FILE, "shot.blend"), Step(RENDER_ANIMATION))
    assert plan("-b", "shot.blend", "-a", "--", "-f", "1..100") == Plan(1, 250)


def test_command_mode_renders_nothing() -> None:
    """`blender -b --command ...` is background mode with no renders, whatever the command's arguments."""
    line = CommandLine.parse(["blender", "-b", "--command", "extension", "install-file", "-f", "x.zip"])
    assert line.background and not line.renders


def test_background_and_render_detection() -> None:
    """`-b` marks background mode and `-f`/`-a` rendering; a bare file, a script's argv or [] render nothing."""
    assert CommandLine.parse(["blender", "-b", "x.blend", "-f", "1"]).background
    assert CommandLine.parse(["blender", "--background", "x.blend", "-a"]).renders
    interactive = CommandLine.parse(["blender", "x.blend"])
    assert not interactive.background and not interactive.renders
    # The bpy module's sys.argv is the script's own: nothing Blender would render.
    assert not CommandLine.parse(["render_farm_job.py", "--frames", "10"]).renders
    assert not CommandLine.parse([]).renders


def test_order_of_steps() -> None:
    """Files, range changes and renders are kept as steps in command-line order."""
    line = CommandLine.parse(["blender", "-b", "a.blend", "-s", "5", "-e", "9", "-j", "2", "-a", "b.blend", "-f", "1"])
    assert [s.kind for s in line.steps] == [LOAD_FILE, FRAME_START, FRAME_END, FRAME_JUMP, RENDER_ANIMATION,
                                            LOAD_FILE, RENDER_FRAMES]


def test_relative_frames_after_loading_another_file_cannot_be_known() -> None:
    """After another .blend loads, absolute `-f` frames still count; relative ones and `-a` frames are unknown."""
    assert plan("-b", "a.blend", "-a", "b.blend", "-f", "3") == Plan(2, 251)
    assert plan("-b", "a.blend", "-a", "b.blend", "-f", "+1") == Plan(None, None)
    assert plan("-b", "a.blend", "-f", "1", "b.blend", "-a") == Plan(2, None)


def test_switching_scenes() -> None:
    """`-S` before the first render keeps the given range; after it, `-a` frames are unknown, `-f` frames count."""
    # -S before the first render: the scene we are given is already that scene
    assert plan("-b", "a.blend", "-S", "Shot2", "-a", start=1, end=10) == Plan(1, 10)
    # -S after it: that scene's range is unknown; absolute -f frames are still counted
    assert plan("-b", "a.blend", "-a", "-S", "Shot2", "-a", "-f", "4", start=1, end=10) == Plan(3, None)
    assert CommandLine.parse(["blender", "-b", "a.blend", "--scene", "X", "-a"]).steps[1] == Step(SET_SCENE, "X")


def test_the_bpy_module_has_no_blender_command_line() -> None:
    """Without a Blender binary (the bpy module) argv is the script's own: nothing is read from it."""
    argv = ["script.py", "--inner", "-b", "shot.blend", "-f", "1..3"]
    assert blender_command_line(argv, "") == CommandLine()
    assert blender_command_line(["/opt/blender/blender", *argv[2:]], "/opt/blender/blender").renders
