"""AWS Deadline Cloud: the real boto3 client, answered by botocore's Stubber (service model checked)."""
from __future__ import annotations

import datetime as dt

import pytest

boto3 = pytest.importorskip("boto3")
from botocore.stub import Stubber  # noqa: E402

from rendertally.core.job import JobStatus, Software  # noqa: E402
from rendertally.plugins.farm.deadline_cloud import DeadlineCloudSource, job_from_event  # noqa: E402
from rendertally.plugins.farm.reporter import FarmReporter  # noqa: E402

FARM, QUEUE = "farm-" + "a" * 32, "queue-" + "b" * 32
JOB_OK, JOB_FAIL, JOB_RUN = ("job-" + c * 32 for c in "cde")
STEP = "step-" + "f" * 32
T0 = dt.datetime(2026, 11, 30, 8, 0, 0, tzinfo=dt.timezone.utc)
WHO = {"createdBy": "arn:aws:sts::123456789012:assumed-role/Artist/a"}


@pytest.fixture
def stubbed():
    """A real ``deadline`` client whose answers come from the test, validated against the model."""
    client = boto3.client("deadline", region_name="us-west-2", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def _job(job_id, status, name="shot-010 lighting", packages="maya=2025 maya-mtoa"):
    return {"jobId": job_id, "name": name, "lifecycleStatus": "SUCCEEDED", "lifecycleStatusMessage": "",
            "priority": 50, "createdAt": T0,
            **WHO, "startedAt": T0, "taskRunStatus": status, "taskRunStatusCounts": {status: 1},
            "parameters": {"CondaPackages": {"string": packages}}}


def _task(n, status, frame, seconds):
    return {"taskId": f"task-{'f' * 32}-{n}", "createdAt": T0, **WHO, "runStatus": status,
            "startedAt": T0, "endedAt": T0 + dt.timedelta(seconds=seconds), "parameters": {"Frame": frame}}


def _expect_job(stub, job, tasks_pages):
    ids = {"farmId": FARM, "queueId": QUEUE, "jobId": job["jobId"]}
    stub.add_response("get_job", job, ids)
    stub.add_response("list_steps", {"steps": [{"stepId": STEP, "name": "Render", "lifecycleStatus": "CREATE_COMPLETE",
                                                "taskRunStatus": job["taskRunStatus"], "taskRunStatusCounts": {},
                                                "createdAt": T0, **WHO}]}, ids)
    for i, tasks in enumerate(tasks_pages):
        page = {"tasks": tasks, **({"nextToken": f"t{i + 1}"} if i + 1 < len(tasks_pages) else {})}
        stub.add_response("list_tasks", page, {**ids, "stepId": STEP, **({"nextToken": f"t{i}"} if i else {})})


def test_a_finished_job_is_read_from_tasks_over_pages(stubbed):
    """Frames from each succeeded task's Frame (int or chunk), hours summed, Arnold from mtoa."""
    client, stub = stubbed
    _expect_job(stub, _job(JOB_OK, "SUCCEEDED"), [
        [_task(0, "SUCCEEDED", {"int": "1"}, 600), _task(1, "SUCCEEDED", {"chunkInt": "2-5"}, 1200)],
        [_task(2, "SUCCEEDED", {"chunkInt": "6-10:2"}, 1800)],
    ])
    facts = DeadlineCloudSource(client).describe(FARM, QUEUE, JOB_OK)
    assert (facts.software, facts.software_version, facts.engine) == (Software.MAY, "2025", "Arnold")
    assert (facts.frames, facts.render_seconds, facts.status) == (1 + 4 + 3, 3600.0, JobStatus.DONE)
    assert facts.started == T0


def test_polling_reports_finished_jobs_once_and_skips_running_ones(stubbed, credentials_env, tmp_path):
    """list_jobs → only terminal jobs are read; a second poll queues nothing new."""
    client, stub = stubbed
    jobs = [{k: v for k, v in _job(j, s).items() if k not in ("parameters",)} for j, s in
            ((JOB_OK, "SUCCEEDED"), (JOB_FAIL, "FAILED"), (JOB_RUN, "RUNNING"))]
    for _ in range(2):
        stub.add_response("list_jobs", {"jobs": jobs}, {"farmId": FARM, "queueId": QUEUE})
        _expect_job(stub, _job(JOB_OK, "SUCCEEDED"), [[_task(0, "SUCCEEDED", {"int": "1"}, 36)]])
        _expect_job(stub, _job(JOB_FAIL, "FAILED", name="fx", packages="blender=4.2"),
                    [[_task(0, "SUCCEEDED", {"int": "1"}, 36), _task(1, "FAILED", {"int": "2"}, 72)]])
    reporter = FarmReporter()
    source = DeadlineCloudSource(client)
    rows = reporter.report_all(source.finished_jobs(FARM, QUEUE))
    assert len(rows) == 2
    assert reporter.report_all(source.finished_jobs(FARM, QUEUE)) == []
    jobs_queued = [reporter.reporter.outbox.get(row).job for row in rows]
    failed = next(j for j in jobs_queued if j.software == Software.BLD)
    assert (failed.status, failed.frames, failed.software_version) == (JobStatus.FAILED, 1, "4.2")
    assert failed.render_hours == pytest.approx(108 / 3600)


def test_an_eventbridge_event_names_the_job_to_read_back():
    """job_from_event takes the ids from the event's detail; a foreign event is refused clearly."""
    event = {"source": "aws.deadline", "detail-type": "Job Lifecycle Status Change",
             "detail": {"farmId": FARM, "queueId": QUEUE, "jobId": JOB_OK, "lifecycleStatus": "SUCCEEDED"}}
    assert job_from_event(event) == (FARM, QUEUE, JOB_OK)
    with pytest.raises(ValueError, match="no jobId"):
        job_from_event({"detail": {"farmId": FARM, "queueId": QUEUE}})
