"""The Key appears in no log line, exception message, outbox row or command output."""
from __future__ import annotations

import logging

import pytest

from rendertally.core import settings
from rendertally.core.cli import main
from rendertally.core.errors import RenderTallyError
from rendertally.core.sandbox import Sandbox

from ..conftest import SECRET_KEY
from ..servers import ScriptedServer, http_response

REPORT = ["report", "--frames", "1", "--render-hours", "0.1", "--software", "C4D",
          "--software-version", "2026.1", "--engine", "Redshift", "--wait", "3"]


def files_under(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.mark.parametrize("fault", ["none", "reject", "500", "garbage", "html200", "redirect"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_key_absent_from_logs_output_and_disk(fault, fmt, capsys, caplog, isolated, monkeypatch):
    """Whatever the server answers, the Key is in no log record, output or file we wrote."""
    caplog.set_level(logging.DEBUG)
    lines = []
    with Sandbox(fault=fault, log=lines.append) as box:
        settings.save({"id": "170200123", "key": SECRET_KEY, "url": box.url, "format": fmt})
        for argv in (REPORT, ["outbox", "list", "--all"], ["outbox", "list", "--all", "--json"],
                     ["outbox", "show", "1"], ["settings", "show"], ["doctor"], ["--debug", *REPORT]):
            main(argv)
    out, err = capsys.readouterr()
    assert SECRET_KEY not in out + err
    assert SECRET_KEY not in caplog.text
    assert all(SECRET_KEY not in str(r.args) for r in caplog.records)
    assert SECRET_KEY not in "\n".join(lines)
    for path in files_under(isolated):
        if path.name != "settings.json":  # the owner-only user file is where the Key lives
            assert SECRET_KEY.encode() not in path.read_bytes(), path


def test_key_absent_from_error_messages(monkeypatch):
    """Errors raised while sending (any kind) never carry the Key in their text."""
    from rendertally.core.transport import Transport

    settings.save({"id": "1", "key": SECRET_KEY})
    answers = [http_response(400, '{"Message":"bad","ModelState":{"x":["' + SECRET_KEY + '"]}}'),
               http_response(302, "", headers={"Location": "https://x.example/"}),
               http_response(500, "<html>boom</html>", content_type="text/html")]
    messages = []
    for answer in answers:
        with ScriptedServer(lambda request, a=answer: a) as server:
            settings.save({"url": server.url})
            try:
                Transport().send(__import__("rendertally.core.job", fromlist=["RenderJob"]).RenderJob(
                    frames=1, render_hours=0, software="BLD", software_version="5", render_engine="Cycles"))
            except RenderTallyError as exc:
                messages.append(str(exc))
    assert len(messages) == 3
    assert all(SECRET_KEY not in m for m in messages)
    assert "********" in messages[0]  # the server quoted the Key back; it was masked
