"""The scene facts: 3ds Max's render settings turned into the plain values a job needs, in one function.

Everything is read through ``pymxs.runtime`` (the MAXScript globals; MAXScript Help, "Render
Setup Dialog" globals: rendTimeType, rendStart, rendEnd, rendNThFrame, rendPickupFrames,
https://help.autodesk.com/cloudhelp/2023/ENU/MAXScript-Help/files/MAXScript-Tools-and-Interaction/Interacting-with-the-3ds-Max/Render-Scene-Dialog/GUID-30AF1E53-5A69-402D-84D6-4D6ECCDD6D20.html
; and "renderers" for ``renderers.current``, the production renderer). maxVersion()'s product year
matches MAX_PRODUCT_YEAR_NUMBER in maxversion.h,
https://help.autodesk.com/cloudhelp/2025/ENU/MAXDEV-CPP-API-REF/maxversion_8h.html . The name
tables work without Max.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any

# Renderer class name prefixes → readable names, most specific first (DESIGN.md, Hosts: 3ds Max).
ENGINES = (
    ("Default_Scanline_Renderer", "Scanline"),
    ("ART_Renderer", "ART"),
    ("V_Ray_GPU", "V-Ray GPU"),
    ("V_Ray", "V-Ray"),
    ("Corona", "Corona"),
    ("Arnold", "Arnold"),
    ("Redshift", "Redshift"),
    ("Octane", "Octane"),
    ("Quicksilver", "Quicksilver"),
)
# rendTimeType: 1 single frame, 2 active time segment, 3 user range, 4 pickup frames.
SINGLE, ACTIVE_SEGMENT, RANGE, PICKUP = 1, 2, 3, 4
_PICKUP_ITEM = re.compile(r"^\s*(-?\d+)\s*(?:-\s*(-?\d+)\s*)?$")


@dataclasses.dataclass(frozen=True)
class SceneFacts:
    """What a render of the open scene is, as plain values."""

    renderer_class: str
    engine: str
    expected_frames: int | None  # None: cannot be known (a pickup list we cannot read)


def engine_name(class_name: str) -> str:
    """``V_Ray_7_Hotfix_1`` → ``V-Ray``; an unknown renderer keeps its class name."""
    for prefix, name in ENGINES:
        if class_name.startswith(prefix):
            return name
    return class_name or "unknown"


def software_version(version: Any) -> str:
    """The product year from ``maxVersion()``: its 8th element (2019+), else from the release number."""
    # MAXScript Help, "3ds Max System Globals": maxVersion() → #(release, api, sdk, …, product year, …)
    values = [int(v) for v in list(version)]
    if len(values) >= 8 and values[7] >= 2000:
        return str(values[7])
    return str(values[0] // 1000 + 1998)  # release 26000 is 3ds Max 2024


def pickup_count(text: str) -> int | None:
    """Frames in a pickup list such as ``1,3,5-12``; None when it cannot be read."""
    frames: set[int] = set()
    for item in filter(None, (part.strip() for part in str(text).split(","))):
        match = _PICKUP_ITEM.match(item)
        if match is None:
            return None
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        frames.update(range(min(first, last), max(first, last) + 1))
    return len(frames) or None


def expected_frames(time_type: int, start: float, end: float, nth: int, pickup: str) -> int | None:
    """How many frames the render settings ask for."""
    if time_type == SINGLE:
        return 1
    if time_type == PICKUP:
        return pickup_count(pickup)
    first, last = int(round(start)), int(round(end))
    return len(range(min(first, last), max(first, last) + 1, max(int(nth), 1)))


def describe(rt: Any) -> SceneFacts:
    """The facts of the current render settings (``rt`` is ``pymxs.runtime``)."""
    renderer_class = str(rt.classOf(rt.renderers.current))
    time_type = int(rt.rendTimeType)
    if time_type == ACTIVE_SEGMENT:
        start, end = rt.animationRange.start.frame, rt.animationRange.end.frame
    else:
        start, end = rt.rendStart.frame, rt.rendEnd.frame
    return SceneFacts(
        renderer_class=renderer_class, engine=engine_name(renderer_class),
        expected_frames=expected_frames(time_type, float(start), float(end), int(rt.rendNThFrame),
                                        str(rt.rendPickupFrames)),
    )
