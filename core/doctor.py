"""``rendertally doctor`` and ``rendertally test``: is everything in place to deliver, and if not,
what to do next. Doctor posts nothing; test posts one Test job and shows the server's answer."""
from __future__ import annotations

import dataclasses
import json
import socket
import ssl
from typing import Any, Callable
from urllib.parse import urlsplit

from . import __version__
from . import settings as settings_mod
from .errors import DeliveryError, RejectedError, RenderTallyError
from .job import JobStatus, JobType, RenderJob
from .outbox import Outbox
from .pause import Pause
from .reporter import OUTBOX_FILE

OK, REJECTED_EXIT, NOT_YET = 0, 3, 75
TIMING_OUT_AFTER = 3  # attempts of one job that ended transient before doctor calls it a problem
API_405 = "does not support http method"  # ASP.NET's words: the route exists, GET is not its verb


@dataclasses.dataclass
class Report:
    lines: list[str] = dataclasses.field(default_factory=list)
    problems: list[dict[str, str]] = dataclasses.field(default_factory=list)
    checks: dict[str, Any] = dataclasses.field(default_factory=dict)

    def say(self, line: str) -> None:
        self.lines.append(line)

    def problem(self, what: str, next_step: str) -> None:
        self.problems.append({"problem": what, "next": next_step})
        self.lines.append(f"  ! {what}\n    → {next_step}")


def run(out: Callable[[str], None] = print, *, as_json: bool = False) -> int:
    """Print the checks; 0 only when nothing needs attention, else 75 (jobs are kept)."""
    report = Report()
    current = settings_mod.load()
    _settings(current, report)
    _outbox(current, report)
    report.say("API")
    if current.url is not None:
        _reach(current, report)
    if as_json:
        out(json.dumps({"ok": not report.problems, "problems": report.problems, **report.checks}, indent=2))
    else:
        for line in report.lines:
            out(line)
        out("All good." if not report.problems else
            f"{len(report.problems)} thing(s) need attention (marked ! above, each with its next step).")
    return OK if not report.problems else NOT_YET


def _settings(current: settings_mod.Settings, report: Report) -> None:
    report.say("Settings")
    report.checks["settings"] = {name: {"value": current.display(name), "source": current.sources[name]}
                                 for name in settings_mod.FIELDS}
    for name in settings_mod.FIELDS:
        report.say(f"  {name:<11} {current.display(name):<36} {current.sources[name]}")
    for problem in current.problems:
        report.problem(problem, "fix that value (rendertally settings set NAME VALUE, or the file named)")
    try:
        current.credentials()
    except RenderTallyError as exc:
        if current.url is not None:
            report.problem(str(exc), "set them, then run `rendertally test` to check them with the server")


def _outbox(current: settings_mod.Settings, report: Report) -> None:
    report.say("Outbox")
    path = settings_mod.home() / OUTBOX_FILE
    try:
        box = Outbox(path)
        try:
            counts = box.counts()
            pending = box.list(["pending"], limit=1000)
        finally:
            box.close()
    except RenderTallyError as exc:
        report.problem(str(exc), "free disk space or fix the folder's permissions; jobs cannot be kept meanwhile")
        return
    report.checks["outbox"] = {"path": str(path), **counts}
    report.say(f"  {path}")
    report.say("  " + ", ".join(f"{state} {n}" for state, n in counts.items()))
    paused = Pause(settings_mod.home()).reason(current)
    if paused:
        report.problem(paused, "correct the Id/Key (rendertally settings set key), check with `rendertally test`")
    if counts["rejected"]:
        report.problem(f"{counts['rejected']} job(s) were rejected by the server and wait for you",
                       "read why: `rendertally outbox list`; after fixing, `rendertally outbox retry --rejected`")
    stuck = [row for row in pending if row.attempts >= TIMING_OUT_AFTER and row.error_kind == "transient"]
    if stuck:
        report.problem(f"{len(stuck)} job(s) keep failing to reach the API (last: {stuck[0].last_error})",
                       "check the network, proxy and URL below; they are kept and retried")


def _reach(current: settings_mod.Settings, report: Report) -> None:
    assert current.url is not None
    parts = urlsplit(current.url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
        report.say(f"  DNS   {host} -> {', '.join(sorted(addresses))}")
    except OSError as exc:
        report.problem(f"DNS: {host} cannot be looked up ({exc})",
                       "check the url setting for a typo, and this machine's network and DNS")
        return
    if parts.scheme == "https" and not current.proxy:
        try:
            context = ssl.create_default_context(cafile=current.ca_bundle)
            with socket.create_connection((host, port), timeout=5) as raw:
                with context.wrap_socket(raw, server_hostname=host) as tls:
                    report.say(f"  TLS   {tls.version()} certificate verified")
        except (OSError, ssl.SSLError) as exc:
            report.problem(f"TLS: {exc}", "behind a TLS-inspecting proxy, set ca_bundle to its CA certificate")
            return
    _probe(current, report)


def _probe(current: settings_mod.Settings, report: Report) -> None:
    from .client import Client

    try:
        client = Client(current.url or "", proxy=current.proxy, ca_bundle=current.ca_bundle)
        status, head = client.probe_answer()
        client.close()
    except RenderTallyError as exc:
        report.problem(f"HTTP: {exc}", "check the url and proxy settings and that the service is up")
        return
    report.checks["http_status"] = status
    report.say(f"  HTTP  {client.url} answered {status} to a GET (no job was posted)")
    if status == 405 and API_405 in head:
        return  # the job-data route exists; it takes POST only
    if status in (404, 405):
        report.problem(f"HTTP: {client.url} answered {status}: no job-data API there",
                       "set url to the service's base address only, e.g. https://api.example.com")
    elif status >= 500:
        report.problem(f"HTTP: the server answered {status}", "the service is unwell; jobs are kept and retried")
    elif 300 <= status < 400:
        report.problem(f"HTTP: {client.url} redirects ({status})", "set url to the address it redirects to")


def send_test(software: str = "BLD", out: Callable[[str], None] = print, *, as_json: bool = False) -> int:
    """Post one Test job (JobType 3, 0 frames) now, not through the outbox; show the answer."""
    from .transport import Transport

    current = settings_mod.load()
    current.credentials()  # ConfigurationError → exit 2
    job = RenderJob(frames=0, render_hours=0, software=software, software_version=__version__,
                    render_engine="RenderTally test", status=JobStatus.DONE, job_type=JobType.TEST,
                    email=current.email)
    transport = Transport()
    try:
        answer = transport.send(job)
    except DeliveryError as exc:
        code = REJECTED_EXIT if isinstance(exc, RejectedError) else NOT_YET
        _say(out, as_json, {"ok": False, "error": str(exc), "status": exc.status, "exit": code},
             f"The server did not accept the test: {exc}")
        return code
    finally:
        transport.close()
    Pause(settings_mod.home()).clear()  # the server took these credentials: nothing to pause for
    _say(out, as_json, {"ok": True, "code": answer.code, "description": answer.description,
                        "status": answer.status, "exit": OK},
         f"The server accepted the test job: {answer.code} {answer.description}")
    return OK


def _say(out: Callable[[str], None], as_json: bool, data: dict[str, Any], text: str) -> None:
    out(json.dumps(data) if as_json else text)
