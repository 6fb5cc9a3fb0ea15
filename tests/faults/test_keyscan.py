"""The key scan plugin (tests/faults/keyscan.py) catches a leak and fails the run, naming the test.

It runs pytest on a small synthetic test file in a child process with the plugin enabled: each
synthetic test leaks the Key one way (or, for the controls, does not), and the run's JUnit
report says which tests errored.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ..conftest import SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]

SYNTHETIC = textwrap.dedent('''
    import logging, os, subprocess, sys
    import pytest
    from tests.conftest import SECRET_KEY   # never spelled out here: this file is scanned too

    log = logging.getLogger("rendertally.synthetic")

    def test_clean(tmp_path):
        (tmp_path / "outbox.log").write_text("job 1 delivered, Key ********")
        log.warning("nothing secret here")
        print("all good")

    def test_prints_the_key():
        print("debug:", SECRET_KEY)

    def test_child_process_writes_the_key_to_stderr():
        subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write(sys.argv[1])", SECRET_KEY], check=False)

    def test_reads_the_key_back_with_capsys(capsys):
        print("Key:", SECRET_KEY)
        out, _ = capsys.readouterr()
        assert out

    def test_logs_the_key():
        log.debug("body=%s", {"Key": SECRET_KEY})

    def test_logs_an_exception_quoting_the_key():
        try:
            raise ValueError("bad value " + SECRET_KEY)
        except ValueError:
            log.exception("sending failed")

    def test_writes_the_key_to_a_file(tmp_path):
        (tmp_path / "home").mkdir()
        (tmp_path / "home" / "outbox.sqlite3-wal").write_bytes(b"\\0\\0" + SECRET_KEY.encode() + b"\\0")

    def test_writes_the_key_json_escaped_in_utf16(tmp_path):
        (tmp_path / "dump.txt").write_bytes(SECRET_KEY.encode("utf-16-le"))

    def test_owner_only_settings_file_is_allowed(tmp_path):
        path = tmp_path / "home" / "settings.json"
        path.parent.mkdir()
        path.write_text('{"key": "%s"}' % SECRET_KEY)
        path.chmod(0o600)

    def test_settings_file_readable_by_others_is_a_leak(tmp_path):
        path = tmp_path / "home" / "settings.json"
        path.parent.mkdir()
        path.write_text('{"key": "%s"}' % SECRET_KEY)
        path.chmod(0o644)

    @pytest.mark.keyscan_allow("site/*.json", reason="a studio site config that carries the Key on purpose")
    def test_allowed_file(tmp_path):
        (tmp_path / "site").mkdir()
        (tmp_path / "site" / "site.json").write_text(SECRET_KEY)

    def test_home_outside_tmp_path_is_scanned(monkeypatch):
        import tempfile
        home = tempfile.mkdtemp(prefix="keyscan-home-")
        monkeypatch.setenv("RENDERTALLY_HOME", home)
        with open(os.path.join(home, "outbox.sqlite3"), "w") as handle:
            handle.write(SECRET_KEY)
''')
LEAKING = {"test_prints_the_key", "test_reads_the_key_back_with_capsys", "test_child_process_writes_the_key_to_stderr", "test_logs_the_key",
           "test_logs_an_exception_quoting_the_key", "test_writes_the_key_to_a_file",
           "test_writes_the_key_json_escaped_in_utf16", "test_settings_file_readable_by_others_is_a_leak",
           "test_home_outside_tmp_path_is_scanned"}
CLEAN = {"test_clean", "test_owner_only_settings_file_is_allowed", "test_allowed_file"}


@pytest.fixture
def outside():
    """A folder outside this test's tmp_path: the inner run really writes the Key there."""
    folder = Path(tempfile.mkdtemp(prefix="keyscan-selftest-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_leaking_test_fails_the_run_and_is_named(tmp_path, outside):
    """Exactly the leaking synthetic tests error, never quoting the Key; the clean ones pass and the run fails."""
    (tmp_path / "test_synthetic.py").write_text(SYNTHETIC)
    junit = outside / "junit.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RENDERTALLY_", "PYTEST_", "KEYSCAN_"))}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.faults.keyscan", "-p", "no:cacheprovider", "-q",
         f"--basetemp={outside / 'tmp'}", f"--junitxml={junit}", "-o", "junit_logging=no",
         str(tmp_path / "test_synthetic.py")],
        cwd=tmp_path, env=env, check=False, capture_output=True, text=True, timeout=120)
    shown = (done.stdout + done.stderr).replace(SECRET_KEY, "<KEY>")
    assert done.returncode == 1, shown  # the run fails
    errored, passed = set(), set()
    for case in ET.parse(junit).getroot().iter("testcase"):
        bad = case.find("error")
        (errored if bad is not None or case.find("failure") is not None else passed).add(case.get("name"))
        if bad is not None:
            assert "keyscan: the Key leaked into" in (bad.get("message", "") + (bad.text or ""))
            assert SECRET_KEY not in (bad.get("message", "") + (bad.text or ""))  # never repeats the Key
    assert errored == LEAKING, shown
    assert CLEAN <= passed, shown
    assert "keyscan:" in done.stdout and "9 leaked" in done.stdout, shown


def test_log_records_still_name_their_real_caller(caplog):
    """With the plugin on, a record's file and line are the caller's, not the plugin's wrapper."""
    import logging

    caplog.set_level(logging.DEBUG)
    logger = logging.getLogger("rendertally.keyscan-selftest")
    logger.warning("direct"); line = sys._getframe().f_lineno  # noqa: E702
    try:
        raise ValueError("x")
    except ValueError:
        logger.exception("with a traceback"); line2 = sys._getframe().f_lineno  # noqa: E702
    direct, with_traceback = caplog.records[-2:]
    assert (Path(direct.pathname).name, direct.lineno) == ("test_keyscan.py", line)
    assert (Path(with_traceback.pathname).name, with_traceback.lineno) == ("test_keyscan.py", line2)
