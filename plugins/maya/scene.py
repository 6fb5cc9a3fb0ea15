"""The scene facts: the open Maya scene turned into the plain values a job needs, in one function.

:func:`describe` reads ``defaultRenderGlobals``, the renderable cameras and the scene's own
overrides (``fileInfo``, saved with the scene). Calls go to ``maya.cmds`` (typed by the
``types-maya-strict`` stubs in the type-check test).
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping

from maya import cmds
from rendertally.core.errors import ValidationError
from rendertally.core.job import JobType, clean_text
from rendertally.core.settings import MISSION_ID_LIMIT

log = logging.getLogger(__name__)

# Renderer ids as `defaultRenderGlobals.currentRenderer` holds them → readable names (DESIGN.md).
ENGINES = {
    "arnold": "Arnold",
    "vray": "V-Ray",
    "redshift": "Redshift",
    "renderman": "RenderMan",
    "renderMan": "RenderMan",
    "mayaSoftware": "Maya Software",
    "mayaHardware2": "Maya Hardware 2.0",
    "mayaHardware": "Maya Hardware",
    "mentalRay": "Mental Ray",
    "mayaVector": "Maya Vector",
}
MAYA_SOFTWARE = "mayaSoftware"
REDSHIFT = "redshift"
# fileInfo keys: per-scene overrides travel with the .ma/.mb file.
MISSION_KEY = "rendertallyMissionId"
JOB_TYPE_KEY = "rendertallyJobType"


@dataclasses.dataclass(frozen=True)
class SceneFacts:
    """What a render of the open scene is, as plain values."""

    renderer: str  # the id, e.g. "arnold"
    engine: str  # the readable name
    frame_start: int
    frame_end: int
    frame_step: int
    animation: bool
    cameras: int  # renderable cameras (each renders every frame of a layer)
    mission_id: str | None
    job_type: str | None

    @property
    def expected_frames(self) -> int:
        if not self.animation:
            return 1
        return len(range(self.frame_start, self.frame_end + 1, max(self.frame_step, 1)))


def engine_name(renderer: str, ui_name: str | None = None) -> str:
    """The readable name of a renderer id; others by their UI name, an unknown id passed through."""
    if renderer in ENGINES:
        return ENGINES[renderer]
    label = (ui_name or "").strip()
    return label or renderer


def software_version() -> str:
    """``2025.3`` from ``about -apiVersion`` (20250300), else ``about -version``."""
    # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/about.html
    version = str(cmds.about(version=True)).strip()
    try:
        api = int(cmds.about(apiVersion=True))
    except (TypeError, ValueError):
        return version
    year, update = api // 10000, (api // 100) % 100
    if year >= 2000 and str(year) in version:
        return f"{year}.{update}" if update else str(year)
    return version


def describe() -> SceneFacts:
    """The facts of the open scene as it is when a render starts ."""
    # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/getAttr.html
    renderer = str(cmds.getAttr("defaultRenderGlobals.currentRenderer") or MAYA_SOFTWARE)
    return SceneFacts(
        renderer=renderer, engine=engine_name(renderer, _ui_name(renderer)),
        frame_start=int(round(float(cmds.getAttr("defaultRenderGlobals.startFrame")))),
        frame_end=int(round(float(cmds.getAttr("defaultRenderGlobals.endFrame")))),
        frame_step=max(int(round(float(cmds.getAttr("defaultRenderGlobals.byFrameStep")))), 1),
        animation=bool(cmds.getAttr("defaultRenderGlobals.animation")),
        cameras=renderable_cameras(), **overrides(),
    )  # fmt: skip


def _ui_name(renderer: str) -> str | None:
    if renderer in ENGINES:
        return None
    try:
        # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/renderer.html
        return str(cmds.renderer(renderer, query=True, rendererUIName=True))
    except RuntimeError:  # not a registered renderer (its plug-in is not loaded)
        return None


def renderable_cameras() -> int:
    """How many cameras have ``renderable`` on (at least 1: Maya renders with one)."""
    # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/ls.html
    cameras = cmds.ls(type="camera") or []
    return max(sum(1 for camera in cameras if cmds.getAttr(f"{camera}.renderable")), 1)


def current_frame() -> int:
    # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/currentTime.html
    return int(round(float(cmds.currentTime(query=True))))


def current_layer() -> str:
    # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/editRenderLayerGlobals.html
    return str(cmds.editRenderLayerGlobals(query=True, currentRenderLayer=True))


def overrides() -> dict[str, str | None]:
    """The scene's mission id and job type (``fileInfo``), validated; bad values are ignored."""
    info = _file_info()
    mission_id = job_type = None
    try:
        mission_id = clean_text(info.get(MISSION_KEY), "mission_id", limit=MISSION_ID_LIMIT, required=False)
    except ValidationError as exc:
        log.warning("RenderTally: the scene's mission id is not used: %s", exc.message)
    raw = (info.get(JOB_TYPE_KEY) or "").strip()
    if raw:
        try:
            job_type = JobType.parse(raw, "job_type").name.lower()
        except ValidationError as exc:
            log.warning("RenderTally: the scene's job type is not used: %s", exc.message)
    return {"mission_id": mission_id, "job_type": job_type}


def set_overrides(*, mission_id: str | None = None, job_type: str | None = None) -> None:
    """Store (or, with "", remove) the scene's overrides; saved with the scene."""
    for key, value, field in ((MISSION_KEY, mission_id, "mission_id"), (JOB_TYPE_KEY, job_type, "job_type")):
        if value is None:
            continue
        if not value.strip():
            # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/fileInfo.html
            cmds.fileInfo(remove=key)
            continue
        if field == "job_type":
            text = JobType.parse(value, field).name.lower()
        else:
            text = clean_text(value, field, limit=MISSION_ID_LIMIT) or ""
        cmds.fileInfo(key, text)


def _file_info() -> Mapping[str, str]:
    # fileInfo -q returns a flat list: key, value, key, value, ...
    flat = list(cmds.fileInfo(query=True) or [])
    return dict(zip(flat[::2], flat[1::2]))


def describe_renderer() -> str:
    """Only the current renderer's id (cheap: every MEL event asks)."""
    return str(cmds.getAttr("defaultRenderGlobals.currentRenderer") or MAYA_SOFTWARE)
