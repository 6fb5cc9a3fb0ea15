"""The recorder: Blender's render events → one :class:`RenderSession`, and nothing else.

Every method runs on Blender's render path, so each only reads the scene and writes the outbox
(SQLite on local disk) and returns; the network belongs to the sender thread.

- An interactive render or ``bpy.ops.render.render`` is one job: render_init starts it,
  render_post/render_write count frames, render_complete ends it Done, render_cancel Aborted
  (a person pressed Esc) or Failed (background mode, or the output could not be written).
- ``blender -b … -f 1..10`` gives one init/complete pair per frame: while the command line's own
  renders run (see :mod:`.batch`), all pairs form ONE job, finished when the last expected pair
  ends; Failed if any pair was cancelled, or if the process exits before the last one.
- A still fires render_complete even when its file then fails to save (the operator raises
  afterwards). It is reported as Done with one frame: the frame *was* rendered; whether the
  file was saved is not visible to a handler.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import bpy
from rendertally.core.job import JobStatus, Software

from . import delivery
from .batch import CommandLine, Plan
from .scene import SceneFacts, describe, software_version

if TYPE_CHECKING:
    from rendertally.core.session import RenderSession

log = logging.getLogger(__name__)


class BatchJob:
    """Bookkeeping of the one job that a ``blender -b`` command line's renders form."""

    def __init__(self, command_line: CommandLine) -> None:
        self.command_line = command_line
        self.plan: Plan | None = None  # known once the first render starts
        self.ended = 0  # init/complete (or init/cancel) pairs that ended
        self.in_render = False
        self.cancelled = False
        self.finished = False

    @property
    def started(self) -> bool:
        return self.plan is not None

    @property
    def last_render_ended(self) -> bool:
        return self.plan is not None and self.plan.renders is not None and self.ended >= self.plan.renders


class Recorder:
    """Drives one RenderSession from Blender's render handlers."""

    def __init__(self, command_line: CommandLine | None = None) -> None:
        self._session: RenderSession | None = None
        self._facts: SceneFacts | None = None
        self.background = bool(bpy.app.background)
        line = command_line or CommandLine()
        # The command line counts only in a real background render (`blender -b … -f/-a`).
        self.batch = BatchJob(line) if self.background and line.background and line.renders else None

    @property
    def session(self) -> RenderSession:
        if self._session is None:
            self._session = delivery.get_reporter().session(Software.BLD, software_version(bpy.app.version))
        return self._session

    def _batch_running(self) -> bool:
        return self.batch is not None and not self.batch.finished

    # -- handlers -----------------------------------------------------------------------------
    def render_init(self, scene: Any) -> None:
        delivery.sync()
        if self._batch_running():
            assert self.batch is not None
            self.batch.in_render = True
            if self.batch.started:
                # The next render of the same command line (-f frame, -a, another -S scene): a
                # new pass, so a frame number rendered again counts again (the Frames rule).
                self.session.new_pass()
                return
            facts = describe(scene)
            self.batch.plan = self.batch.command_line.plan(facts.frame_start, facts.frame_end, facts.frame_step)
            log.info("RenderTally: background render of %s render(s), %s frame(s) expected",
                     self.batch.plan.renders, self.batch.plan.frames)
            self._start(facts, self.batch.plan.frames)
            return
        facts = describe(scene)
        self._start(facts, None)

    def frame_done(self, scene: Any) -> None:
        self.session.frame_done(int(scene.frame_current))

    def render_complete(self, scene: Any) -> None:
        self._render_ended(cancelled=False)
        delivery.sync()

    def render_cancel(self, scene: Any) -> None:
        self._render_ended(cancelled=True)
        delivery.sync()

    # -- exit ---------------------------------------------------------------------------------
    def process_exit(self) -> None:
        """The add-on goes away or the process ends: close what is still open."""
        if self._session is None:
            return
        if self._batch_running():
            assert self.batch is not None
            if self.batch.started:
                # Unknown count: every pair that began also ended, none cancelled → Done.
                clean = (self.batch.plan is not None and self.batch.plan.renders is None
                         and not self.batch.in_render and not self.batch.cancelled)
                if not clean:
                    log.warning("RenderTally: the process ends after %s of %s expected render(s); "
                                "reporting the frames done as Failed", self.batch.ended,
                                self.batch.plan.renders if self.batch.plan else "?")
                self._finish(JobStatus.DONE if clean else JobStatus.FAILED)
                self.batch.finished = True
                return
        # A render still open at exit: Failed, or Aborted when a person quit Blender mid-render.
        self.session.process_exit(aborted=not self.background)

    # -- inside -------------------------------------------------------------------------------
    def _start(self, facts: SceneFacts, expected: int | None) -> None:
        defaults = delivery.get_reporter().job_defaults()
        self._facts = facts
        self.session.start(
            engine=facts.engine,
            job_type=facts.job_type or defaults["job_type"],
            mission_id=facts.mission_id or defaults["mission_id"],
            email=defaults["email"],
            expected_frames=expected,
        )

    def _render_ended(self, *, cancelled: bool) -> None:
        if self._batch_running():
            assert self.batch is not None
            self.batch.ended += 1
            self.batch.in_render = False
            self.batch.cancelled = self.batch.cancelled or cancelled
            if self.batch.last_render_ended:
                self._finish(JobStatus.FAILED if self.batch.cancelled else JobStatus.DONE)
                self.batch.finished = True
            return
        if not cancelled:
            self._finish(JobStatus.DONE)
            return
        write_failed = self._facts is not None and self._facts.output_blocked
        self._finish(JobStatus.FAILED if self.background or write_failed else JobStatus.ABORTED)

    def _finish(self, status: JobStatus) -> None:
        job = self.session.finish(status)
        if job is not None:
            log.info("RenderTally: render %s, %s frame(s), %.4f h queued", job.status.name.lower(),
                     job.frames, job.render_hours)
