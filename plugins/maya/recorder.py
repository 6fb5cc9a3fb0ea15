"""The recorder: Maya's render events → one :class:`RenderSession`, and nothing else.

Two witnesses, one job: Maya Software sends ``MSceneMessage`` software-render messages (with an
interrupt signal); every other renderer is seen through our render-globals MEL fragments. Maya
Software runs those fragments too, so for it they are ignored. Each method only reads the scene
and writes the outbox (SQLite on local disk); the network belongs to the sender thread.

Frames (DESIGN.md): a job is one render (preMel … postMel, or the software-render messages); each
render layer is a pass; each renderable camera renders every frame of a layer, so within a layer
a frame number counts up to once per camera, and duplicate per-frame events beyond that once.
"""
from __future__ import annotations

import logging

from rendertally.core.job import JobStatus, Software
from rendertally.core.reporter import get_reporter
from rendertally.core.session import RenderSession

from . import scene
from .scene import SceneFacts

log = logging.getLogger(__name__)

MEL_EVENTS = ("render_start", "render_end", "layer_start", "frame_start", "frame_end",
              "redshift_frame_start", "redshift_frame_end")


class Recorder:
    """Drives one RenderSession from Maya's render messages and our MEL fragments."""

    def __init__(self, *, version: str, batch: bool) -> None:
        self.version = version
        self.batch = batch
        self._session: RenderSession | None = None
        self.facts: SceneFacts | None = None
        self.interrupted = False
        self._layers: list[str] = []
        self._seen: dict[tuple[str, int], int] = {}
        # Who drives the open job: "software" (the MSceneMessage software-render messages) or
        # "mel" (our fragments). For Maya Software the messages win once they are seen; if they
        # never come (not confirmed for every batch mode), the fragments report it alone.
        self.source: str | None = None

    @property
    def session(self) -> RenderSession:
        if self._session is None:
            self._session = get_reporter().session(Software.MAY, self.version)
        return self._session

    @property
    def active(self) -> bool:
        return self._session is not None and self._session.active

    # -- Maya Software: MSceneMessage ----------------------------------------------------------
    def software_start(self) -> None:
        if self.active and self.source == "mel" and scene.describe_renderer() == scene.MAYA_SOFTWARE:
            self.source = "software"  # preMel ran first: the same render, now with its messages
            return
        self._start()
        self.source = "software"

    def software_frame_done(self) -> None:
        self._frame_done()

    def software_interrupted(self) -> None:
        self.interrupted = True

    def software_end(self) -> None:
        self._finish(JobStatus.ABORTED if self.interrupted else JobStatus.DONE)

    # -- every other renderer: our MEL fragments -----------------------------------------------
    def mel_event(self, event: str) -> None:
        if event not in MEL_EVENTS:
            raise ValueError(f"unknown RenderTally MEL event {event!r}")
        renderer = scene.describe_renderer()
        if renderer == scene.MAYA_SOFTWARE and self.source == "software":
            return  # the software-render messages report it (and know about interrupts)
        redshift_slot = event.startswith("redshift_")
        if redshift_slot != (renderer == scene.REDSHIFT) and event.endswith(("frame_start", "frame_end")):
            return  # per-frame: Redshift's own slots for Redshift, the render globals' for the rest
        if event == "render_start":
            self._start()
            self.source = "mel"
        elif event == "render_end":
            self._finish(JobStatus.DONE)
        elif event == "layer_start":
            if self.active:
                self._enter_layer(scene.current_layer())
        elif event.endswith("frame_start"):
            if not self.active:
                self._start()  # a renderer that skipped preMel: the first frame starts the job
                self.source = "mel"
        else:
            if not self.active:
                self._start()
                self.source = "mel"
            self._frame_done()

    # -- exit ---------------------------------------------------------------------------------
    def process_exit(self) -> None:
        """Maya is exiting: a render still open is Aborted after an interrupt, else Failed.

        One exception: a batch render (``Render``, mayabatch) whose every expected frame was
        rendered but whose postMel never ran (``Render -postRender`` replaces the scene's postMel,
        and with it our fragment) is Done.
        """
        if not self.active:
            return
        expected = self.session.expected
        if self.batch and not self.interrupted and expected and self.session.frames >= expected:
            log.info("RenderTally: batch render ended without postMel after all %s frame(s); Done", expected)
            self._finish(JobStatus.DONE)
            return
        if self.active:
            log.warning("RenderTally: Maya exits during a render; reporting the frames done")
            self.session.process_exit(aborted=self.interrupted)

    # -- inside -------------------------------------------------------------------------------
    def _start(self) -> None:
        facts = scene.describe()
        defaults = get_reporter().job_defaults()
        self.facts, self.interrupted, self._layers, self._seen = facts, False, [], {}
        self.session.start(
            engine=facts.engine,
            job_type=facts.job_type or defaults["job_type"],
            mission_id=facts.mission_id or defaults["mission_id"],
            email=defaults["email"],
            expected_frames=facts.expected_frames * facts.cameras if self.batch else None,
        )
        self._layers.append(scene.current_layer())

    def _enter_layer(self, layer: str) -> None:
        if self._layers and self._layers[-1] == layer:
            return
        if self._layers:
            self.session.new_pass()
        self._layers.append(layer)

    def _frame_done(self) -> None:
        if not self.active:
            return
        layer = scene.current_layer()
        self._enter_layer(layer)
        key = (f"{len(self._layers)}:{layer}", scene.current_frame())
        cameras = self.facts.cameras if self.facts is not None else 1
        if self._seen.get(key, 0) >= cameras:
            return  # another event of a frame already counted for each camera (AOVs, duplicates)
        self._seen[key] = self._seen.get(key, 0) + 1
        self.session.frame_done(None)

    def _finish(self, status: JobStatus) -> None:
        if not self.active:
            return
        self.source = None
        job = self.session.finish(status)
        if job is not None:
            log.info("RenderTally: %s render %s, %s frame(s), %.4f h queued", job.render_engine,
                     job.status.name.lower(), job.frames, job.render_hours)
