"""The watcher: what a MessageData timer tick sees → starts and ends of renders on the recorder."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from rendertally.core.job import JobStatus

from .recorder import Recorder
from .scene import SceneFacts, describe

if TYPE_CHECKING:
    import c4d

log = logging.getLogger(__name__)

EDITOR, EXTERNAL = "editor", "external"


class Watcher:
    """Edges of CheckIsRunning and Render Queue element states, one tick at a time."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.rendering: str | tuple[str, int] | None = None
        self.queue_states: dict[int, int] = {}

    def tick(self) -> None:
        import c4d

        if self._queue():
            return  # the Render Queue renders externally too: its elements are the jobs
        # https://developers.maxon.net/docs/py/2025_0_0/modules/c4d/index.html#c4d.CheckIsRunning
        editor = bool(c4d.CheckIsRunning(c4d.CHECKISRUNNING_EDITORRENDERING))
        external = bool(c4d.CheckIsRunning(c4d.CHECKISRUNNING_EXTERNALRENDERING))
        if self.rendering is None:
            if external or editor:
                facts = describe(c4d.documents.GetActiveDocument())
                if not external:
                    facts = SceneFacts(engine=facts.engine, expected_frames=1)  # the viewport: one frame
                self.rendering = EXTERNAL if external else EDITOR
                self.recorder.start(facts)
        elif (self.rendering == EXTERNAL and not external) or (self.rendering == EDITOR and not editor):
            self.rendering = None
            self.recorder.finish(JobStatus.DONE)

    def _queue(self) -> bool:
        import c4d

        # https://developers.maxon.net/docs/py/2025_0_0/modules/c4d.documents/BatchRender/index.html
        batch = c4d.documents.GetBatchRender()
        final = {c4d.RM_FINISHED: JobStatus.DONE, c4d.RM_STOPPED: JobStatus.ABORTED,
                 c4d.RM_ERROR: JobStatus.FAILED, c4d.RM_ERROR2: JobStatus.FAILED}
        for index in range(batch.GetElementCount()):
            state, before = batch.GetElementStatus(index), self.queue_states.get(index)
            self.queue_states[index] = state
            if state == before or before is None:
                continue  # unchanged, or as it already was when we started watching
            ours = self.rendering == ("queue", index)
            if state == c4d.RM_PROGRESS:
                self._start_element(batch, index)
            elif state in final and (ours or before != c4d.RM_PROGRESS):
                if not ours:
                    self._start_element(batch, index)  # it ran and ended between two ticks
                self.rendering = None
                self.recorder.finish(final[state], known=True)  # the queue states how it ended
        return bool(batch.IsRendering()) or isinstance(self.rendering, tuple)

    def _start_element(self, batch: c4d.documents.BatchRender, index: int) -> None:
        import c4d

        if self.rendering is not None:
            self.recorder.finish(JobStatus.DONE)  # the previous one ended unseen between two ticks
        doc = c4d.documents.LoadDocument(batch.GetElement(index), c4d.SCENEFILTER_NONE)
        facts = describe(doc) if doc is not None else SceneFacts(engine="unknown", expected_frames=0)
        self.rendering = ("queue", index)
        self.recorder.start(facts)
