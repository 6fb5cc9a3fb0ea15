"""The scene facts: a Cinema 4D document's render settings → the plain values a job needs.

Read from the active RenderData (Maxon's Python SDK: ``BaseDocument.GetActiveRenderData()``,
RenderData parameters ``RDATA_RENDERENGINE``, ``RDATA_FRAMESEQUENCE`` (manual, current frame, all
frames, preview range), ``RDATA_FRAMEFROM``/``RDATA_FRAMETO`` (BaseTime), ``RDATA_FRAMESTEP``;
https://developers.maxon.net/docs/py/2025_0_0/modules/c4d.documents/RenderData/index.html). The
tables and the frame arithmetic work without Cinema 4D.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import c4d

# RDATA_RENDERENGINE ids → names (DESIGN.md, Hosts: Cinema 4D). Unknown: the video post's name.
ENGINES = {
    0: "Standard", 1023342: "Physical", 300001061: "Viewport", 1036219: "Redshift", 1029988: "Arnold",
    1053272: "V-Ray", 1030480: "Corona", 1029525: "Octane", 1035287: "Cycles 4D", 1037639: "ProRender",
}
# RDATA_FRAMESEQUENCE values (Render Settings ▸ Output ▸ Frame Range).
MANUAL, CURRENT_FRAME, ALL_FRAMES, PREVIEW_RANGE = 0, 1, 2, 3


@dataclasses.dataclass(frozen=True)
class SceneFacts:
    engine: str
    expected_frames: int


def engine_name(engine_id: int, video_post_name: str | None = None) -> str:
    if engine_id in ENGINES:
        return ENGINES[engine_id]
    return (video_post_name or "").strip() or str(engine_id)


def software_version(number: int) -> str:
    """``GetC4DVersion()`` → the release people know: 2026300 → ``2026.3``, 2024000 → ``2024``."""
    year, minor = number // 1000, (number // 100) % 10
    return f"{year}.{minor}" if minor else str(year)


def frame_count(first: int, last: int, step: int) -> int:
    return len(range(min(first, last), max(first, last) + 1, max(int(step), 1)))


def render_data(doc: c4d.documents.BaseDocument, take_name: str | None = None) -> c4d.documents.RenderData:
    """The render settings a render of ``doc`` uses: the take's *effective* ones (a take may
    override them), for the take named (Commandline ``-take``) or else the current take.

    Maxon's Python SDK: ``BaseDocument.GetTakeData()``, ``TakeData.GetMainTake()`` /
    ``GetCurrentTake()``, ``BaseTake.GetEffectiveRenderData(takeData)`` → (RenderData, BaseTake);
    https://developers.maxon.net/docs/py/2025_0_0/modules/c4d.modules/takesystem/BaseTake/index.html
    """
    takes = doc.GetTakeData()
    if takes is None:
        return doc.GetActiveRenderData()
    take = _find_take(takes.GetMainTake(), take_name) if take_name else takes.GetCurrentTake()
    if take is None:
        return doc.GetActiveRenderData()
    effective, _owner = take.GetEffectiveRenderData(takes)
    return effective if effective is not None else doc.GetActiveRenderData()


def _find_take(take: c4d.modules.takesystem.BaseTake | None, name: str) -> c4d.modules.takesystem.BaseTake | None:
    while take is not None:  # depth first, as the Take Manager lists them
        if take.GetName() == name:
            return take
        found = _find_take(take.GetDown(), name)
        if found is not None:
            return found
        take = take.GetNext()
    return None


def describe(doc: c4d.documents.BaseDocument, take_name: str | None = None) -> SceneFacts:
    """The facts of the render settings a render of ``doc`` (and take) uses."""
    import c4d

    rd = render_data(doc, take_name)
    fps = doc.GetFps()
    sequence = rd[c4d.RDATA_FRAMESEQUENCE]
    if sequence == CURRENT_FRAME:
        frames = 1
    else:
        if sequence == ALL_FRAMES:
            first, last = doc.GetMinTime(), doc.GetMaxTime()
        elif sequence == PREVIEW_RANGE:
            first, last = doc.GetLoopMinTime(), doc.GetLoopMaxTime()
        else:
            first, last = rd[c4d.RDATA_FRAMEFROM], rd[c4d.RDATA_FRAMETO]
        frames = frame_count(first.GetFrame(fps), last.GetFrame(fps), rd[c4d.RDATA_FRAMESTEP])
    engine_id = int(rd[c4d.RDATA_RENDERENGINE])
    return SceneFacts(engine=engine_name(engine_id, _video_post_name(engine_id)), expected_frames=frames)


def _video_post_name(engine_id: int) -> str | None:
    import c4d

    if engine_id in ENGINES:
        return None
    plugin = c4d.plugins.FindPlugin(engine_id, c4d.PLUGINTYPE_VIDEOPOST)
    return plugin.GetName() if plugin is not None else None
