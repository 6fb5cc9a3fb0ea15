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
    (["--frames", "-3"], "--frames"),
    (["--render-hours", "abc"], "--render-hours"),
    (["--run-date", "yesterday"], "--run-date"),
    (["--engine", " "], "--engine"),
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
    assert cli("outbox", "flush")[0] == 3  # nothing delivered, a rejected job waits: not "all fine"
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


# -- what a new user found (issue 8) --------------------------------------------------------------
def test_refused_credentials_are_shown_as_paused_everywhere_until_retry(cli, monkeypatch):
    """After a 401, report, outbox list, flush and doctor all say sending is paused and what to do."""
    with Sandbox(accept_key="the-right-key") as box:
        monkeypatch.setenv("RENDERTALLY_URL", box.url)
        monkeypatch.setenv("RENDERTALLY_ID", TEST_ID)
        monkeypatch.setenv("RENDERTALLY_KEY", SECRET_KEY)
        assert cli(*REPORT)[0] == 3
        code, out, _ = cli(*REPORT)
        assert code == 75 and "Queued as job 2" in out and "Sending is paused" in out
        assert "Sending is paused: the server refused the Id/Key on" in cli("outbox", "list")[1]
        code, _, err = cli("outbox", "flush")
        assert code == 2 and "outbox retry --rejected" in err
        code, out, _ = cli("doctor")
        assert code == 75 and "Sending is paused" in out and "All good." not in out
        monkeypatch.setenv("RENDERTALLY_KEY", "the-right-key")
        assert cli("outbox", "retry", "--rejected")[0] == 0
        assert len(box.jobs) == 2


def test_wait_zero_says_what_will_send_the_job(cli, sandbox, credentials_env):
    """`report --wait 0` queues the job and says that a flush (not a background process) sends it."""
    credentials_env(sandbox.url)
    code, out, _ = cli(*REPORT, "--wait", "0")
    assert code == 75 and "rendertally outbox flush" in out and "background" not in out


def test_report_json_gives_the_job_id_and_outcome(cli, sandbox, credentials_env):
    """`report --json` prints the job id, its state and the server's answer."""
    credentials_env(sandbox.url)
    code, out, _ = cli(*REPORT, "--json")
    data = json.loads(out)
    assert code == 0 and (data["job"], data["state"], data["code"]) == (1, "delivered", "00")


def test_every_invalid_flag_is_named_at_once_and_software_names_work(cli, sandbox, credentials_env):
    """Bad --frames and --render-hours are both named; `--software maya` is accepted as MAY."""
    credentials_env(sandbox.url)
    argv = [*REPORT]
    argv[argv.index("--frames") + 1], argv[argv.index("--render-hours") + 1] = "lots", "-1"
    code, _, err = cli(*argv)
    assert code == 2 and "--frames" in err and "--render-hours" in err
    argv = [*REPORT]
    argv[argv.index("--software") + 1] = "maya"
    assert cli(*argv)[0] == 0 and sandbox.jobs[0]["request"]["SoftwareName"] == "MAY"


def test_bad_tool_arguments_exit_2_with_a_message(cli, sandbox, credentials_env):
    """A bad --fault, an impossible --port, a port in use and retry of a missing job are exit 2, never 'unexpected'."""
    credentials_env(sandbox.url)
    for argv in (["sandbox", "--fault", "nope"], ["sandbox", "--port", "99999"]):
        with pytest.raises(SystemExit) as exited:
            cli(*argv)
        assert exited.value.code == 2
    port = sandbox.url.rsplit(":", 1)[1]
    code, _, err = cli("sandbox", "--port", port)
    assert code == 2 and "choose another --port" in err
    code, _, err = cli("outbox", "retry", "99999")
    assert code == 2 and "no job 99999" in err


def test_settings_set_without_a_value_never_clears_and_unset_removes(cli, monkeypatch):
    """An empty line on stdin leaves the value alone; `settings unset` removes it."""
    assert cli("settings", "set", "email", "me@studio.com")[0] == 0
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("\n"))
    code, _, err = cli("settings", "set", "email")
    assert code == 2 and "settings unset email" in err
    assert settings.load().email == "me@studio.com"
    assert cli("settings", "unset", "email")[0] == 0
    assert settings.load().email is None
    data = json.loads(cli("settings", "show", "--json")[1])
    assert data["email"]["value"] == "-" and data["url"]["source"] == "default"


def test_doctor_flags_a_url_with_no_api_and_gives_the_next_step(cli, sandbox, credentials_env, monkeypatch):
    """A URL where the API is not (404) is a problem with its next step, never 'All good.'."""
    credentials_env(sandbox.url + "/somewhere")
    code, out, _ = cli("doctor")
    assert code == 75 and "answered 404" in out and "base address" in out and "All good." not in out
    data = json.loads(cli("doctor", "--json")[1])
    assert data["ok"] is False and data["http_status"] == 404
    credentials_env(sandbox.url)
    code, out, _ = cli("doctor")
    assert code == 0 and out.rstrip().endswith("All good.")


def test_doctor_flags_rejected_jobs(cli, sandbox, credentials_env):
    """Rejected jobs waiting in the outbox make doctor say what to do, not 'All good.'."""
    credentials_env(sandbox.url)
    sandbox.set_fault("reject")
    cli(*REPORT)
    sandbox.set_fault("none")
    code, out, _ = cli("doctor")
    assert code == 75 and "rejected by the server" in out and "outbox retry --rejected" in out


def test_the_test_command_posts_a_test_job_and_shows_the_answer(cli, credentials_env):
    """`rendertally test` posts one Test job with 0 frames and prints the server's answer; a wrong Key says so."""
    with Sandbox(accept_key=SECRET_KEY) as box:
        credentials_env(box.url)
        code, out, _ = cli("test")
        assert code == 0 and "accepted the test job: 00" in out
        (job,) = [entry["request"] for entry in box.jobs]
        assert (job["JobType"], job["Frames"]) == ("3", "0")
        assert cli("outbox", "list", "--all", "--json")[1].strip() == "[]"  # not queued
    with Sandbox(accept_key="another-key") as box:
        credentials_env(box.url)
        code, out, _ = cli("test", "--json")
        assert code == 3 and json.loads(out)["ok"] is False


def test_outbox_list_fits_the_terminal_and_puts_rejected_first(cli, sandbox, credentials_env, monkeypatch):
    """Lines fit the terminal's width (long answers cut with …) and rejected jobs come before delivered ones."""
    monkeypatch.setenv("COLUMNS", "100")
    credentials_env(sandbox.url)
    cli(*REPORT)
    sandbox.set_fault("reject")
    cli(*REPORT)
    lines = cli("outbox", "list", "--all")[1].splitlines()
    rows = [line for line in lines[1:] if line.strip()[:1].isdigit()]
    assert all(len(line) <= 100 for line in lines), lines
    assert [row.split()[1] for row in rows] == ["rejected", "delivered"]
    assert "…" in rows[0]


def test_the_panel_without_qt_says_what_to_install(tmp_path):
    """`settings --gui` without PySide6/PySide2 exits 2 saying `pip install 'rendertally[qt]'`."""
    script = (
        "import sys, importlib.abc\n"
        "class NoQt(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'PySide2', 'shiboken6', 'shiboken2'):\n"
        "            raise ImportError('No module named ' + repr(name))\n"
        "sys.meta_path.insert(0, NoQt())\n"
        "from rendertally.core.cli import main\n"
        "code = main(['settings', '--gui'])\n"
        "from rendertally.ui import show_panel\n"
        "try:\n    show_panel()\nexcept ImportError as exc:\n    print('show_panel:', exc)\n"
        "sys.exit(code)\n")
    env = {**os.environ, "RENDERTALLY_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60,
                          check=False)
    assert done.returncode == 2, done.stderr
    assert "pip install 'rendertally[qt]'" in done.stderr and "unexpected" not in done.stderr
    assert "show_panel: The settings panel needs Qt" in done.stdout


def test_waiting_shows_progress_on_a_terminal_only(credentials_env, tmp_path):
    """On a TTY, `report --wait` shows what it waits for and for how long; piped, it prints no progress."""
    import pty

    with Sandbox(fault="hang") as box:
        credentials_env(box.url)
        command = [sys.executable, "-m", "rendertally.core", *REPORT, "--wait", "2"]
        leader, follower = pty.openpty()
        with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower,
                              env=os.environ.copy()) as child:
            os.close(follower)
            shown = b""
            while True:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # the child closed its end
                    break
                if not chunk:
                    break
                shown += chunk
            child.wait(timeout=60)
        os.close(leader)
        piped = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), timeout=60,
                               check=False)
    assert child.returncode == 75 and piped.returncode == 75
    assert b"waiting for the API's answer:" in shown and b"s of 2 s" in shown
    assert "waiting for" not in piped.stderr
