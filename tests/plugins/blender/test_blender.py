"""The add-on in the real bpy 5.0 module, installed from the built zip with Blender's installer.

Each scenario runs ``harness.py`` in a fresh Python (bpy's global state and
BLENDER_USER_RESOURCES are per process) against a local sandbox API; the harness fails the run
if RenderTally's guard swallowed any error. Cycles on the CPU at 32x32: each process takes a
few seconds.
"""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pytest
from rendertally.core import settings
from rendertally.core.outbox import Outbox
from rendertally.core.reporter import OUTBOX_FILE
from rendertally.core.sandbox import Sandbox

from tests.conftest import SECRET_KEY, TEST_ID

pytestmark = pytest.mark.blender

HARNESS = Path(__file__).with_name("harness.py")
SCENARIO_TIMEOUT = 120


def _run(python: str, name: str, zip_path: Path, env: dict[str, str]) -> tuple[dict[str, Any], float, float]:
    """Run a scenario; returns its RESULT, the process's wall time and when it ended."""
    workdir = Path(env["BLENDER_USER_RESOURCES"]).parent / f"work-{name}"
    started = time.monotonic()
    done = subprocess.run([python, str(HARNESS), name, str(zip_path), str(workdir)], env=env, check=False, capture_output=True,
                          text=True, timeout=SCENARIO_TIMEOUT)
    ended_at = time.time()
    wall = time.monotonic() - started
    assert done.returncode == 0, f"scenario {name} exited {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"scenario {name} printed no RESULT\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return json.loads(lines[-1][len("RESULT "):]), wall, ended_at


Scenario = Callable[[str, Path, "dict[str, str]"], "tuple[dict[str, Any], float, float]"]


@pytest.fixture
def scenario(blender_python: str) -> Scenario:
    """Runs a harness scenario in the test's Blender (the default one, or each listed in BPY_PYTHONS
    for tests marked ``every_blender``)."""
    return functools.partial(_run, blender_python)


@pytest.fixture
def blender_env(tmp_path: Path) -> Callable[..., dict[str, str]]:
    """The scenario's environment: this test's RENDERTALLY_HOME, a fresh Blender user folder and,
    with ``url``, the sandbox and test credentials.

    The credentials go to the child process only, never into this process's environment: a
    sender thread left running by another test in this process reads its settings at send time
    and would otherwise post its own old jobs to this test's sandbox.
    """

    def make(url: str | None = None, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env["BLENDER_USER_RESOURCES"] = str(tmp_path / "blender-user")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        if url is not None:
            env.update(RENDERTALLY_URL=url, RENDERTALLY_ID=TEST_ID, RENDERTALLY_KEY=SECRET_KEY)
        env.update(extra)
        return env

    return make


def _outbox(home: Path) -> Outbox:
    return Outbox(home / OUTBOX_FILE)


@pytest.mark.every_blender
def test_animation_with_frame_step_and_still_are_reported(scenario: Scenario, extension_zip: Path, blender_env) -> None:
    """An animation (1..5 step 2) and a still are sent as two Done jobs with their frames, job types and times."""
    with Sandbox() as box:
        result, _, _ = scenario("report", extension_zip, blender_env(box.url))
        jobs = [job["request"] for job in box.jobs]

    assert result["files"] == ["frame_0001.png", "frame_0003.png", "frame_0005.png"]
    assert len(jobs) == 2, jobs
    animation, still = jobs
    for job in jobs:
        assert job["RenderEngine"] == "Cycles"
        assert job["SoftwareName"] == "BLD"
        assert job["SoftwareVersion"] == result["blender_version"]  # "4.2.23", not "4.2.23 LTS"
        assert job["JobStatus"] == "1"  # Done
    assert animation["Frames"] == "3"  # 1..5 step 2
    assert (animation["JobType"], animation["MissionId"]) == ("2", None)  # the settings' defaults
    assert still["Frames"] == "1"
    assert (still["JobType"], still["MissionId"]) == ("3", "M-77")  # the scene's overrides
    for job, measured in ((animation, result["animation_seconds"]), (still, result["still_seconds"])):
        reported = float(job["RenderHours"]) * 3600
        print(f"render: measured {measured:.3f} s, reported {reported:.3f} s")
        assert reported <= measured + 0.05
        assert reported >= measured * 0.5 - 0.05


@pytest.mark.parametrize(("farm_reporting", "reported"), [("on", 0), ("off", 2)])
def test_inside_an_opencue_task_renders_are_left_to_the_farm_when_the_studio_says_so(
        scenario: Scenario, extension_zip: Path, blender_env, tmp_path: Path, farm_reporting: str, reported: int) -> None:
    """Under a simulated OpenCue frame with farm reporting on, Blender reports nothing; off, it reports both renders."""
    site = tmp_path / "site.json"
    site.write_text(json.dumps({"farm_reporting": farm_reporting}))
    with Sandbox() as box:
        scenario("report", extension_zip, blender_env(box.url, RENDERTALLY_SITE_CONFIG=str(site),
                                                  CUE_JOB="show-010-lighting", CUE_FRAME="0001-render"))
        assert len(box.jobs) == reported
    assert _outbox(Path(os.environ["RENDERTALLY_HOME"])).counts()["pending"] == 0


def test_unwritable_output_is_reported_as_failed_with_the_frames_written(
        scenario: Scenario, extension_zip: Path, blender_env) -> None:
    """Blocked output gives Failed jobs with the frames written; a UI cancel with writable output is Aborted."""
    with Sandbox() as box:
        result, _, _ = scenario("write_failure", extension_zip, blender_env(box.url))
        jobs = [job["request"] for job in box.jobs]

    assert "cannot save" in result["first_error"] and "cannot save" in result["second_error"]
    assert [(job["JobStatus"], job["Frames"]) for job in jobs] == [
        ("3", "0"),  # blocked from the start: Failed, nothing written
        ("3", "2"),  # frames 1 and 3 written, 5 could not be: Failed with 2 frames
        ("2", "0"),  # UI: cancelled with a writable output: a person pressed Esc, Aborted
        ("3", "0"),  # UI: cancelled with the output folder blocked: the write failed, Failed
    ]


def test_per_frame_renders_of_one_command_line_are_one_job(scenario: Scenario, extension_zip: Path, blender_env) -> None:
    """The per-frame renders of one `blender -b -f 1..3` command line become one Done 3-frame job."""
    with Sandbox() as box:
        result, _, _ = scenario("batch", extension_zip, blender_env(box.url))
        jobs = [job["request"] for job in box.jobs]

    assert result["files"] == ["f_0001.png", "f_0002.png", "f_0003.png"]
    # One open job through frames 1 and 2, queued as soon as frame 3 (the last of -f 1..3) ended.
    assert [c["open"] for c in result["after_each"]] == [1, 1, 0]
    assert sum(result["after_each"][-1][state] for state in ("pending", "delivered")) == 1
    assert len(jobs) == 1, jobs
    assert (jobs[0]["Frames"], jobs[0]["JobStatus"]) == ("3", "1")
    assert float(jobs[0]["RenderHours"]) * 3600 <= result["seconds"] + 0.05


@pytest.mark.every_blender
def test_a_frame_rendered_again_by_another_render_of_the_command_line_counts_again(
        scenario: Scenario, extension_zip: Path, blender_env) -> None:
    """Two scenes' `-a`, a repeated `-f` range and two scenes' `-f 1` count every frame render (the Frames rule)."""
    with Sandbox() as box:
        scenario("batch_rule", extension_zip, blender_env(box.url))
        jobs = {job["request"]["MissionId"]: job["request"] for job in box.jobs}

    assert len(box.jobs) == 3
    assert {mission: (job["Frames"], job["JobStatus"]) for mission, job in jobs.items()} == {
        "A": ("6", "1"), "B": ("4", "1"), "C": ("2", "1")}


def test_a_bpy_module_scripts_own_arguments_are_not_read_as_blenders(scenario: Scenario, extension_zip: Path, blender_env) -> None:
    """A script run by Python with `-b … -f 1..3` among its own arguments reports its two renders as two Done jobs."""
    with Sandbox() as box:
        scenario("module_script", extension_zip, blender_env(box.url))
        jobs = [(job["request"]["Frames"], job["request"]["JobStatus"]) for job in box.jobs]

    assert jobs == [("3", "1"), ("1", "1")]


@pytest.mark.every_blender
def test_register_opens_nothing_until_the_first_render_needs_it(scenario: Scenario, extension_zip: Path, blender_env) -> None:
    """Register imports no outbox, settings or sender and opens no file; the first render does and is recorded."""
    result, _, _ = scenario("lazy_start", extension_zip, blender_env())

    assert result["at_register"] == []
    assert result["outbox_at_register"] is False
    assert {"rendertally.core.outbox", "rendertally.core.reporter", "sqlite3"} <= set(result["after_render"])
    assert result["counts"]["pending"] == 1
    assert result["sending_after_disable"] is False
    assert result["senders"] == []


@pytest.mark.every_blender
def test_what_differs_between_blender_versions_is_handled(scenario: Scenario, extension_zip: Path, blender_env) -> None:
    """Each version installs the extension, names its EEVEE id EEVEE, calls our handlers and reports a render."""
    with Sandbox() as box:
        result, _, _ = scenario("versions", extension_zip, blender_env(box.url))
        jobs = [job["request"] for job in box.jobs]

    major_minor = tuple(int(n) for n in result["blender_version"].split(".")[:2])
    eevee_id = "BLENDER_EEVEE_NEXT" if (4, 2) <= major_minor < (5, 0) else "BLENDER_EEVEE"
    assert result["engines"][eevee_id] == "EEVEE"
    assert result["engines"]["CYCLES"] == "Cycles"
    assert result["has_online_access"] is True  # 4.2+: the switch add-ons must follow
    assert result["handler_arguments"] and set(result["handler_arguments"]) <= {1, 2}  # (scene) or (scene, None)
    assert [(job["Frames"], job["JobStatus"], job["SoftwareVersion"]) for job in jobs] == [
        ("1", "1", result["blender_version"])]


def test_a_command_line_cut_short_is_reported_failed_at_exit(scenario: Scenario, extension_zip: Path, blender_env) -> None:
    """A `-f 1..3` run that exits while frame 3 renders is sent at exit as one Failed job with 2 frames."""
    with Sandbox() as box:
        result, _, _ = scenario("batch_cut_short", extension_zip, blender_env(box.url))
        jobs = [job["request"] for job in box.jobs]

    assert result["counts"]["open"] == 1  # still rendering when the script ended
    assert [(job["Frames"], job["JobStatus"]) for job in jobs] == [("2", "3")]  # 2 of 3 frames: Failed


def test_hanging_api_slows_neither_renders_nor_exit_and_a_later_flush_delivers(
        scenario: Scenario, extension_zip: Path, blender_env, isolated: Path) -> None:
    """A hanging API leaves renders and exit fast and both jobs pending; a later `outbox flush` delivers them."""
    with Sandbox(fault="hang") as box:
        env = blender_env(box.url, RENDERTALLY_EXIT_WAIT="2")
        result, wall, ended_at = scenario("hang", extension_zip, env)
        exit_seconds = ended_at - result["script_end"]
        print(f"time in RenderTally's handlers: {result['handler_seconds'] * 1000:.1f} ms; "
              f"exit took {exit_seconds:.2f} s; whole process {wall:.2f} s")
        assert result["handler_seconds"] < 1.0
        assert exit_seconds < 8.0  # a 2 s bounded wait, then out: no join on the hung request
        assert wall < 20.0
        assert [r["status"] for r in box.requests] in ([], [None])  # one attempt at most: it hangs
        assert box.jobs == []
        counts = _outbox(isolated).counts()
        assert (counts["pending"], counts["open"], counts["delivered"]) == (2, 0, 0)

        box.set_fault("none")
        flushed = subprocess.run([sys.executable, "-m", "rendertally.core", "outbox", "flush", "--wait", "30"], check=False,
                                 env=env, capture_output=True, text=True, timeout=60)
        assert flushed.returncode == 0, flushed.stdout + flushed.stderr
        assert [job["request"]["Frames"] for job in box.jobs] == ["3", "1"]
    assert _outbox(isolated).counts()["delivered"] == 2


@pytest.mark.every_blender
def test_online_access_off_records_without_sending_and_on_sends(
        scenario: Scenario, extension_zip: Path, blender_env, isolated: Path) -> None:
    """With online access off renders are kept and Send Pending is refused; switching it on sends them."""
    with Sandbox() as box:
        result, _, _ = scenario("offline", extension_zip, blender_env(box.url))
        requests_seen = box.requests

    assert result["sent_while_offline"] == 0
    assert result["send_while_offline"] == ["CANCELLED"]  # "Send Pending Now" says to turn online access on
    assert result["buttons"] == [["FINISHED"], ["FINISHED"]]
    assert any("online access is off" in line for line in result["offline_lines"])
    assert any("Preferences ▸ System ▸ Network ▸ Allow Online Access" in line for line in result["offline_lines"])
    assert result["delivered_after_online"] is True  # switched on: the next redraw started sending
    assert result["delivered_after_toggle"] is True  # off and straight on again: still sending
    assert len(requests_seen) == 2  # the third render, made offline again, was never sent
    counts = _outbox(isolated).counts()
    assert (counts["delivered"], counts["pending"]) == (2, 1)


def test_preferences_read_and_write_the_shared_settings_and_registration_is_symmetric(
        scenario: Scenario, extension_zip: Path, blender_env) -> None:
    """Preferences save to the shared settings, not userpref.blend; handlers are one each, and none when disabled."""
    # The URL is fixed by the environment: shown read-only.
    env = blender_env(TEST_SECRET_KEY=SECRET_KEY, RENDERTALLY_URL="https://api.example.com")
    result, _, _ = scenario("preferences", extension_zip, env)

    assert result["read_back"] == {"account_id": "4242", "email": "artist@example.com", "job_type": "economy",
                                   "mission_id": "M-1", "wire_format": "xml"}
    assert result["key_matches"] is True
    stored = settings.load()  # this process sees what the preferences wrote
    assert (stored.id, stored.key, stored.email, stored.job_type, stored.mission_id, stored.format) == (
        "4242", SECRET_KEY, "artist@example.com", "economy", "M-1", "xml")

    # A bad value is not saved and does not raise into Blender; the reason is shown instead.
    assert result["email_after_bad"] == "artist@example.com"
    assert "not an e-mail address" in result["email_problem"]
    labels = [text for kind, text, _ in result["drawn"] if kind == "label"]
    assert result["email_problem"] in labels

    # A value fixed by the environment is read-only, with where it comes from.
    assert "fixed by the environment RENDERTALLY_URL" in result["url_problem"]
    assert ("prop", "url", False) in [tuple(item) for item in result["drawn"]]
    assert "Set by the environment RENDERTALLY_URL; read-only here" in labels
    assert ("prop", "account_id", True) in [tuple(item) for item in result["drawn"]]
    assert any(text.startswith("Reported with mission id M-1, as economy jobs") for _, text, _ in result["panel"])

    # The Key never reaches Blender's preferences file (which does hold our add-on's entry).
    userpref = Path(result["userpref"]).read_bytes()
    assert b"rendertally" in userpref
    assert SECRET_KEY.encode() not in userpref
    assert b"artist@example.com" not in userpref

    one_each = {name: 1 for name in ("render_init", "render_post", "render_write", "render_complete", "render_cancel")}
    assert result["counts"] == [one_each, dict.fromkeys(one_each, 0), one_each, one_each]  # last: after opening a .blend
    assert result["mission_after_open"] == "M-saved"
    assert result["scene_property_after_disable"] is False
    for name, modules in result["all_render_handlers"].items():
        assert modules == ["rendertally.plugins.blender.handlers"], (name, modules)

