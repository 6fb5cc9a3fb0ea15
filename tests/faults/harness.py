"""What the fault suite drives: the real ``rendertally`` command as a process, and misbehaving servers.

The servers reuse :mod:`tests.servers` (raw loopback sockets, no mocks of requests) and add what
the suite needs on top: a TLS variant and a few canned misbehaviours.
"""
from __future__ import annotations

import dataclasses
import json
import os
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from ..conftest import SECRET_KEY, TEST_ID
from ..servers import Request, ScriptedServer, http_response

COMMAND = [sys.executable, "-m", "rendertally.core"]
REPORT = ["report", "--frames", "24", "--render-hours", "0.5", "--software", "BLD",
          "--software-version", "5.0.1", "--engine", "Cycles", "--mission-id", "M-1"]
# The CLI's exit codes (core/cli.py): a contract pipelines rely on.
DELIVERED_EXIT, INVALID_EXIT, REJECTED_EXIT, NOT_YET_EXIT = 0, 2, 3, 75


@dataclasses.dataclass
class Run:
    """One finished ``rendertally`` process."""

    args: list[str]
    code: int
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err

    def __str__(self) -> str:  # what an assertion shows: never the Key
        shown = f"rendertally {' '.join(self.args)} -> {self.code} in {self.seconds:.1f}s\n{self.out}\n{self.err}"
        return shown.replace(SECRET_KEY, "<KEY>")


def child_env(home: Path, url: str, **extra: str) -> dict[str, str]:
    """A clean environment for a child process: our home, the URL, the test Id and Key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENDERTALLY_")}
    env.update(RENDERTALLY_HOME=str(home), RENDERTALLY_URL=url, RENDERTALLY_ID=TEST_ID,
               RENDERTALLY_KEY=SECRET_KEY, RENDERTALLY_KEYRING="0", PYTHONDONTWRITEBYTECODE="1")
    env.update(extra)
    return env


def cli(env: dict[str, str], *args: str, timeout: float = 60.0) -> Run:
    """Run ``rendertally ARGS`` and check what holds for every run: no traceback, no Key."""
    started = time.monotonic()
    done = subprocess.run([*COMMAND, *args], env=env, check=False, capture_output=True, text=True, timeout=timeout)
    run = Run(list(args), done.returncode, done.stdout, done.stderr, time.monotonic() - started)
    assert "Traceback" not in run.text, str(run)
    assert SECRET_KEY not in run.text, "the Key was printed by: rendertally " + " ".join(args)
    return run


def outbox_rows(env: dict[str, str]) -> list[dict[str, Any]]:
    """Every row, oldest first, as ``rendertally outbox list --all --json`` shows it."""
    run = cli(env, "outbox", "list", "--all", "--json", "--limit", "100000")
    assert run.code == 0, str(run)
    return sorted(json.loads(run.out), key=lambda row: row["id"])


def db_rows(home: Path) -> list[dict[str, Any]]:
    """Every row read straight from the file (fast; for big counts), oldest first."""
    with sqlite3.connect(home / "outbox.sqlite3") as db:
        db.row_factory = sqlite3.Row
        rows = [dict(r) for r in db.execute("SELECT * FROM jobs ORDER BY id")]
    for row in rows:
        row["job"] = json.loads(row["job"])
    return rows


def integrity(home: Path) -> str:
    with sqlite3.connect(home / "outbox.sqlite3") as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def closed_port_url() -> str:
    """A loopback URL where nothing listens (a port that was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def wait_until(predicate: Callable[[], Any], timeout: float, every: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(every)


# -- misbehaving servers ------------------------------------------------------------------------
class TLSScriptedServer(ScriptedServer):
    """A :class:`ScriptedServer` behind TLS with a certificate from ``cert`` (a trustme LeafCert)."""

    def __init__(self, respond: Callable[[Request], Any], cert: Any) -> None:
        super().__init__(respond)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(self.context)
        self.url = f"https://127.0.0.1:{self.port}"
        self.handshake_failures = 0

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            wrapped = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshake_failures += 1  # the client refused our certificate: it sent nothing
            conn.close()
            return
        super()._handle(wrapped)


def head_then_trickle(server: ScriptedServer, response: bytes, every: float) -> Callable[[socket.socket], None]:
    """Send the status line and headers at once, then the body one byte each ``every`` seconds."""
    head, _, body = response.partition(b"\r\n\r\n")

    def send(sock: socket.socket) -> None:
        try:
            sock.sendall(head + b"\r\n\r\n")
        except OSError:
            sock.close()
            return
        server.trickle(body, every)(sock)

    return send


def endless_header(server: ScriptedServer, every: float) -> Callable[[socket.socket], None]:
    """A status line, then one header line that never ends, a byte each ``every`` seconds."""
    return server.trickle(b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 60_000, every)


def truncated(declared: int, body: bytes) -> bytes:
    """A 200 JSON answer that promises ``declared`` bytes and closes after ``body``."""
    return (f"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {declared}\r\nConnection: close\r\n\r\n").encode() + body


def close_delimited(body: bytes, content_type: str = "application/json; charset=utf-8") -> bytes:
    """A 200 answer without Content-Length: the body ends where the connection does."""
    return f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n".encode() + body


def html(status: int, title: str) -> bytes:
    page = f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
    return http_response(status, page, content_type="text/html; charset=utf-8")


def retry_after(status: int, value: str) -> bytes:
    return http_response(status, '{"Message":"The service is unavailable."}', headers={"Retry-After": value})


def redirect(status: int, location: str) -> bytes:
    return http_response(status, "", content_type="text/html", headers={"Location": location})


def request_key(request: Request) -> str | None:
    """The Key a request carried (JSON bodies), to prove where it went."""
    try:
        return json.loads(request.body)["Authentication"]["Key"]
    except (ValueError, KeyError, TypeError):
        return None
