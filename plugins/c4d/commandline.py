"""Commandline renders: ``Commandline -render scene.c4d [-frame FROM [TO [STEP]]] [-take NAME]``.

Cinema 4D hands the arguments to plugins with ``C4DPL_COMMANDLINEARGS`` (``sys.argv``) before it
renders, and sends ``C4DPL_ENDPROGRAM`` before it quits (Maxon's Python SDK, "Plugin Messages":
https://developers.maxon.net/docs/py/2025_0_0/manuals/manual_py_pluginstructure.html). Pure Python.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence


@dataclasses.dataclass(frozen=True)
class Render:
    scene: str
    frames: tuple[int, int, int] | None  # from, to, step; None: the scene's own range
    take: str | None


def parse(argv: Sequence[str]) -> Render | None:
    """The render the command line asks for, or None (not a ``-render`` run)."""
    args = list(argv)
    if "-render" not in args:
        return None
    i = args.index("-render")
    if i + 1 >= len(args):
        return None
    scene, frames, take = args[i + 1], None, None
    if "-frame" in args:
        values = []
        for text in args[args.index("-frame") + 1:][:3]:
            if not text.lstrip("-").isdigit():
                break
            values.append(int(text))
        if values:
            first = values[0]
            last = values[1] if len(values) > 1 else first
            frames = (first, last, values[2] if len(values) > 2 else 1)
    if "-take" in args and args.index("-take") + 1 < len(args):
        take = args[args.index("-take") + 1]
    return Render(scene=scene, frames=frames, take=take)
