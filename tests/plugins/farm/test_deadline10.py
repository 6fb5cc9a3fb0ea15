"""Deadline 10: the event plugin, loaded as Deadline loads it, against a faithful Deadline fake."""
from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

from rendertally.core.reporter import get_reporter
from rendertally.core.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[3]
PLUGIN = ROOT / "plugins" / "farm" / "deadline10_plugin" / "RenderTally.py"
T0 = dt.datetime(2026, 11, 30, 21, 15, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def deadline(monkeypatch):
    """The fake ``Deadline`` package on sys.path, and the event plugin module loaded from its file."""
    monkeypatch.syspath_prepend(str(ROOT / "tests" / "hosts" / "deadline"))
    for name in [m for m in sys.modules if m == "Deadline" or m.startswith("Deadline.")]:
        monkeypatch.delitem(sys.modules, name)
    spec = importlib.util.spec_from_file_location("RenderTally_event", PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from Deadline import Jobs

    return module, Jobs


@pytest.fixture
def sandbox(credentials_env):
    with Sandbox() as box:
        credentials_env(box.url)
        yield box


def _maya_job(jobs, job_id="6543a1", **info):
    tasks = [jobs.Task("Completed", [1, 2, 3], 1800), jobs.Task("Completed", [4, 5], 1200),
             jobs.Task("Failed", [6], 60), jobs.Task("Queued", [7], -1e12)]  # unrendered task's sentinel
    return jobs.Job(job_id, "shot-010 lighting", "MayaBatch", started=T0, tasks=tasks,
                    plugin_info={"Version": "2025", "Renderer": "arnold"}, extra_info=info)


def test_a_finished_job_is_reported_once_with_frames_and_summed_task_time(deadline, sandbox):
    """OnJobFinished → one Done report: frames of completed tasks, completed + failed task time."""
    plugin, jobs = deadline
    listener = plugin.GetDeadlineEventListener()
    job = _maya_job(jobs)
    listener.OnJobFinishedCallback.fire(job)
    listener.OnJobFinishedCallback.fire(job)  # Deadline may raise an event twice: once is reported
    assert get_reporter().flush(10, force=True)
    (sent,) = sandbox.jobs
    request = sent["request"]
    assert (request["SoftwareName"], request["SoftwareVersion"], request["RenderEngine"]) == ("MAY", "2025", "arnold")
    assert (request["Frames"], request["JobStatus"], request["RunDate"]) == ("5", "1", "2026-11-30 21:15:00")
    assert float(request["RenderHours"]) == pytest.approx(3060 / 3600, abs=1e-6)
    assert ("info", "RenderTally: job 6543a1 was reported already") in listener.log_lines


@pytest.mark.parametrize(("event", "status"), [("OnJobFailedCallback", "3"), ("OnJobSuspendedCallback", "2"),
                                               ("OnJobDeletedCallback", "2")])
def test_failed_suspended_and_deleted_jobs_are_failed_or_aborted(deadline, sandbox, event, status):
    """Failed → Failed; Suspended or Deleted → Aborted; per-job type and mission id from extra info."""
    plugin, jobs = deadline
    listener = plugin.GetDeadlineEventListener()
    getattr(listener, event).fire(_maya_job(jobs, RenderTallyJobType="economy", RenderTallyMissionId="88"))
    assert get_reporter().flush(10, force=True)
    request = sandbox.jobs[0]["request"]
    assert (request["JobStatus"], request["JobType"], request["MissionId"]) == (status, "1", "88")


def test_jobs_of_other_plugins_and_cleanup(deadline, sandbox):
    """A Nuke job is not ours; after Cleanup no handler is left to fire."""
    plugin, jobs = deadline
    listener = plugin.GetDeadlineEventListener()
    listener.OnJobFinishedCallback.fire(jobs.Job("n1", "comp", "Nuke", started=T0, tasks=[]))
    plugin.CleanupDeadlineEventListener(listener)
    assert listener.OnJobFinishedCallback.handlers == []
    listener.OnJobFinishedCallback.fire(_maya_job(jobs))
    assert get_reporter().outbox.counts()["pending"] == 0
    assert sandbox.jobs == []


def test_an_unimportable_library_warns_instead_of_failing_the_event(deadline, monkeypatch):
    """Library Path wrong → a warning in Deadline's log, no exception into Deadline."""
    plugin, jobs = deadline
    monkeypatch.setitem(sys.modules, "rendertally.plugins.farm.deadline_event", None)
    listener = plugin.GetDeadlineEventListener()
    listener.OnJobFinishedCallback.fire(_maya_job(jobs))
    assert listener.log_lines[0][0] == "warning"
    assert "Library Path" in listener.log_lines[0][1]


def test_a_submitted_job_marks_its_tasks_as_farm_reported(deadline):
    """OnJobSubmitted puts RENDERTALLY_FARM_TASK into the job's environment and saves the job."""
    from rendertally.core import farmtask

    module, jobs = deadline
    listener = module.GetDeadlineEventListener()
    job = _maya_job(jobs)
    listener.OnJobSubmittedCallback.fire(job)
    assert job.GetJobEnvironmentKeyValue(farmtask.MARKER) == "deadline10" and job.saved == 1
    assert farmtask.manager({farmtask.MARKER: job.GetJobEnvironmentKeyValue(farmtask.MARKER)}) == "deadline10"
