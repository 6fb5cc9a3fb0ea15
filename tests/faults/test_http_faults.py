"""Every misbehaving API of DESIGN.md's outcome table, against the real ``rendertally`` command.

For each fault: ``rendertally report --wait N`` runs as a process against a loopback server that
misbehaves on purpose. Checked: the outcome the table asks for (outbox state and error kind via
``outbox list --all --json``), the exit code, that it returned within a generous bound instead
of hanging, no traceback and no Key in what it printed, and that nothing is lost: the job is
kept, and a later ``outbox flush`` (or, for a rejection, ``outbox retry``) against a healthy API
delivers it exactly once.
"""
from __future__ import annotations

import dataclasses
import email.utils
import time
from pathlib import Path
from typing import Callable

import pytest
from rendertally.core.client import RETRY_AFTER_CAP

from ..servers import ScriptedServer, http_response, ok_json, reset
from .harness import (
    NOT_YET_EXIT,
    REJECTED_EXIT,
    REPORT,
    TLSScriptedServer,
    cli,
    close_delimited,
    closed_port_url,
    db_rows,
    endless_header,
    head_then_trickle,
    html,
    outbox_rows,
    redirect,
    retry_after,
    truncated,
    wait_until,
)

PENDING, DELIVERED, REJECTED = "pending", "delivered", "rejected"
BOUND = 13.0  # seconds on top of --wait: generous on a noisy 2-core machine; a hang takes forever
RETRY_WAIT_FLOOR_DEFAULT = 15.0  # the sender's backoff base (core/sender.py Backoff.base)


@dataclasses.dataclass(frozen=True)
class Case:
    """One misbehaviour and the outcome DESIGN.md's table asks for."""

    respond: Callable[[ScriptedServer], object] | None  # None: nothing listens (refused)
    state: str
    kinds: tuple  # acceptable error_kind values
    exit: int
    wait: float = 10.0  # --wait: long enough for any answer that comes at once
    status: int | None = None  # http_status the row must keep
    words: tuple = ()  # what the person must be told (stderr), case-insensitive


def fixed(answer: bytes) -> Callable[[ScriptedServer], object]:
    return lambda server: answer


MODEL_STATE = ('{"Message":"The request is invalid.","ModelState":'
               '{"model.Request.Frames":["The Frames field is required."]}}')
CASES = {
    # no answer at all: retry later
    "refused": Case(None, PENDING, ("transient",), NOT_YET_EXIT, words=("not delivered yet", "could not reach")),
    "black-hole": Case(lambda s: s.hang, PENDING, (None, "transient"), NOT_YET_EXIT, wait=2,
                       words=("not delivered yet",)),
    "reset-mid-request": Case(fixed(reset), PENDING, ("transient",), NOT_YET_EXIT, words=("not delivered yet",)),
    "trickle-body-1-byte-a-second": Case(lambda s: head_then_trickle(s, ok_json(), 1.0), PENDING, (None, "transient"),
                                         NOT_YET_EXIT, wait=2, words=("not delivered yet",)),
    "trickle-whole-answer-1-byte-a-second": Case(lambda s: s.trickle(ok_json(), 1.0), PENDING, (None, "transient"),
                                                 NOT_YET_EXIT, wait=2, words=("not delivered yet",)),
    # the server is unwell: retry later
    "html-500": Case(fixed(html(500, "Runtime Error")), PENDING, ("transient",), NOT_YET_EXIT, status=500,
                     words=("500",)),
    "html-502": Case(fixed(html(502, "Bad Gateway")), PENDING, ("transient",), NOT_YET_EXIT, status=502,
                     words=("502",)),
    "html-503": Case(fixed(html(503, "Service Unavailable")), PENDING, ("transient",), NOT_YET_EXIT, status=503,
                     words=("503",)),
    # a 2xx that is not our answer: retry, never "delivered"
    "200-html-proxy-page": Case(fixed(html(200, "Sign in - Network Access")), PENDING, ("unexpected",),
                                NOT_YET_EXIT, status=200, words=("not delivered yet",)),
    "200-message-string": Case(fixed(http_response(200, '{"Message":"An error has occurred."}')), PENDING,
                               ("unexpected",), NOT_YET_EXIT, status=200, words=("not delivered yet",)),
    "200-truncated-json-short-of-content-length": Case(
        fixed(truncated(80, b'{"Message":{"Code":"0')), PENDING, ("transient", "unexpected"), NOT_YET_EXIT,
        words=("not delivered yet",)),
    "200-truncated-json-close-delimited": Case(
        fixed(close_delimited(b'{"Message":{"Code":"00","Descr')), PENDING, ("transient", "unexpected"),
        NOT_YET_EXIT, words=("not delivered yet",)),
    "200-empty-body": Case(fixed(http_response(200, "")), PENDING, ("unexpected",), NOT_YET_EXIT,
                           words=("not delivered yet",)),
    # the server said no: kept with its words, retried only by a person
    "400-model-state": Case(fixed(http_response(400, MODEL_STATE)), REJECTED, ("rejected",), REJECTED_EXIT,
                            status=400, words=("rejected", "frames field is required", "outbox retry")),
    "401": Case(fixed(http_response(401, '{"Message":"Authorization has been denied for this request."}')),
                REJECTED, ("credentials",), REJECTED_EXIT, status=401, words=("rejected", "id and key")),
    "415": Case(fixed(http_response(415, '{"Message":"The request entity\'s media type \'text/plain\' '
                                         'is not supported for this resource."}')),
                REJECTED, ("rejected",), REJECTED_EXIT, status=415, words=("rejected", "415")),
    "200-code-02": Case(fixed(ok_json("02", "Invalid job data: Frames is invalid.")), REJECTED, ("rejected",),
                        REJECTED_EXIT, status=200, words=("02", "frames is invalid")),
}


def start_fault(case: Case, scripted) -> tuple[str, ScriptedServer | None]:
    if case.respond is None:
        return closed_port_url(), None
    holder: dict[str, ScriptedServer] = {}
    server = scripted(lambda request: case.respond(holder["server"]))
    holder["server"] = server
    return server.url, server


def report(env, wait: float):
    run = cli(env, *REPORT, "--wait", str(wait), timeout=wait + 60)
    assert run.seconds < wait + BOUND, f"took {run.seconds:.1f}s: {run}"
    return run


def assert_told(run, words) -> None:
    told = run.err.lower()
    for word in words:
        assert word in told, f"{word!r} not said: {run}"


def assert_delivered_once_by_flush(env_for, healthy) -> None:
    env = env_for(healthy.url)
    run = cli(env, "outbox", "flush", "--wait", "20")
    assert run.code == 0, str(run)
    assert [job["request"]["MissionId"] for job in healthy.jobs] == ["M-1"]
    (row,) = db_rows(Path(env["RENDERTALLY_HOME"]))
    assert (row["state"], row["code"]) == (DELIVERED, "00")  # so no later flush sends it again


@pytest.mark.parametrize("name", list(CASES))
def test_fault_outcome_exit_code_and_nothing_lost(name, scripted, env_for, healthy):
    """Each fault yields the table's state, error kind and exit code after one request; the job is later sent once."""
    case = CASES[name]
    url, server = start_fault(case, scripted)
    env = env_for(url)

    run = report(env, case.wait)

    assert run.code == case.exit, str(run)
    assert_told(run, case.words)
    (row,) = outbox_rows(env)
    assert row["state"] == case.state, row
    assert row["error_kind"] in case.kinds, row
    assert row["attempts"] == 1, row  # one attempt, then the pass stops: the API is unwell
    if case.status is not None:
        assert row["http_status"] == case.status, row
    if server is not None:
        assert len(server.requests) == 1  # no hammering: exactly one request reached it
    assert row["job"]["mission_id"] == "M-1" and row["job"]["frames"] == 24

    if case.state == REJECTED:
        # Rejected jobs wait for a person: a flush leaves them alone (exit 3, it says so), retry sends them once.
        env = env_for(healthy.url)
        flushed = cli(env, "outbox", "flush", "--wait", "5")
        assert flushed.code == 3 and "outbox retry --rejected" in flushed.err, str(flushed)
        assert healthy.jobs == []
        retried = cli(env, "outbox", "retry", "1", "--wait", "20")
        assert retried.code == 0, str(retried)
        assert [job["request"]["MissionId"] for job in healthy.jobs] == ["M-1"]
        assert db_rows(Path(env["RENDERTALLY_HOME"]))[0]["state"] == DELIVERED
    else:
        assert_delivered_once_by_flush(env_for, healthy)


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirect_is_kept_and_the_key_never_follows(status, scripted, env_for, healthy):
    """3xx: a configuration problem, kept and surfaced; the redirect target receives nothing."""
    target = scripted(lambda request: ok_json())
    source = scripted(lambda request: redirect(status, target.url + "/api/v1/render/jobdata"))
    env = env_for(source.url)

    run = report(env, 10)

    assert run.code == NOT_YET_EXIT, str(run)
    assert_told(run, ("redirect", "never sent to a redirect", "api url"))
    assert target.requests == [], "the Key followed the redirect"
    assert len(source.requests) == 1
    (row,) = outbox_rows(env)
    assert (row["state"], row["error_kind"], row["http_status"]) == (PENDING, "configuration", status)
    assert row["next_attempt"] - row["updated"] >= 599  # not hammered until someone fixes the URL
    # The person fixes the URL; a flush delivers the kept job once, and the target still got nothing.
    assert_delivered_once_by_flush(env_for, healthy)
    assert target.requests == []


def http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


@pytest.mark.parametrize(("status", "header", "low", "high"), [
    (429, "120", 119, 121),
    (503, "120", 119, 121),
    (429, "http-date+300", 290, 305),
    (503, "http-date-in-the-past", 0, RETRY_WAIT_FLOOR_DEFAULT + 1),
    (503, "99999999", RETRY_AFTER_CAP - 2, RETRY_AFTER_CAP + 2),  # huge: clamped
    (429, "Thu, 01 Jan 2099 00:00:00 GMT", RETRY_AFTER_CAP - 2, RETRY_AFTER_CAP + 2),
    (503, "soon", 0, RETRY_WAIT_FLOOR_DEFAULT + 1),  # malformed: ignored, the backoff decides
    (429, "-5", 0, RETRY_WAIT_FLOOR_DEFAULT + 1),
    (429, "1.5", 0, RETRY_WAIT_FLOOR_DEFAULT + 1),
    (503, "Wed, 99 Foo 2015 99:99:99 GMT", 0, RETRY_WAIT_FLOOR_DEFAULT + 1),
])
def test_retry_after_is_a_clamped_floor(status, header, low, high, scripted, env_for, healthy):
    """429/503 with Retry-After: kept, retried no sooner than asked (clamped); a person's flush still sends."""
    if header == "http-date+300":
        header = http_date(300)
    elif header == "http-date-in-the-past":
        header = http_date(-3600)
    server = scripted(lambda request: retry_after(status, header))
    env = env_for(server.url)

    run = report(env, 10)

    assert run.code == NOT_YET_EXIT, str(run)
    assert_told(run, (str(status),))
    (row,) = outbox_rows(env)
    assert (row["state"], row["error_kind"], row["http_status"]) == (PENDING, "transient", status)
    waits = row["next_attempt"] - row["updated"]
    assert low <= waits <= high, f"next attempt in {waits:.0f}s for Retry-After {header!r}"
    assert_delivered_once_by_flush(env_for, healthy)


def test_untrusted_tls_certificate_then_trusted(scripted, env_for, tmp_path):
    """A certificate we do not trust: nothing is sent (the Key stays home); trusting the CA delivers once."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    server = scripted(lambda request: ok_json(), cls=TLSScriptedServer, cert=ca.issue_cert("127.0.0.1"))
    env = env_for(server.url)

    run = report(env, 10)

    assert run.code == NOT_YET_EXIT, str(run)
    assert_told(run, ("tls",))
    assert server.requests == [] and server.handshake_failures >= 1
    (row,) = outbox_rows(env)
    assert (row["state"], row["error_kind"]) == (PENDING, "transient")
    bundle = tmp_path / "studio-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    trusted = env_for(server.url, RENDERTALLY_CA_BUNDLE=str(bundle))
    flushed = cli(trusted, "outbox", "flush", "--wait", "20")
    assert flushed.code == 0, str(flushed)
    assert len(server.requests) == 1
    assert db_rows(Path(env["RENDERTALLY_HOME"]))[0]["state"] == DELIVERED


def test_hang_with_a_short_wait_returns_promptly_and_the_next_process_sends(scripted, env_for, healthy):
    """A hung attempt holds a lease; the process that held it is gone, so the next one takes the job at once."""
    server = scripted(lambda request: server.hang)
    env = env_for(server.url)
    first = report(env, 1)
    assert first.code == NOT_YET_EXIT
    second = cli(env_for(healthy.url), *REPORT, "--wait", "20")
    assert second.code == 0, str(second)
    assert cli(env_for(healthy.url), "outbox", "flush", "--wait", "20").code == 0
    assert sorted(job["request"]["MissionId"] for job in healthy.jobs) == ["M-1", "M-1"]
    assert [row["state"] for row in db_rows(Path(env["RENDERTALLY_HOME"]))] == [DELIVERED, DELIVERED]


def test_an_answer_whose_headers_trickle_is_cut_off_at_the_attempt_deadline(scripted, credentials_env, home):
    """Headers a byte at a time (each byte inside the read timeout, an endless header line): the
    per-attempt deadline still ends the attempt, so the host's sender thread is not held for ever."""
    from rendertally.core.job import RenderJob
    from rendertally.core.reporter import Reporter
    from rendertally.core.transport import Transport

    server = scripted(lambda request: endless_header(server, 0.2))
    credentials_env(server.url)
    reporter = Reporter(home, transport=Transport(connect_timeout=1, read_timeout=1, deadline=1))
    try:
        row_id = reporter.submit(RenderJob(frames=1, render_hours=0.1, software="BLD", software_version="5.0.1",
                                           render_engine="Cycles"))
        reporter.start_sending()
        # deadline 1 s + one read timeout 1 s: the attempt must have ended well within 5 s.
        ended = wait_until(lambda: reporter.outbox.get(row_id).last_error, 5)
        row = reporter.outbox.get(row_id)
    finally:
        reporter.close(timeout=0)
    assert ended, "the attempt was still running 5 s after a 1 s deadline"
    assert (row.state, row.error_kind) == ("pending", "transient")
