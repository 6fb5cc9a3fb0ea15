"""AWS Deadline Cloud: each finished job reported once, from boto3's ``deadline`` client.

Calls (AWS Deadline Cloud API reference, https://docs.aws.amazon.com/deadline-cloud/latest/APIReference/):
``GetJob`` (name, taskRunStatus, startedAt, parameters), ``ListSteps`` and ``ListTasks`` (each
task's runStatus, startedAt/endedAt and its ``Frame`` parameter — an ``int`` or a ``chunkInt``
range such as ``"1-10"``), ``ListJobs`` for polling a queue. Both list calls are paged
(``nextToken``). Triggered by polling (:meth:`DeadlineCloudSource.finished_jobs`) or by an
EventBridge event for a job (:func:`job_from_event`): the event only says *which* job changed;
its facts are always read back with GetJob, so a replayed or reordered event cannot mislead.

Per job: frames = frames of the tasks that SUCCEEDED, over every step (a step is a pass);
render seconds = the summed run time of tasks that ran; status from the job's taskRunStatus:
SUCCEEDED → Done, FAILED → Failed, CANCELED → Aborted. Software and version come from the job's
``CondaPackages`` parameter ("maya=2025 maya-mtoa"), as AWS's own submitters set it, else the job
name; the renderer from a known package or a ``RendererName``/``Renderer`` parameter.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

from rendertally.core.job import JobStatus

from .record import FarmJob, software_from
from .reporter import FarmReporter, Poller

log = logging.getLogger(__name__)

MANAGER = "deadline-cloud"
FINAL = {"SUCCEEDED": JobStatus.DONE, "FAILED": JobStatus.FAILED, "CANCELED": JobStatus.ABORTED}
RAN = {"SUCCEEDED", "FAILED"}
# Conda packages of renderers in AWS's Deadline Cloud conda channel and common ones beside it.
_RENDERER_PACKAGES = {"mtoa": "Arnold", "maya-mtoa": "Arnold", "vray": "V-Ray", "maya-vray": "V-Ray",
                      "redshift": "Redshift", "maya-redshift": "Redshift", "cycles": "Cycles",
                      "renderman": "RenderMan", "octane": "Octane", "corona": "Corona"}
_PACKAGE = re.compile(r"^([A-Za-z0-9_.-]+?)(?:[=<>!~ ]+=?\s*([0-9][0-9A-Za-z.*]*))?$")


class DeadlineCloudSource:
    """Reads finished jobs of a farm's queue as :class:`FarmJob` facts."""

    def __init__(self, client: Any = None) -> None:
        if client is None:
            import boto3  # only here: the farm extra may not be installed

            client = boto3.client("deadline")
        self.client = client

    def finished_jobs(self, farm_id: str, queue_id: str) -> list[FarmJob]:
        found = []
        for summary in self._pages("list_jobs", "jobs", farmId=farm_id, queueId=queue_id):
            if summary.get("taskRunStatus") in FINAL:
                facts = self.describe(farm_id, queue_id, summary["jobId"])
                if facts is not None:
                    found.append(facts)
        return found

    def describe(self, farm_id: str, queue_id: str, job_id: str) -> FarmJob | None:
        """One job → facts, or None while it is not finished or runs no host of ours."""
        job = self.client.get_job(farmId=farm_id, queueId=queue_id, jobId=job_id)
        status = FINAL.get(job.get("taskRunStatus", ""))
        if status is None:
            return None
        packages = _packages(_parameter(job.get("parameters", {}), "CondaPackages") or "")
        software = software_from(*packages, job.get("name"))
        if software is None:
            log.debug("Deadline Cloud job %s runs no host of ours; skipped", job_id)
            return None
        frames, seconds = 0, 0.0
        for step in self._pages("list_steps", "steps", farmId=farm_id, queueId=queue_id, jobId=job_id):
            for task in self._pages("list_tasks", "tasks", farmId=farm_id, queueId=queue_id, jobId=job_id,
                                    stepId=step["stepId"]):
                if task.get("runStatus") == "SUCCEEDED":
                    frames += _task_frames(task.get("parameters", {}))
                if task.get("runStatus") in RAN and task.get("startedAt") and task.get("endedAt"):
                    seconds += max((task["endedAt"] - task["startedAt"]).total_seconds(), 0.0)
        started = job.get("startedAt") or job["createdAt"]
        return FarmJob(manager=MANAGER, job_id=job_id, name=job.get("name", job_id), software=software,
                       software_version=_version(packages, software) or "unknown",
                       engine=_engine(packages, job.get("parameters", {})), frames=frames,
                       render_seconds=seconds, status=status, started=_utc(started))

    def _pages(self, operation: str, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        call = getattr(self.client, operation)
        token = None
        while True:
            page = call(**kwargs, **({"nextToken": token} if token else {}))
            yield from page.get(key, [])
            token = page.get("nextToken")
            if not token:
                return


class DeadlineCloudPoller(Poller):
    """``rendertally farm deadline-cloud``: poll one queue, queue new finished jobs, until stopped."""

    name = "AWS Deadline Cloud"

    def __init__(self, farm_id: str, queue_id: str, *, source: DeadlineCloudSource | None = None,
                 reporter: FarmReporter | None = None, interval: float = 60.0) -> None:
        super().__init__(reporter=reporter, interval=interval)
        self.farm_id, self.queue_id = farm_id, queue_id
        self.source = source or DeadlineCloudSource()

    def finished_jobs(self) -> list[FarmJob]:
        return self.source.finished_jobs(self.farm_id, self.queue_id)


def job_from_event(event: Mapping[str, Any]) -> tuple[str, str, str]:
    """(farm id, queue id, job id) named by an EventBridge event from Deadline Cloud."""
    detail = event.get("detail") or {}
    try:
        return detail["farmId"], detail["queueId"], detail["jobId"]
    except KeyError as exc:
        raise ValueError(f"not a Deadline Cloud job event: its detail has no {exc.args[0]}") from exc


def _parameter(parameters: Mapping[str, Any], name: str) -> str | None:
    value = parameters.get(name)
    if not isinstance(value, Mapping):
        return None
    for kind in ("string", "path", "int", "float"):
        if kind in value:
            return str(value[kind])
    return None


def _packages(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", text.strip()) if part]


def _version(packages: list[str], software: Any) -> str | None:
    for package in packages:
        match = _PACKAGE.match(package)
        if match and match.group(2) and software_from(match.group(1)) == software:
            return match.group(2).rstrip(".*")
    return None


def _engine(packages: list[str], parameters: Mapping[str, Any]) -> str:
    for package in packages:
        match = _PACKAGE.match(package)
        if match and match.group(1).lower() in _RENDERER_PACKAGES:
            return _RENDERER_PACKAGES[match.group(1).lower()]
    return _parameter(parameters, "RendererName") or _parameter(parameters, "Renderer") or "unknown"


def _task_frames(parameters: Mapping[str, Any]) -> int:
    """Frames one task rendered: its ``Frame`` parameter, a number or a chunk like "1-10" or "1-9:2"."""
    frame = parameters.get("Frame") or {}
    if "int" in frame:
        return 1
    chunk = str(frame.get("chunkInt", "")).strip()
    total = 0
    for part in filter(None, (p.strip() for p in chunk.split(","))):
        match = re.fullmatch(r"(-?\d+)(?:-(-?\d+)(?::(\d+))?)?", part)
        if not match:
            return 1  # a shape we do not know: the task still rendered at least one frame
        first, last, step = int(match.group(1)), int(match.group(2) or match.group(1)), int(match.group(3) or 1)
        total += len(range(first, last + 1, step)) if last >= first else 0
    return total or 1


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
