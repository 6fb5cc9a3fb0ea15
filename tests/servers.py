"""Small loopback socket servers that answer HTTP exactly as a test scripts them.

No mocks of requests: the client under test talks real TCP to these. A server runs each
accepted connection through ``respond(request)``, which returns either raw bytes to send (then
the connection closes) or a callable that gets the socket and misbehaves as it likes.
"""
from __future__ import annotations

import contextlib
import dataclasses
import socket
import struct
import threading
import time
from pathlib import Path
from typing import Callable, Iterator, Optional, Union

Action = Union[bytes, Callable[[socket.socket], None]]


@dataclasses.dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def http_response(status: int, body: Union[bytes, str] = b"", *, content_type: str = "application/json",
                  headers: Optional[dict[str, str]] = None, reason: str = "X") -> bytes:
    """A complete HTTP/1.1 response with Content-Length and Connection: close."""
    data = body.encode() if isinstance(body, str) else body
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}",
             f"Content-Length: {len(data)}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def ok_json(code: str = "00", description: str = "Job data recorded.") -> bytes:
    return http_response(200, f'{{"Message":{{"Code":"{code}","Description":"{description}"}}}}')


def reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0) right after reading the request."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class ScriptedServer:
    """A loopback HTTP server whose every answer is scripted by ``respond``."""

    def __init__(self, respond: Callable[[Request], Action]) -> None:
        self.respond = respond
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._thread.join(5)
        self._sock.close()

    def hang(self, sock: socket.socket) -> None:
        """Accept and never answer (until the server stops)."""
        self.stopping.wait(60)
        sock.close()

    def trickle(self, payload: bytes, every: float = 1.0) -> Callable[[socket.socket], None]:
        """Send ``payload`` one byte each ``every`` seconds."""

        def send(sock: socket.socket) -> None:
            for byte in payload:
                if self.stopping.wait(every):
                    break
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    break
            sock.close()

        return send

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            request = _read_request(conn)
        except OSError:
            conn.close()
            return
        if request is None:
            conn.close()
            return
        self.requests.append(request)
        action = self.respond(request)
        if callable(action):
            action(conn)
            return
        try:
            conn.sendall(action)
        except OSError:
            pass
        finally:
            conn.close()


def _read_request(conn: socket.socket) -> Optional[Request]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    deadline = time.monotonic() + 10
    while len(body) < length and time.monotonic() < deadline:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return Request(method, path, headers, body)


@contextlib.contextmanager
def tls_server(folder: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTPS server (a certificate from a test CA) answering every POST with an empty
    200; yields its URL and the CA's bundle, written into ``folder``. Needs trustme."""
    import ssl
    from http.server import BaseHTTPRequestHandler, HTTPServer

    import trustme

    ca = trustme.CA()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bundle = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", bundle
    finally:
        server.shutdown()
