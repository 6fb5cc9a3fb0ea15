"""The rendertally command: exit codes, outbox and settings commands, against the sandbox."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rendertally.core import settings
from rendertally.core.cli import main
from rendertally.core.sandbox import Sandbox

from ..conftest import SECRET_KEY, TEST_ID

REPORT = ["report", "--frames", "12", "--render-hours", "1.5", "--software", "MAY",
          "--software-version", "2026", "--engine", "Arnold"]


@pytest.fixture
def sandbox():
    with Sandbox() as box:
        yield box


@pytest.fixture
def cli(capsys):
    """Run the command in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_report_delivered_round_trip(cli, sandbox, credentials_env, fmt, monkeypatch):
    """A report reaches the sandbox over real HTTP (JSON and XML) and exits 0 with its answer."""
    credentials_env(sandbox.url)
    monkeypatch.setenv("RENDERTALLY_FORMAT", fmt)
    code, out, _ = cli(*REPORT, "--job-type", "economy", "--mission-id", "M-7", "--run-date", "2025-12-04 06:57:36")
    assert code == 0
    assert "Delivered" in out and "00" in out
    (job,) = sandbox.jobs
    assert job["format"] == fmt
    assert job["authentication"]["Id"] == TEST_ID
    request = job["request"]
    assert (request["Frames"], request["RenderHours"], request["SoftwareName"], request["RenderEngine"]) == (
        "12", "1.5", "MAY", "Arnold")
    assert (request["JobType"], request["JobStatus"], request["MissionId"], request["RunDate"]) == (
        "1", "1", "M-7", "2025-12-04 06:57:36")
    assert request["JobOriginator"] == "RenderTally"


@pytest.mark.parametrize(("args", "words"), [
    (["--frames", "-3"], "frames"),
    (["--render-hours", "abc"], "render_hours"),
    (["--run-date", "yesterday"], "run_date"),
    (["--engine", " "], "render_engine"),
])
def test_invalid_input_exits_2_and_queues_nothing(cli, sandbox, credentials_env, args, words):
    """Bad input: exit 2, a message naming the field, nothing in the outbox or at the API."""
    credentials_env(sandbox.url)
    argv = list(REPORT)
    for flag, value in zip(args[::2], args[1::2]):
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    code, _, err = cli(*argv)
    assert code == 2
    assert words in err
    assert cli("outbox", "list", "--all", "--json")[1].strip() == "[]"
    assert sandbox.requests == []


def test_missing_credentials_exit_2_with_what_to_do(cli, sandbox, monkeypatch):
    """Without Id/Key the report is refused (exit 2) and says how to configure them."""
    monkeypatch.setenv("RENDERTALLY_URL", sandbox.url)
    code, _, err = cli(*REPORT)
    assert code == 2
    assert "rendertally settings set id" in err


def test_rejected_exits_3_and_keeps_the_job(cli, sandbox, credentials_env):
    """A rejection exits 3, shows the server's words and keeps the job as rejected."""
    credentials_env(sandbox.url)
    sandbox.set_fault("reject")
    code, _, err = cli(*REPORT)
    assert code == 3
    assert "01" in err and "Invalid credentials" in err
    rows = json.loads(cli("outbox", "list", "--json")[1])
    assert [r["state"] for r in rows] == ["rejected"]


def test_offline_then_flush_delivers_exactly_once(cli, credentials_env):
    """Offline: exit 75, job kept; a later flush delivers it once; another flush sends nothing."""
    with Sandbox() as box:
        url = box.url
    credentials_env(url)  # the sandbox is stopped: nothing listens there now
    code, _, err = cli(*REPORT, "--wait", "5")
    assert code == 75
    assert "kept in the outbox" in err
    host, port = url.rsplit(":", 1)[0].split("//")[1], int(url.rsplit(":", 1)[1])
    with Sandbox(host, port) as box:
        assert cli("outbox", "flush", "--wait", "10")[0] == 0
        assert cli("outbox", "flush", "--wait", "10")[0] == 0
        assert len(box.jobs) == 1


def test_a_rejected_job_is_not_retried_by_flush_only_by_retry(cli, sandbox, credentials_env):
    """flush leaves rejected jobs alone; retry sends them again."""
    credentials_env(sandbox.url)
    sandbox.set_fault("reject")
    assert cli(*REPORT)[0] == 3
    sandbox.set_fault("none")
    assert cli("outbox", "flush")[0] == 0
    assert sandbox.jobs == []
    code, out, _ = cli("outbox", "retry", "1")
    assert code == 0 and "Delivered" in out
    assert len(sandbox.jobs) == 1


def test_wait_zero_only_queues(cli, sandbox, credentials_env):
    """--wait 0 writes the job and returns 75 without sending."""
    credentials_env(sandbox.url)
    code, out, _ = cli(*REPORT, "--wait", "0")
    assert code == 75 and "Queued as job 1" in out
    assert sandbox.requests == []


def test_outbox_show_prints_the_body_with_the_key_masked(cli, sandbox, credentials_env):
    """show prints the exact body that would be sent, Key masked."""
    credentials_env(sandbox.url)
    cli(*REPORT, "--wait", "0")
    code, out, _ = cli("outbox", "show", "1")
    assert code == 0
    assert '"Key":"********"' in out and '"Frames":"12"' in out
    assert SECRET_KEY not in out
    assert cli("outbox", "show", "99")[0] == 2


def test_outbox_list_shows_waiting_jobs_and_history(cli, sandbox, credentials_env):
    """list shows what waits; --all adds delivered history."""
    credentials_env(sandbox.url)
    cli(*REPORT)
    assert "Nothing waiting" in cli("outbox", "list")[1]
    out = cli("outbox", "list", "--all")[1]
    assert "delivered" in out and "Arnold" in out


def test_settings_show_set_and_path(cli, monkeypatch):
    """set writes the user file; show lists every value with its source, Key masked."""
    assert cli("settings", "set", "email", "me@studio.com")[0] == 0
    assert cli("settings", "set", "email", "bad")[0] == 2
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(SECRET_KEY + "\n"))
    assert cli("settings", "set", "key")[0] == 0
    monkeypatch.setenv("RENDERTALLY_ID", "42")
    code, out, _ = cli("settings", "show")
    assert code == 0
    assert "me@studio.com" in out and "environment RENDERTALLY_ID  (fixed)" in out
    assert SECRET_KEY not in out and "********" in out
    assert settings.load().key == SECRET_KEY
    assert str(settings.user_file()) in cli("settings", "path")[1]
    assert cli("settings", "set", "id", "43")[0] == 2


def test_doctor_reports_reachability_without_posting(cli, sandbox, credentials_env):
    """doctor checks DNS and HTTP against the API and posts no job."""
    credentials_env(sandbox.url)
    code, out, _ = cli("doctor")
    assert "DNS" in out and "HTTP" in out and "no job was posted" in out
    assert code == 0
    assert sandbox.jobs == []


def test_the_installed_command_runs_as_a_process(sandbox, credentials_env, tmp_path):
    """The console script exists and returns the documented exit code."""
    credentials_env(sandbox.url)
    command = [sys.executable, "-m", "rendertally.core", *REPORT]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_build_host_is_a_clear_error(cli):
    """build names the hosts it knows."""
    code, _, err = cli("build", "houdini")
    assert code == 2 and "blender" in err
