"""The recorder: what Cinema 4D is seen doing → one :class:`RenderSession` per render.

C4D has no render start/end notification for Python plugins, so a MessageData timer watches:

- ``CheckIsRunning(CHECKISRUNNING_EDITORRENDERING)`` edges: an editor (viewport) render, 1 frame;
- ``CheckIsRunning(CHECKISRUNNING_EXTERNALRENDERING)`` edges: a Picture Viewer render of the
  active document, with the frames its render settings ask for;
- the Render Queue (``GetBatchRender()``): each element entering RM_PROGRESS starts a job, and its
  end state decides it — RM_FINISHED Done, RM_STOPPED Aborted, RM_ERROR/RM_ERROR2 Failed.

The timer sees states, not frames. When the optional "RenderTally" effect (:mod:`.effect`) is in the
render settings, its :class:`~.effect.Tally` holds what the render really did; the recorder, on the
main thread only, binds each effect sequence to the render the watcher started (or reports it alone
when the watcher never saw it) and forwards its frames, so one render is one job:

- frames: the frames the effect saw finish (else, without the effect, the frames asked for on Done);
- status: an end state C4D states (a Render Queue item's) stands; an inferred Done (an edge, the end
  of Commandline) becomes Aborted after a user break or with fewer frames than asked, Failed after
  a render error.
"""
from __future__ import annotations

import dataclasses
import logging

from rendertally.core.job import JobStatus, Software
from rendertally.core.reporter import get_reporter
from rendertally.core.session import RenderSession

from .effect import Sequence, Tally
from .scene import SceneFacts

log = logging.getLogger(__name__)

# An inferred end seen before the effect closed its sequence waits this many timer ticks for it
# (C4D may clear CheckIsRunning before the render thread's last Execute call returns).
CLOSE_WAIT_TICKS = 4


@dataclasses.dataclass
class _Bound:
    sequence: Sequence
    forwarded: int = 0  # how many of its frames reached the session


class Recorder:
    def __init__(self, version: str, tally: Tally | None = None) -> None:
        self.version = version
        self.tally = tally if tally is not None else Tally()
        self._session: RenderSession | None = None
        self.expected = 0
        self._bound: list[_Bound] = []  # the effect's sequences of the current render
        self._waiting: tuple[JobStatus, int] | None = None  # an inferred end waiting for the effect
        self._exclusive = False

    @property
    def session(self) -> RenderSession:
        if self._session is None:
            self._session = get_reporter().session(Software.C4D, self.version)
        return self._session

    @property
    def active(self) -> bool:
        return self._session is not None and self._session.active

    def start(self, facts: SceneFacts, *, sequence: Sequence | None = None) -> None:
        """A render began; the effect's sequences not yet taken belong to it (or just ``sequence``)."""
        if self._waiting is not None:
            self._end(self._waiting[0], known=False)  # the last one's effect never closed: end it now
        defaults = get_reporter().job_defaults()
        self.expected = facts.expected_frames
        self.session.start(engine=facts.engine, job_type=defaults["job_type"], mission_id=defaults["mission_id"],
                           email=defaults["email"], expected_frames=facts.expected_frames)
        self._bound = [_Bound(sequence)] if sequence is not None else []
        self._exclusive = sequence is not None  # a render only the effect saw takes no other sequence
        self._sync()

    def finish(self, status: JobStatus, *, known: bool = False, unclosed: JobStatus | None = None) -> None:
        """The render ended. ``known``: C4D stated ``status`` (a queue item's end state); else it is
        inferred and the effect's facts refine it. An inferred end the effect has not closed yet
        waits for it (:meth:`tick`), unless ``unclosed`` says what such a render is (Commandline
        quitting mid-render: Failed)."""
        if not self.active:
            return
        self._sync()
        if not known and any(not closed for _s, _n, closed in self._states()):
            if unclosed is None:
                self._waiting = (status, CLOSE_WAIT_TICKS)
                return
            status = unclosed
        self._end(status, known=known)

    def tick(self) -> None:
        """Each timer tick: forward the effect's new frames, end a render that waited for its
        effect, and report renders only the effect saw (they began and ended between two ticks)."""
        self._sync()
        if self._waiting is not None:
            status, ticks = self._waiting
            if ticks <= 1 or all(closed for _s, _n, closed in self._states()):
                self._end(status, known=False)
            else:
                self._waiting = (status, ticks - 1)
        if self.active:
            return
        for sequence, _frames, closed in self.tally.pending():
            if not closed:
                return  # still rendering: the watcher may yet see it, or it closes by the next tick
            facts = sequence.facts or SceneFacts(engine="unknown", expected_frames=len(sequence.frames))
            self.start(facts, sequence=sequence)
            self._end(JobStatus.DONE, known=False)
            self.tally.forget(sequence)

    def process_exit(self) -> None:
        self._sync()
        if self._waiting is not None:
            self._end(self._waiting[0], known=False)  # it had ended; only the effect's last call was missing
        if self._session is not None:
            self._session.process_exit(aborted=False)

    # -- the effect's sequences -----------------------------------------------------------------
    def _states(self) -> list[tuple[Sequence, list[int], bool]]:
        return [item for item in self.tally.pending() if any(item[0] is b.sequence for b in self._bound)]

    def _sync(self) -> None:
        """Bind sequences the effect opened to the render in progress; forward their new frames."""
        if not self.active:
            return
        for sequence, frames, _closed in self.tally.pending():
            entry = next((b for b in self._bound if b.sequence is sequence), None)
            if entry is None:
                if self._exclusive:
                    continue
                if self._bound:
                    self.session.new_pass()  # another sequence in one render (e.g. several takes)
                entry = _Bound(sequence)
                self._bound.append(entry)
            for number in frames[entry.forwarded:]:
                self.session.frame_done(number)
            entry.forwarded = len(frames)

    def _end(self, status: JobStatus, *, known: bool) -> None:
        self._waiting = None
        if not self.active:  # nothing recorded (e.g. a farm task reports it): drop what the effect saw
            for entry in self._bound:
                self.tally.forget(entry.sequence)
            self._bound = []
            return
        self._sync()
        states = self._states()
        if not states:  # no effect in this render: the frames asked for on Done, none seen otherwise
            if status is JobStatus.DONE:
                for _ in range(self.expected):
                    self.session.frame_done(None)
        elif not known and status is JobStatus.DONE:
            status = _outcome(states, self.session.frames, self.expected)
        for sequence, _frames, _closed in states:
            self.tally.forget(sequence)
        self._bound = []
        job = self.session.finish(status)
        if job is not None:
            log.info("RenderTally: render %s, %s frame(s), %.4f h queued", job.status.name.lower(), job.frames,
                     job.render_hours)


def _outcome(states: list[tuple[Sequence, list[int], bool]], frames: int, expected: int) -> JobStatus:
    if any(s.failed for s, _f, _c in states):
        return JobStatus.FAILED
    if any(s.broken for s, _f, _c in states) or frames < expected:
        return JobStatus.ABORTED
    return JobStatus.DONE
