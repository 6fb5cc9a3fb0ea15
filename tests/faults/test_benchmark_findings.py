"""What the benchmarks found, as tests (the figures themselves are printed by benchmarks/run.py)."""
from __future__ import annotations

import http.client
import socket
from urllib.parse import urlsplit

from rendertally.core.sandbox import JOB_PATH, Sandbox
from rendertally.core.wire import JSON_TYPE


def test_the_sandbox_answers_kept_alive_connections_without_nagle():
    """Kept-alive answers go out at once: the sandbox disables Nagle's algorithm, as IIS and
    Kestrel do (found by the outbox benchmark: 21 jobs/s instead of ~200; fixed in 16f4101)."""
    with Sandbox() as box:
        parts = urlsplit(box.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            for _ in range(2):
                connection.request("POST", JOB_PATH, body=b"{}", headers={"Content-Type": JSON_TYPE})
                connection.getresponse().read()
            (server_side,) = list(box._connections)
            assert server_side.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        finally:
            connection.close()
