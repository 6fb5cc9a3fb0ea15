"""OpenCue: report each finished job once, from Cuebot, through OpenCue's own ``pycue`` client.

Calls used (pycue, ``opencue`` package; https://docs.opencue.io/docs/reference/pycue/):
``opencue.api.getJobs(show=[...], include_finished=True)`` (JobInterface.GetJobs),
``Job.getLayers()`` (GetLayers), ``Job.getFrames(layer=[...])`` (GetFrames); pycue itself checks the
connection with CueInterface.GetSystemStats when it opens its channel (``CUEBOT_HOSTS``).

Per job: frames = frames that SUCCEEDED, over all layers (a layer is a pass: the same frame
number in two layers counts twice, DESIGN's Frames rule); render seconds = the summed run time
of the frames that ran (SUCCEEDED or DEAD); status Done when every frame succeeded, Failed when
any frame is DEAD, Aborted when the job finished with frames that never ran (killed / eaten).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from rendertally.core.job import JobStatus

from .record import FarmJob, from_epoch, software_from
from .reporter import FarmReporter, Poller

log = logging.getLogger(__name__)

MANAGER = "opencue"
DEFAULT_INTERVAL = 60.0
FRAME_PAGE = 500
_VERSION = re.compile(r"(\d{4}(?:\.\d+)*|\d+\.\d+(?:\.\d+)*)")


class OpenCueSource:
    """Finished jobs of some shows, as :class:`FarmJob` facts (jobs not of our hosts are skipped)."""

    def __init__(self, api: Any = None) -> None:
        if api is None:
            from opencue import api  # only here: the farm extra may not be installed
        self.api = api
        from opencue_proto import job_pb2

        self._job_finished = job_pb2.FINISHED
        self._succeeded, self._dead = job_pb2.SUCCEEDED, job_pb2.DEAD
        self._ran = {job_pb2.SUCCEEDED, job_pb2.DEAD}

    def finished_jobs(self, shows: Iterable[str]) -> list[FarmJob]:
        jobs = self.api.getJobs(show=list(shows), include_finished=True)
        found = []
        for job in jobs:
            if job.data.state != self._job_finished:
                continue
            facts = self.describe(job)
            if facts is None:
                log.debug("OpenCue job %s runs no host of ours; skipped", job.name())
                continue
            found.append(facts)
        return found

    def describe(self, job: Any) -> FarmJob | None:
        """One finished job → facts, in this one function (scene → plain model, as every adapter)."""
        layers = job.getLayers()
        services = [service for layer in layers for service in layer.data.services]
        tags = [tag for layer in layers for tag in layer.data.tags]
        names = [*services, *tags, job.name()]
        software = software_from(*names)
        if software is None:
            return None
        frames = self._all_frames(job)
        done = sum(1 for frame in frames if frame.data.state == self._succeeded)
        dead = sum(1 for frame in frames if frame.data.state == self._dead)
        seconds = float(sum(frame.runTime() for frame in frames if frame.data.state in self._ran))
        if dead:
            status = JobStatus.FAILED
        elif done < len(frames) or not frames:
            status = JobStatus.ABORTED
        else:
            status = JobStatus.DONE
        started = from_epoch(job.data.start_time) or from_epoch(min(
            (f.data.start_time for f in frames if f.data.start_time), default=0))
        if started is None:
            started = from_epoch(job.data.stop_time)
        if started is None:
            return None
        version = next((m.group(1) for m in map(_VERSION.search, names) if m), "unknown")
        # A layer's services name the host and often the renderer ("maya", "arnold").
        renderers = [s for s in services if software_from(s) is None]
        engine = renderers[0] if renderers else (services[0] if services else "unknown")
        return FarmJob(manager=MANAGER, job_id=job.id(), name=job.name(), software=software,
                       software_version=version, engine=engine, frames=done, render_seconds=seconds,
                       status=status, started=started)

    @staticmethod
    def _all_frames(job: Any) -> list[Any]:
        # GetFrames answers one page (500 by default, pycue's FrameSearch); a long job has more.
        frames: list[Any] = []
        page = 1
        while True:
            batch = job.getFrames(page=page, limit=FRAME_PAGE)
            frames.extend(batch)
            if len(batch) < FRAME_PAGE:
                return frames
            page += 1


class OpenCuePoller(Poller):
    """``rendertally farm opencue``: poll Cuebot, queue new finished jobs, until stopped."""

    name = "OpenCue"

    def __init__(self, shows: Iterable[str], *, source: OpenCueSource | None = None,
                 reporter: FarmReporter | None = None, interval: float = DEFAULT_INTERVAL) -> None:
        super().__init__(reporter=reporter, interval=interval)
        self.shows = list(shows)
        self.source = source or OpenCueSource()

    def finished_jobs(self) -> list[FarmJob]:
        return self.source.finished_jobs(self.shows)
