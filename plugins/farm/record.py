"""A finished farm job as plain facts, and the one way it becomes a :class:`RenderJob`."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from rendertally.core.job import JobStatus, JobType, RenderJob, Software

UTC = dt.timezone.utc

# Farm managers name the host by their job plugin or service, in many spellings:
# Deadline 10 plugins "MayaBatch", "MayaCmd", "3dsmax", "3dsCmd", "Cinema4D", "Cinema4DBatch",
# "Blender"; OpenCue services/layer types "maya", "blender"; Deadline Cloud conda packages
# "maya=2025", "blender=4.2", "3dsmax", "cinema4d".
_SOFTWARE_PATTERNS = (
    (re.compile(r"maya", re.I), Software.MAY),
    (re.compile(r"3ds\s*max|3dsmax|3dscmd|max(cmd|batch)?$", re.I), Software.MAX),
    (re.compile(r"cinema\s*4d|c4d", re.I), Software.C4D),
    (re.compile(r"blender", re.I), Software.BLD),
)


def software_from(*names: str | None) -> Software | None:
    """The host a farm job ran, from its plugin / service / package names; None if none is ours."""
    for name in names:
        if not name:
            continue
        for pattern, software in _SOFTWARE_PATTERNS:
            if pattern.search(name):
                return software
    return None


@dataclasses.dataclass(frozen=True)
class FarmJob:
    """What a farm manager knows about one finished job, before it is a RenderJob."""

    manager: str  # "deadline10", "opencue", "deadline-cloud"
    job_id: str
    name: str
    software: Software
    software_version: str
    engine: str
    frames: int
    render_seconds: float  # summed render time of the job's tasks
    status: JobStatus
    started: dt.datetime  # UTC
    job_type: JobType | None = None
    mission_id: str | None = None

    @property
    def key(self) -> str:
        """Identifies the job across restarts: the ledger remembers it."""
        return f"{self.manager}:{self.job_id}"

    def to_render_job(self, *, job_type: JobType | str = JobType.NORMAL, mission_id: str | None = None,
                      email: str | None = None) -> RenderJob:
        """The record to queue; per-job type and mission id win over the settings' defaults."""
        return RenderJob(
            frames=self.frames,
            render_hours=max(self.render_seconds, 0.0) / 3600.0,
            software=self.software,
            software_version=self.software_version or "unknown",
            render_engine=self.engine or "unknown",
            status=self.status,
            job_type=self.job_type or job_type,
            run_date=self.started.astimezone(UTC),
            mission_id=self.mission_id or mission_id,
            email=email,
        )


def from_epoch(seconds: float | int | None) -> dt.datetime | None:
    """A Unix time as an aware UTC datetime; None for the farm managers' "not set" zero."""
    if not seconds or seconds <= 0:
        return None
    return dt.datetime.fromtimestamp(float(seconds), UTC)
