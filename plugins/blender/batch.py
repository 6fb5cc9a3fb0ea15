"""The batch plan: what ``blender -b`` was told to render, read from its real command line.

``blender -b file.blend -f 1..10`` runs one render_init/render_complete pair per frame in one
process, ``-a`` one pair for the whole range (``source/creator/creator_args.cc``:
``arg_handle_render_frame`` calls ``RE_RenderAnim(frame, frame)`` once per frame,
``arg_handle_render_animation`` calls it once). No handler says "the last ``-f`` frame is done",
so the adapter counts the pairs the command line will produce and turns them into ONE job,
finished when the last one ends (process exit is the backup).

Arguments run in order; ``-s``/``-e``/``-j`` change the scene for the render arguments after
them. When the first render starts, the scene already holds every change made before it, so the
plan is worked out from that moment (:meth:`CommandLine.plan`). Pure Python: no ``bpy`` here.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

# DNA_scene_types.h: MINAFRAME / MAXFRAME, the clamp Blender applies to frame arguments.
MIN_FRAME, MAX_FRAME = -1048574, 1048574

RENDER_FRAMES, RENDER_ANIMATION = "frames", "animation"
FRAME_START, FRAME_END, FRAME_JUMP, LOAD_FILE, SET_SCENE = "start", "end", "jump", "file", "scene"

_OWN = {
    "-f": RENDER_FRAMES, "--render-frame": RENDER_FRAMES,
    "-a": RENDER_ANIMATION, "--render-anim": RENDER_ANIMATION,
    "-s": FRAME_START, "--frame-start": FRAME_START,
    "-e": FRAME_END, "--frame-end": FRAME_END,
    "-j": FRAME_JUMP, "--frame-jump": FRAME_JUMP,
    "-S": SET_SCENE, "--scene": SET_SCENE,
}  # fmt: skip
_TAKES_VALUE = {RENDER_FRAMES, FRAME_START, FRAME_END, FRAME_JUMP, SET_SCENE}
# Blender 5.0 options that take values (creator_args.cc, main_args_setup): their values must not
# be read as options or as a .blend file to load.
_OTHER_VALUES = {
    "--env-system-datafiles": 1, "--env-system-scripts": 1, "--env-system-python": 1,
    "--env-system-extensions": 1, "-t": 1, "--threads": 1, "--log": 1, "--log-level": 1,
    "--log-file": 1, "--gpu-backend": 1, "--gpu-vsync": 1, "--gpu-compilation-subprocesses": 1,
    "--qos": 1, "--debug-value": 1, "--verbose": 1, "--app-template": 1, "-p": 4,
    "--window-geometry": 4, "-setaudio": 1, "-P": 1, "--python": 1,
    "--python-text": 1, "--python-expr": 1, "--python-exit-code": 1, "--addons": 1, "-o": 1,
    "--render-output": 1, "-E": 1, "--engine": 1, "-F": 1, "--render-format": 1, "-x": 1,
    "--use-extension": 1,
}  # fmt: skip
_BACKGROUND = {"-b", "--background"}
_COMMAND = {"-c", "--command"}  # everything after it belongs to the command: no renders
_NUMBER = re.compile(r"[+-]?[0-9]+")


class _Unknown(Exception):
    """A frame relative to a scene range we cannot know (after another .blend was loaded)."""


@dataclasses.dataclass(frozen=True)
class Step:
    """One argument that matters to us, in command-line order."""

    kind: str
    value: str | None = None


@dataclasses.dataclass(frozen=True)
class Plan:
    """What the command line will still render, from its first render on.

    ``renders``: render_init/render_complete pairs (None: cannot be known beforehand).
    ``frames``: frames those renders cover (None: unknown).
    """

    renders: int | None
    frames: int | None


@dataclasses.dataclass(frozen=True)
class CommandLine:
    """Blender's command line as far as rendering is concerned."""

    background: bool = False
    steps: tuple[Step, ...] = ()

    @classmethod
    def parse(cls, argv: Sequence[str]) -> CommandLine:
        """Read ``sys.argv`` of a ``blender`` process (``argv[0]`` is the binary)."""
        background, steps = False, []
        args = list(argv[1:])
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--" or arg in _COMMAND:
                break  # the rest is for Python scripts, or a command that renders nothing
            if arg in _BACKGROUND:
                background = True
            elif arg in _OWN:
                kind = _OWN[arg]
                if kind in _TAKES_VALUE:
                    if i + 1 >= len(args):
                        break  # Blender: "frame number must follow '-f'"; nothing rendered
                    steps.append(Step(kind, args[i + 1]))
                    i += 1
                else:
                    steps.append(Step(kind))
            elif arg in _OTHER_VALUES:
                i += _OTHER_VALUES[arg]
            elif not arg.startswith("-"):
                steps.append(Step(LOAD_FILE, arg))
            i += 1
        return cls(background=background, steps=tuple(steps))

    @property
    def renders(self) -> bool:
        """True when the command line itself renders (``-f`` or ``-a``)."""
        return any(step.kind in (RENDER_FRAMES, RENDER_ANIMATION) for step in self.steps)

    def plan(self, frame_start: int, frame_end: int, frame_step: int) -> Plan:
        """The renders still to come, given the scene's range when the first one starts."""
        start: int | None = frame_start
        end: int | None = frame_end
        jump: int | None = max(int(frame_step), 1)
        renders: int | None = 0
        frames: int | None = 0
        begun = False
        for step in self.steps:
            if step.kind in (RENDER_FRAMES, RENDER_ANIMATION):
                begun = True
            if not begun:
                continue  # already applied to the scene we were given
            if step.kind == RENDER_FRAMES:
                try:
                    count = count_frames(step.value or "", start, end)
                except _Unknown:
                    renders = frames = None
                    continue
                renders = None if renders is None else renders + count
                frames = None if frames is None else frames + count
            elif step.kind == RENDER_ANIMATION:
                renders = None if renders is None else renders + 1
                if frames is not None and start is not None and end is not None and jump is not None:
                    frames += len(range(start, end + 1, jump))
                else:
                    frames = None
            elif step.kind == FRAME_START:
                start = _relative_or_keep(step.value, start, None if start is None else start - 1)
            elif step.kind == FRAME_END:
                end = _relative_or_keep(step.value, end, None if end is None else end - 1)
            elif step.kind == FRAME_JUMP:
                if step.value is not None and _NUMBER.fullmatch(step.value.strip()):
                    jump = min(max(int(step.value), 1), MAX_FRAME)
            elif step.kind in (LOAD_FILE, SET_SCENE):
                start = end = jump = None  # another file or scene: its range is unknown
        return Plan(renders=renders, frames=frames)


def blender_command_line(argv: Sequence[str], binary_path: str) -> CommandLine:
    """The command line of a ``blender`` process; empty in the ``bpy`` module.

    In the bpy module (pip's ``bpy``, imported by a Python script) there is no Blender binary:
    ``bpy.app.binary_path`` is ``""`` and ``sys.argv`` holds the script's own arguments, which
    must never be read as ``-b … -f`` renders.
    """
    if not binary_path:
        return CommandLine()
    return CommandLine.parse(argv)


def count_frames(value: str, frame_start: int | None, frame_end: int | None) -> int:
    """How many renders ``-f value`` makes: ``7``, ``1..10``, ``1,5,9``, ``+2``, ``-1``, mixes.

    An argument Blender cannot parse renders nothing (it prints an error and moves on); a
    reversed range renders nothing. Raises ``_Unknown`` when a relative frame needs a range we
    do not know.
    """
    items = value.split(",")
    ranges = []
    for item in items:
        if not item:
            return 0  # "incorrect comma use"
        first, sep, last = item.partition("..")
        if sep and last:
            low, high = _frame(first, frame_start, frame_end), _frame(last, frame_start, frame_end)
        else:
            low = high = _frame(item, frame_start, frame_end)
        if low is None or high is None:
            return 0  # "not a number": Blender renders nothing for the whole argument
        ranges.append((low, high))
    return sum(max(high - low + 1, 0) for low, high in ranges)


def _frame(text: str, frame_start: int | None, frame_end: int | None) -> int | None:
    # parse_int_relative(): "+N" is start + N, "-N" is end - N + 1, else N; then clamped.
    if not _NUMBER.fullmatch(text):
        return None
    if text[0] in "+-":
        base = frame_start if text[0] == "+" else frame_end
        if base is None:
            raise _Unknown(text)
        value = base + int(text[1:]) if text[0] == "+" else base - int(text[1:]) + 1
    else:
        value = int(text)
    return min(max(value, MIN_FRAME), MAX_FRAME)


def _relative_or_keep(value: str | None, pos: int | None, neg: int | None) -> int | None:
    # -s/-e: "+N" adds to the current value, "-N" subtracts from it (creator_args.cc).
    text = (value or "").strip()
    if not _NUMBER.fullmatch(text):
        return pos  # Blender prints an error and leaves the value alone
    if text[0] in "+-":
        if pos is None or neg is None:
            return None
        number = pos + int(text[1:]) if text[0] == "+" else neg - int(text[1:]) + 1
    else:
        number = int(text)
    return min(max(number, MIN_FRAME), MAX_FRAME)
