"""Farm tasks: each manager's task environment is recognised; with farm reporting on, hosts stay quiet."""
from __future__ import annotations

import json

import pytest
from rendertally.core import farmtask
from rendertally.core.reporter import Reporter

TASKS = {
    "opencue": {"CUE_JOB": "show-shot-lighting", "CUE_LAYER": "render", "CUE_FRAME": "0001-render"},
    "deadline-cloud": {"DEADLINE_SESSION_ID": "session-0123", "DEADLINE_JOB_ID": "job-" + "a" * 32},
    "deadline10": {"RENDERTALLY_FARM_TASK": "deadline10"},
}


@pytest.mark.parametrize("name", sorted(TASKS))
def test_each_managers_task_environment_is_recognised(name):
    """OpenCue's CUE_*, Deadline Cloud's DEADLINE_* and our Deadline 10 marker name their manager."""
    assert farmtask.manager(TASKS[name]) == name
    assert farmtask.reported_by_farm("on", TASKS[name]) == name
    assert farmtask.reported_by_farm("off", TASKS[name]) is None


def test_a_workstation_is_no_farm_task():
    """Half a manager's variables, or a marker switched off, is not a farm task."""
    assert farmtask.manager({}) is None
    assert farmtask.manager({"CUE_JOB": "x"}) is None
    assert farmtask.manager({"RENDERTALLY_FARM_TASK": "0"}) is None


@pytest.fixture
def site_config(tmp_path, monkeypatch):
    """Factory: a studio site config with ``farm_reporting``."""

    def write(value: str) -> None:
        path = tmp_path / "site.json"
        path.write_text(json.dumps({"farm_reporting": value}))
        monkeypatch.setenv("RENDERTALLY_SITE_CONFIG", str(path))

    return write


@pytest.mark.parametrize(("farm_reporting", "queued"), [("on", 0), ("off", 1)])
def test_a_host_render_under_a_farm_task_is_left_to_the_farm_only_when_the_studio_says_so(
        site_config, monkeypatch, isolated, farm_reporting, queued):
    """Farm reporting on: an adapter's render inside an OpenCue task queues nothing; off: reported as today."""
    site_config(farm_reporting)
    for name, value in TASKS["opencue"].items():
        monkeypatch.setenv(name, value)
    reporter = Reporter(isolated)
    try:
        session = reporter.session("MAY", "2026")
        session.start(engine="Arnold")
        session.frame_done(1)
        session.finish()
        assert reporter.outbox.counts()["pending"] == queued
    finally:
        reporter.outbox.close()


def test_farm_reporting_takes_on_or_off_only(site_config):
    """A value other than on/off is a problem, and the default (off) applies."""
    from rendertally.core import settings

    site_config("maybe")
    current = settings.load()
    assert current.farm_reporting == "off"
    assert any("farm_reporting: must be on or off" in p for p in current.problems)
