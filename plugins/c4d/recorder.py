"""The recorder: what Cinema 4D is seen doing → one :class:`RenderSession` per render.

C4D has no render start/end notification for Python plugins, so a MessageData timer watches:

- ``CheckIsRunning(CHECKISRUNNING_EDITORRENDERING)`` edges: an editor (viewport) render, 1 frame;
- ``CheckIsRunning(CHECKISRUNNING_EXTERNALRENDERING)`` edges: a Picture Viewer render of the
  active document, with the frames its render settings ask for;
- the Render Queue (``GetBatchRender()``): each element entering RM_PROGRESS starts a job, and its
  end state decides it — RM_FINISHED Done, RM_STOPPED Aborted, RM_ERROR/RM_ERROR2 Failed.

The timer sees states, not frames: a Picture Viewer render stopped by hand cannot be told from a
finished one, so it is reported Done with the frames asked for (docs/c4d.md says so).
"""
from __future__ import annotations

import logging

from rendertally.core.job import JobStatus, Software
from rendertally.core.reporter import get_reporter
from rendertally.core.session import RenderSession

from .scene import SceneFacts

log = logging.getLogger(__name__)


class Recorder:
    def __init__(self, version: str) -> None:
        self.version = version
        self._session: RenderSession | None = None
        self.expected = 0

    @property
    def session(self) -> RenderSession:
        if self._session is None:
            self._session = get_reporter().session(Software.C4D, self.version)
        return self._session

    @property
    def active(self) -> bool:
        return self._session is not None and self._session.active

    def start(self, facts: SceneFacts) -> None:
        defaults = get_reporter().job_defaults()
        self.expected = facts.expected_frames
        self.session.start(engine=facts.engine, job_type=defaults["job_type"], mission_id=defaults["mission_id"],
                           email=defaults["email"], expected_frames=facts.expected_frames)

    def finish(self, status: JobStatus) -> None:
        """The render ended: Done counts the frames asked for; a stop or an error counts none seen."""
        if not self.active:
            return
        if status is JobStatus.DONE:
            for _ in range(self.expected):
                self.session.frame_done(None)
        job = self.session.finish(status)
        if job is not None:
            log.info("RenderTally: render %s, %s frame(s), %.4f h queued", job.status.name.lower(), job.frames,
                     job.render_hours)

    def process_exit(self) -> None:
        if self._session is not None:
            self._session.process_exit(aborted=False)
