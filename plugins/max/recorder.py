"""The recorder: 3ds Max's render notifications → one :class:`RenderSession`, and nothing else.

#preRender starts a job, #postRenderFrame counts a frame, #postRender ends it. Max sends no
cancel or failure notification, so the status is inferred: fewer frames than the settings asked
for is Aborted when a person could press Cancel (interactive), Failed in quiet/network mode;
#preSystemShutdown with a render still open is Failed. One render is one pass (the Frames rule):
each #postRenderFrame is one frame rendered.
"""
from __future__ import annotations

import logging

from rendertally.core.job import JobStatus, Software
from rendertally.core.reporter import get_reporter
from rendertally.core.session import RenderSession

from .scene import SceneFacts

log = logging.getLogger(__name__)


class Recorder:
    """Drives one RenderSession from Max's render notifications (plain facts in, no pymxs here)."""

    def __init__(self, *, version: str, quiet: bool) -> None:
        self.version = version
        self.quiet = quiet  # 3dsmaxcmd, 3dsmaxbatch, Backburner/Deadline network renders
        self._session: RenderSession | None = None
        self.facts: SceneFacts | None = None

    @property
    def session(self) -> RenderSession:
        if self._session is None:
            self._session = get_reporter().session(Software.MAX, self.version)
        return self._session

    @property
    def rendering(self) -> bool:
        """A job is open (between #preRender and #postRender)."""
        return self._session is not None and self._session.active

    def pre_render(self, facts: SceneFacts) -> None:
        self.facts = facts
        defaults = get_reporter().job_defaults()
        self.session.start(engine=facts.engine, job_type=defaults["job_type"], mission_id=defaults["mission_id"],
                           email=defaults["email"], expected_frames=facts.expected_frames)

    def post_frame(self) -> None:
        self.session.frame_done(None)

    def post_render(self) -> None:
        session = self.session
        if not session.active:
            return
        expected = session.expected
        short = expected is not None and session.frames < expected
        status = JobStatus.DONE
        if short:
            status = JobStatus.FAILED if self.quiet else JobStatus.ABORTED
            log.info("RenderTally: %s of %s frame(s) rendered; reported as %s", session.frames, expected,
                     status.name.lower())
        job = session.finish(status)
        if job is not None:
            log.info("RenderTally: render %s, %s frame(s), %.4f h queued", job.status.name.lower(), job.frames,
                     job.render_hours)

    def shutdown(self) -> None:
        """Max is closing: a render still open did not end normally."""
        if self._session is not None:
            self._session.process_exit(aborted=False)
