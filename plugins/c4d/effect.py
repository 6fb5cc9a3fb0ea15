"""The optional "RenderTally" render effect: a VideoPostData that sees each frame and the user's break.

Off by default: C4D calls a video post only when it is in the render's RenderData (Render Settings ▸
Effect… ▸ RenderTally). Then, for each render, ``Execute(node, vps)`` runs on C4D's render thread
with opener/closer pairs (``vps["open"]`` True/False) of ``vps["vp"]``: VIDEOPOSTCALL_FRAMESEQUENCE
around the whole render, VIDEOPOSTCALL_FRAME around each frame (and SUBFRAME/RENDER/INNER inside).
A user break is ``vps["thread"].TestBreak()``; ``vps["error"]`` carries the render's result. There
is no "break" key: the keys are BaseVideoPostStruct's fields (version, vp, open, time, fps, error,
vd, doc, thread, subframe…, render, renderflags, …), as in Maxon's c4d_videopostdata.h and
https://developers.maxon.net/docs/cpp/2025_0_1/structcinema_1_1_base_video_post_struct.html;
VIDEOPOSTCALL: https://developers.maxon.net/docs/cpp/2024_5_0/group___v_i_d_e_o_p_o_s_t_c_a_l_l.html.
Python receives ``vps`` as a dict (not confirmed by a Python SDK page we could read): every key but
"vp" and "open" is read with ``get``.

The callback only *records*: a few list appends under a lock in a :class:`Tally`. The main thread
(the watcher's timer, :meth:`recorder.Recorder.tick`) turns those facts into the job — so the effect
and the watcher never both report one render, and nothing here touches the GUI, the disk or the
network while C4D renders.

Registered with ``c4d.plugins.RegisterVideoPostPlugin(id, str, info, g, description, disklevel,
priority)``: ``info`` 0 — neither PLUGINFLAG_VIDEOPOST_ISRENDERER (it renders nothing) nor
PLUGINFLAG_VIDEOPOST_MULTIPLE (one per render is enough; two would see the same frames); ``g`` the
class (C4D allocates an instance per video post node); ``description`` "VPrendertally", loaded from
the plugin folder's ``res/description/vprendertally.res`` with its ``.h`` and string tables.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

from rendertally.core.guard import guarded

from .scene import SceneFacts, describe

log = logging.getLogger(__name__)

DESCRIPTION = "VPrendertally"  # res/description/vprendertally.res: CONTAINER VPrendertally


@dataclasses.dataclass
class Sequence:
    """One render as the effect saw it (written on the render thread, read under the tally's lock)."""

    facts: SceneFacts | None
    frames: list[int] = dataclasses.field(default_factory=list)  # frame numbers finished, in order
    closed: bool = False
    broken: bool = False  # the user broke the render off
    failed: bool = False  # the render ended with an error


class Tally:
    """Facts handed from C4D's render thread to its main thread. Thread-safe; every call is cheap."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sequences: list[Sequence] = []

    # -- render thread --------------------------------------------------------------------------
    def opened(self, facts: SceneFacts | None) -> Sequence:
        sequence = Sequence(facts)
        with self._lock:
            self._sequences.append(sequence)
        return sequence

    def frame(self, sequence: Sequence, number: int) -> None:
        with self._lock:
            if not sequence.closed:
                sequence.frames.append(number)

    def closed(self, sequence: Sequence, *, broken: bool, failed: bool) -> None:
        with self._lock:
            sequence.broken, sequence.failed, sequence.closed = broken, failed, True

    # -- main thread ----------------------------------------------------------------------------
    def pending(self) -> list[tuple[Sequence, list[int], bool]]:
        """Each render not yet taken: (sequence, its frames so far, closed?), oldest first."""
        with self._lock:
            return [(s, list(s.frames), s.closed) for s in self._sequences]

    def forget(self, sequence: Sequence) -> None:
        with self._lock:
            if sequence in self._sequences:
                self._sequences.remove(sequence)


def make_effect_class(tally: Tally) -> type:
    """The VideoPostData class registered as "RenderTally", feeding ``tally``."""
    import c4d

    class RenderTallyEffect(c4d.plugins.VideoPostData):
        """Records what the render does; returns RENDERRESULT_OK always (it never stops a render)."""

        def __init__(self) -> None:
            super().__init__()
            self.sequence: Sequence | None = None
            self._guarded_record = guarded(self.record)  # built once: Execute runs many times a frame

        def Execute(self, node: c4d.documents.BaseVideoPost, vps: dict[str, Any]) -> int:  # noqa: N802
            self._guarded_record(vps)
            return c4d.RENDERRESULT_OK

        def record(self, vps: dict[str, Any]) -> None:
            call, opening = vps["vp"], bool(vps["open"])
            if call == c4d.VIDEOPOSTCALL_FRAMESEQUENCE and opening:
                self.sequence = None
                flags = int(vps.get("renderflags") or 0)
                if flags & (c4d.RENDERFLAGS_PREVIEWRENDER | c4d.RENDERFLAGS_IRR):
                    return  # material previews and the Interactive Render Region are not jobs
                self.sequence = tally.opened(_facts(vps.get("doc"), flags))
            elif self.sequence is None:
                return
            elif call == c4d.VIDEOPOSTCALL_FRAME and not opening:
                if not _stopped(vps):  # a frame closed by a break or an error was not rendered
                    tally.frame(self.sequence, vps["time"].GetFrame(int(vps["fps"])))
            elif call == c4d.VIDEOPOSTCALL_FRAMESEQUENCE and not opening:
                thread = vps.get("thread")
                tally.closed(self.sequence, broken=bool(thread is not None and thread.TestBreak()),
                             failed=_error(vps) not in (c4d.RENDERRESULT_OK, c4d.RENDERRESULT_USERBREAK))
                self.sequence = None

    return RenderTallyEffect


def _stopped(vps: dict[str, Any]) -> bool:
    import c4d

    thread = vps.get("thread")
    return (thread is not None and bool(thread.TestBreak())) or _error(vps) != c4d.RENDERRESULT_OK


def _error(vps: dict[str, Any]) -> int:
    import c4d

    error = vps.get("error")
    return c4d.RENDERRESULT_OK if error is None else int(error)


def _facts(doc: Any, flags: int) -> SceneFacts | None:
    """Engine and frames asked for, from the render's own document (its RenderData and take)."""
    import c4d

    if doc is None:
        return None
    facts = describe(doc)
    if not flags & c4d.RENDERFLAGS_EXTERNAL:
        return SceneFacts(engine=facts.engine, expected_frames=1)  # an editor render: one frame
    return facts
