"""Thinkbox Deadline 10: a finished (failed, suspended, deleted) job as :class:`FarmJob` facts.

Used by the event plugin in ``deadline10_plugin/`` (``RenderTally.py``), which Deadline runs
in its own Python with the job object of the event. Only the members used here are read, all
from Deadline's Scripting Reference (https://docs.thinkboxsoftware.com/products/deadline/10.4/
2_Scripting%20Reference/class_deadline_1_1_jobs_1_1_job.html and ..._task.html):
``Job.JobId``, ``JobName``, ``JobPlugin``, ``JobStartedDateTime``, ``JobSubmitDateTime``,
``GetJobPluginInfoKeyValue(key)``, ``GetJobExtraInfoKeyValue(key)``;
``RepositoryUtils.GetJobTasks(job, True).TaskCollectionTasks``; ``Task.TaskStatus``
("Completed", ...), ``Task.TaskFrameList`` (int[]), ``Task.TaskRenderTime`` (a .NET TimeSpan:
``TotalSeconds``).

Frames: the frames of the Completed tasks (a task can render a chunk of frames). Render hours:
the summed TaskRenderTime of the Completed and Failed tasks; a task that never finished carries
a zero or a nonsense span (the "not rendered" sentinel), so only spans between 0 and a year
count.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from rendertally.core.job import JobStatus, JobType

from .record import FarmJob, software_from

log = logging.getLogger(__name__)

MANAGER = "deadline10"
MAX_TASK_SECONDS = 366 * 24 * 3600.0
# Plugin-info keys the Deadline submitters of each host write (MayaBatch "Version"/"Renderer",
# 3dsmax "Version"/"Renderer"… C4D "Version"/"Renderer", Blender "Version").
_VERSION_KEYS = ("Version", "ProductVersion", "Build")
_RENDERER_KEYS = ("Renderer", "RendererName", "Engine")
# Our own job extra-info keys, set by a studio's submitter when it wants per-job overrides.
EXTRA_JOB_TYPE, EXTRA_MISSION_ID = "RenderTallyJobType", "RenderTallyMissionId"


def describe(job: Any, tasks: list[Any], status: JobStatus) -> FarmJob | None:
    """One Deadline job and its tasks → facts; None when the job runs no host of ours."""
    software = software_from(job.JobPlugin)
    if software is None:
        log.debug("Deadline job %s (plugin %s) is not a render of ours; skipped", job.JobId, job.JobPlugin)
        return None
    frames, seconds = 0, 0.0
    for task in tasks:
        if task.TaskStatus == "Completed":
            frames += len(list(task.TaskFrameList))
        if task.TaskStatus in ("Completed", "Failed"):
            span = float(task.TaskRenderTime.TotalSeconds)
            if 0.0 < span < MAX_TASK_SECONDS:
                seconds += span
    started = _utc(job.JobStartedDateTime) or _utc(job.JobSubmitDateTime)
    if started is None:
        return None
    job_type = _info(job.GetJobExtraInfoKeyValue, (EXTRA_JOB_TYPE,))
    return FarmJob(manager=MANAGER, job_id=str(job.JobId), name=str(job.JobName), software=software,
                   software_version=_info(job.GetJobPluginInfoKeyValue, _VERSION_KEYS) or "unknown",
                   engine=_info(job.GetJobPluginInfoKeyValue, _RENDERER_KEYS) or str(job.JobPlugin),
                   frames=frames, render_seconds=seconds, status=status, started=started,
                   job_type=JobType.parse(job_type, "job type") if job_type else None,
                   mission_id=_info(job.GetJobExtraInfoKeyValue, (EXTRA_MISSION_ID,)))


def _info(getter: Any, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = str(getter(key) or "").strip()
        if value:
            return value
    return None


def _utc(value: Any) -> dt.datetime | None:
    """A .NET DateTime (through pythonnet) as aware UTC; None for DateTime.MinValue (never started)."""
    if value is None:
        return None
    value = value.ToUniversalTime()
    if value.Year <= 1:
        return None
    return dt.datetime(value.Year, value.Month, value.Day, value.Hour, value.Minute, value.Second,
                       tzinfo=dt.timezone.utc)
