"""A local stand-in for the render service's ``POST api/v1/render/jobdata`` (ASP.NET Web API).

The HTTP side: routing, content negotiation, switchable faults, records of what arrived. How a
request body is read and an answer worded (ASP.NET's model binding) is :mod:`.binding`.
Answers, errors and faults have the shapes the real server sends. Control endpoints for other
processes: ``GET /_sandbox/jobs``, ``GET /_sandbox/requests``, ``POST /_sandbox/fault``.
Standard library only; the Key is masked in every record and log line.
"""
from __future__ import annotations

import datetime
import hmac
import json
import os
import re
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import urlsplit

from .binding import (  # noqa: F401 - the readers are part of the sandbox's public face too
    INVALID,
    BadRequest,
    answer_body,
    check_fields,
    check_required,
    error_body,
    media_type,
    negotiate,
    read_json,
    read_xml,
    request_format,
)

FAULTS = ("none", "slow", "hang", "500", "503", "garbage", "reject", "html200", "redirect")
JOB_PATH = "/api/v1/render/jobdata"
MAX_BODY = 1024 * 1024
DRAIN_LIMIT = 16 * MAX_BODY  # a too-large body up to this size is read and dropped, keeping the connection
MASK = "********"
_PAGE_500 = (b"<!DOCTYPE html>\r\n<html><head><title>Runtime Error</title></head><body bgcolor=\"white\">"
             b"<span><H1>Server Error in '/' Application.<hr width=100% size=1 color=silver></H1>"
             b"<h2> <i>Runtime Error</i> </h2></span></body></html>")  # fmt: skip
_PAGE_PROXY = (b"<!DOCTYPE html><html><head><title>Sign in - Network Access</title></head><body>"
               b"<h1>Network login required</h1><form method=\"post\" action=\"/login\">"
               b"<input name=\"user\"><input name=\"password\" type=\"password\"></form></body></html>")  # fmt: skip
_REDIRECT_TO = "https://example.invalid/api/v1/render/jobdata"


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


# -- the HTTP side -------------------------------------------------------------------------------
class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sandbox: Sandbox

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up mid-answer (its timeout, or stop()) is normal here: one line, no traceback.
        self.sandbox._say(f"connection from {client_address[0]} ended: {sys.exc_info()[0].__name__}")


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections, so every answer has a length
    timeout = 30  # an idle keep-alive connection is dropped after this
    # Headers and body go out in two writes; with Nagle on, every kept-alive request after the
    # first waits for the client's delayed ACK (~40 ms on Linux). Real servers set TCP_NODELAY.
    disable_nagle_algorithm = True
    server: _Server

    def version_string(self) -> str:
        return "Microsoft-IIS/10.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # one masked line per request goes to Sandbox.log instead of stderr

    def setup(self) -> None:
        super().setup()
        self.box = self.server.sandbox
        self.box._track(self.connection, True)
        self.seen: dict[str, Any] = {}  # Id and masked Key of the request being answered

    def finish(self) -> None:
        self.box._track(self.connection, False)
        super().finish()

    def _dispatch(self) -> None:
        self.seen = {}  # one connection carries many requests: forget the last one's Id
        route = urlsplit(self.path).path.rstrip("/").lower()  # ASP.NET routes ignore case
        body = self._read_body()
        if body is None:
            return
        try:
            self._route(route, body)
        except OSError:
            raise  # the client went away: nothing left to answer
        except Exception as exc:  # a bug here must look like ASP.NET's 500, not a dropped connection
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self.box._say(f"sandbox error: {type(exc).__name__} at line {where.lineno}")  # no text: it may hold the Key
            self._send(500, error_body("json", "An error has occurred."), "application/json; charset=utf-8")

    def _route(self, route: str, body: bytes) -> None:
        if route == JOB_PATH and self.command == "POST":
            self._job(body)
        elif route == JOB_PATH:
            self._send(405, error_body("json", f"The requested resource does not support http method '{self.command}'."),
                       "application/json; charset=utf-8", {"Allow": "POST"})
        elif route.startswith("/_sandbox/"):
            self._control(route, body)
        else:
            host = self.headers.get("Host", "localhost")
            self._send(404, error_body("json", f"No HTTP resource was found that matches the request URI 'http://{host}{self.path}'."),
                       "application/json; charset=utf-8")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch

    def _read_body(self) -> bytes | None:
        """Exactly Content-Length bytes, or None after answering 400/411/413."""
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            if self.command in ("POST", "PUT", "PATCH"):
                self.close_connection = True  # a body we cannot delimit may follow
                self._send(411, b"<h2>Length Required</h2>", "text/html; charset=us-ascii")
                return None
            return b""
        if not re.fullmatch(r"[0-9]+", length_text.strip()):
            self.close_connection = True
            self._send(400, b"<h2>Bad Request - Invalid Content Length</h2>", "text/html; charset=us-ascii")
            return None
        length = int(length_text)
        if length > MAX_BODY:
            # Read and drop it (up to a point), so the client sees the answer rather than a reset.
            self.close_connection = length > DRAIN_LIMIT
            while 0 < length <= DRAIN_LIMIT:
                chunk = self.rfile.read(min(65536, length))
                length = length - len(chunk) if chunk else 0
            self._send(413, error_body("json", "The request is too large."), "application/json; charset=utf-8")
            return None
        return self.rfile.read(length)

    def _job(self, body: bytes) -> None:
        fault = self.box.fault
        if fault == "hang":
            self.close_connection = True
            self.box._record(self, None)  # seen, never answered
            self.box._stopping.wait()  # released by stop(), never by time
            return
        if fault == "slow" and self.box._stopping.wait(self.box.slow_seconds):
            self.close_connection = True
            return
        if fault in ("500", "503", "garbage", "html200", "redirect"):
            self._fault(fault)
            return
        content_type = self.headers.get("Content-Type")
        fmt, media = negotiate(self.headers.get("Accept"), content_type)
        ctype = f"{media}; charset=utf-8"
        reading = request_format(content_type)
        if reading is None:
            kind = media_type(content_type) or "application/octet-stream"
            message = f"The request entity's media type '{kind}' is not supported for this resource."
            self._send(415, error_body(fmt, message), ctype)
            return
        try:
            auth, request = (read_json if reading == "json" else read_xml)(body)
            self.seen = {"id": auth and auth["Id"], "key": MASK if auth and auth["Key"] else None}
            check_required(auth, request)
        except BadRequest as exc:
            self._send(400, error_body(fmt, INVALID, exc.state), ctype)
            return
        assert auth is not None and request is not None  # check_required saw to that
        if not self.box._accepts(auth):
            self._send(401, error_body(fmt, "Authorization has been denied for this request."), ctype)
            return
        if fault == "reject":
            self._send(200, answer_body(fmt, "01", "Invalid credentials."), ctype)
            return
        problems = check_fields(request)
        if problems:
            self._send(200, answer_body(fmt, "02", "Invalid job data: " + " ".join(problems)), ctype)
            return
        self.box._add_job(reading, auth["Id"], request)
        self._send(200, answer_body(fmt, "00", "Job data recorded."), ctype)

    def _fault(self, fault: str) -> None:
        if fault == "500":
            self._send(500, _PAGE_500, "text/html; charset=utf-8")
        elif fault == "503":
            self._send(503, error_body("json", "The service is unavailable."), "application/json; charset=utf-8",
                       {"Retry-After": "2"})
        elif fault == "garbage":
            # Bytes that are neither JSON nor XML (gzip-like, as from a proxy that compresses unasked).
            self._send(200, b"\x1f\x8b\x08" + os.urandom(509), "text/plain")
        elif fault == "html200":
            self._send(200, _PAGE_PROXY, "text/html; charset=utf-8")
        else:
            page = f'<html><head><title>Object moved</title></head><body><h2>Object moved to <a href="{_REDIRECT_TO}">here</a>.</h2></body></html>'
            self._send(302, page.encode("ascii"), "text/html; charset=utf-8", {"Location": _REDIRECT_TO})

    def _control(self, route: str, body: bytes) -> None:
        status, data = 404, {"Message": f"No sandbox control at '{route}'."}
        if route == "/_sandbox/jobs" and self.command == "GET":
            status, data = 200, self.box.jobs
        elif route == "/_sandbox/requests" and self.command == "GET":
            status, data = 200, self.box.requests
        elif route == "/_sandbox/fault" and self.command == "POST":
            try:
                self.box.set_fault(json.loads(body or b"{}").get("fault"))
                status, data = 200, {"fault": self.box.fault}
            except (ValueError, AttributeError) as exc:
                status, data = 400, {"Message": str(exc)}
        self._send(status, json.dumps(data).encode("utf-8"), "application/json; charset=utf-8", control=True)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None,
              control: bool = False) -> None:
        self.box._record(self, status, control)  # first: a client must never see an answer not yet recorded
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class Sandbox:
    """The job-data API on a local port. Binds at construction, so ``url`` is known before ``start``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, fault: str = "none",
                 accept_id: str | None = None, accept_key: str | None = None,
                 slow_seconds: float = 2.0, log: Callable[[str], None] | None = None) -> None:
        self.set_fault(fault)
        self.accept_id, self.accept_key = accept_id, accept_key
        self.slow_seconds = slow_seconds
        self._log = log
        self._lock = threading.Lock()
        self._jobs: list[dict[str, Any]] = []
        self._requests: list[dict[str, Any]] = []
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()  # ends hangs and slow waits at once
        self._thread: threading.Thread | None = None
        self._server = (_Server6 if ":" in host else _Server)((host, port), _Handler)
        self._server.sandbox = self
        bound = self._server.server_address[1]
        self.url = f"http://[{host}]:{bound}" if ":" in host else f"http://{host}:{bound}"

    def start(self) -> Sandbox:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="rendertally-sandbox", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and drop open connections, hung ones included; returns promptly."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._thread is not None:
            self._server.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:  # wakes handler threads blocked on a keep-alive read
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Serve until Ctrl+C, then stop (for the CLI)."""
        self.start()
        try:
            while not self._stopping.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    @property
    def fault(self) -> str:
        return self._fault

    def set_fault(self, fault: str) -> None:
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; use one of: {', '.join(FAULTS)}")
        self._fault = fault

    @property
    def jobs(self) -> list[dict[str, Any]]:
        """Every accepted job (Code "00"), oldest first; the Key is masked."""
        with self._lock:
            return [dict(job, authentication=dict(job["authentication"]), request=dict(job["request"])) for job in self._jobs]

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every request to the API seen, rejected ones too (``status`` None: never answered)."""
        with self._lock:
            return [dict(record) for record in self._requests]

    # -- used by the handler --
    def _say(self, line: str) -> None:
        if self._log is not None:
            self._log(line)

    def _track(self, connection: socket.socket, is_open: bool) -> None:
        with self._lock:
            (self._connections.add if is_open else self._connections.discard)(connection)

    def _accepts(self, auth: dict[str, str | None]) -> bool:
        # compare_digest: the time taken says nothing about how much of the Key matched.
        ok_id = self.accept_id is None or hmac.compare_digest((auth["Id"] or "").encode(), self.accept_id.encode())
        ok_key = self.accept_key is None or hmac.compare_digest((auth["Key"] or "").encode(), self.accept_key.encode())
        return ok_id and ok_key

    def _add_job(self, fmt: str, job_id: str | None, request: dict[str, str | None]) -> None:
        job = {"format": fmt, "authentication": {"Id": job_id, "Key": MASK}, "request": dict(request), "received": _now()}
        with self._lock:
            self._jobs.append(job)

    def _record(self, handler: _Handler, status: int | None, control: bool = False) -> None:
        seen = handler.seen
        self._say(f"{handler.command} {handler.path} {status if status else 'no answer'} "
                  f"Id={seen.get('id') or '-'} Key={seen.get('key') or '-'} fault={self.fault}")
        if control:
            return  # the control endpoints are not part of the API's traffic
        record = {"method": handler.command, "path": handler.path, "content_type": handler.headers.get("Content-Type"),
                  "accept": handler.headers.get("Accept"), "status": status, "fault": self.fault,
                  "id": seen.get("id"), "key": seen.get("key"), "received": _now()}
        with self._lock:
            self._requests.append(record)
