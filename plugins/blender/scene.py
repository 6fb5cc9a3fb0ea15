"""The scene facts: a Blender scene turned into the plain values a job needs, in one function.

Importable without ``bpy`` (the engine-name table is tested on its own); :func:`describe` is
handed a live ``bpy.types.Scene``.
"""
from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Mapping
from typing import Any, Callable

from rendertally.core.errors import ValidationError
from rendertally.core.job import MISSION_ID_LIMIT, JobType, clean_text

log = logging.getLogger(__name__)

# Blender's own engines. EEVEE is BLENDER_EEVEE_NEXT in 4.2-4.5 and BLENDER_EEVEE before and
# after (Blender 5.0's `-E` handler maps BLENDER_EEVEE_NEXT to BLENDER_EEVEE for old scripts).
BUILT_IN_ENGINES = {
    "CYCLES": "Cycles",
    "BLENDER_EEVEE": "EEVEE",
    "BLENDER_EEVEE_NEXT": "EEVEE",
    "BLENDER_WORKBENCH": "Workbench",
}


@dataclasses.dataclass(frozen=True)
class SceneFacts:
    """What a render of this scene is, as plain values."""

    engine: str  # readable name: Cycles, EEVEE, Workbench, a third-party engine's label
    frame_start: int
    frame_end: int
    frame_step: int
    expected_frames: int  # of an animation render of this scene (frame step respected)
    mission_id: str | None  # the scene's override, or None: use the settings
    job_type: str | None  # the scene's override ("economy"/"normal"/"test"), or None
    output_blocked: bool  # the output folder cannot be created or written


def software_version(version: tuple[int, ...]) -> str:
    """``bpy.app.version`` as the job's SoftwareVersion: "4.2.23", never "4.2.23 LTS" (the
    LTS releases' ``version_string`` carries the label) or "5.1.0 Alpha"."""
    return ".".join(str(int(part)) for part in version)


def engine_name(engine_id: str, labels: Mapping[str, str] | None = None) -> str:
    """The readable name of a render engine id; an unknown engine passes its id through."""
    if engine_id in BUILT_IN_ENGINES:
        return BUILT_IN_ENGINES[engine_id]
    label = (labels or {}).get(engine_id, "").strip()
    return label or engine_id


def engine_labels() -> dict[str, str]:
    """bl_idname → bl_label of every RenderEngine subclass defined in Python (add-on engines)."""
    import bpy

    labels: dict[str, str] = {}
    pending = list(bpy.types.RenderEngine.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        idname, label = getattr(cls, "bl_idname", None), getattr(cls, "bl_label", None)
        if isinstance(idname, str) and isinstance(label, str) and label.strip():
            labels.setdefault(idname, label.strip())
    return labels


def describe(scene: Any, labels: Callable[[], Mapping[str, str]] | None = None) -> SceneFacts:
    """The facts of ``scene`` (a ``bpy.types.Scene``) as it is when a render starts."""
    engine_id = str(scene.render.engine)
    name = BUILT_IN_ENGINES.get(engine_id) or engine_name(engine_id, (labels or engine_labels)())
    start, end, step = int(scene.frame_start), int(scene.frame_end), max(int(scene.frame_step), 1)
    overrides = getattr(scene, "rendertally", None)
    mission_id = job_type = None
    if overrides is not None:
        mission_id = _mission_id(getattr(overrides, "mission_id", ""), scene.name)
        chosen = str(getattr(overrides, "job_type", "DEFAULT"))
        if chosen != "DEFAULT":
            job_type = JobType.parse(chosen, "job_type").name.lower()
    return SceneFacts(
        engine=name, frame_start=start, frame_end=end, frame_step=step,
        expected_frames=len(range(start, end + 1, step)), mission_id=mission_id, job_type=job_type,
        output_blocked=_output_blocked(scene),
    )  # fmt: skip


def _mission_id(value: Any, scene_name: str) -> str | None:
    try:
        return clean_text(value, "mission_id", limit=MISSION_ID_LIMIT, required=False)
    except ValidationError as exc:
        log.warning("RenderTally: the mission id of scene %r is not used: %s", scene_name, exc.message)
        return None


def _output_blocked(scene: Any) -> bool:
    """True when the folder of the render output cannot be created or written.

    Used only to tell a failed write from a person pressing Esc when an interactive render is
    cancelled (Blender gives both the same render_cancel). The nearest existing folder up the
    path must be a writable directory; a file in the way, as in the failure test, blocks it.
    """
    try:
        path = scene.render.frame_path(frame=int(scene.frame_current))
    except Exception:  # noqa: BLE001 - an unusual path template: do not guess
        return False
    folder = os.path.dirname(os.path.abspath(path))
    while folder and not os.path.exists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return not (os.path.isdir(folder) and os.access(folder, os.W_OK))
