"""Outbox throughput: one durable write, flushing queued jobs, and the machine's physical floor.

The flush runs the sender's loop on this thread (claim a batch → POST each → record each)
against two servers in their own processes: the sandbox (the local stand-in of the API, with its
own parsing and bookkeeping) and ``raw_server.py`` (reads a request, writes the answer: the
client's own cost becomes visible). Against the sandbox it also runs with a new
``requests.Session`` per job (a new connection each time). Client CPU per job is this process's
CPU time (sender, SQLite, requests) divided by the jobs sent. The floor: one fsync of a small
write on this disk, one loopback HTTP round trip over a raw socket (no client library), and one
bare ``requests.Session.post`` (the HTTP library alone, no RenderTally).
"""
from __future__ import annotations

import os
import socket
import tempfile
import time
import urllib.parse
from pathlib import Path

from common import Figure, jobs_at, ms, raw_server, sandbox, scratch, stats

RUNS = {True: 3, False: 5}  # quick: medians of 3 runs; full: of 5


def fill(home, count: int) -> list[float]:
    from rendertally.core.job import RenderJob
    from rendertally.core.outbox import Outbox

    box = Outbox(home / "outbox.sqlite3")
    job = RenderJob(frames=12, render_hours=0.25, software="MAY", software_version="2026", render_engine="Arnold")
    costs = []
    try:
        for _ in range(count):
            began = time.perf_counter()
            box.submit(job)
            costs.append(time.perf_counter() - began)
    finally:
        box.close()
    return costs


def flush(home, reuse: bool) -> tuple[int, float, float]:
    """(jobs sent, wall seconds, CPU seconds of this process) for one forced pass."""
    from rendertally.core.outbox import Outbox
    from rendertally.core.sender import Sender
    from rendertally.core.transport import Transport

    class NewSessionPerJob(Transport):
        def send(self, job):  # type: ignore[no-untyped-def]
            self.close()  # drops the Client and its Session: the next one connects afresh
            return super().send(job)

    box = Outbox(home / "outbox.sqlite3")
    transport = Transport() if reuse else NewSessionPerJob()
    sender = Sender(box, transport)
    try:
        began, cpu = time.perf_counter(), time.process_time()
        sent = sender.send_due(force=True)
        seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
    finally:
        transport.close()
        box.close()
    return sent, seconds, cpu_seconds


def one_flush(server, count: int, reuse: bool = True) -> dict[str, float]:
    with server() as url, scratch(url) as home:
        writes = fill(home, count)
        sent, seconds, cpu = flush(home, reuse)
        accepted = jobs_at(url) if server is sandbox else sent
    return {"sent": sent, "seconds": seconds, "cpu": cpu, "accepted": accepted, "writes": writes}


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def fsync_floor(samples: int = 200) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="rendertally-bench-fsync-") as folder:
        path = Path(folder) / "probe"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            costs = []
            for n in range(samples):
                os.write(fd, b"x" * 100)
                began = time.perf_counter()
                os.fsync(fd)
                costs.append(time.perf_counter() - began)
                if n % 50 == 49:
                    os.ftruncate(fd, 0)
            return costs
        finally:
            os.close(fd)


def bare_requests(url: str, samples: int = 2000) -> list[float]:
    """One requests.Session posting a small body to ``url``: the HTTP library's own ceiling."""
    import requests

    costs = []
    with requests.Session() as session:
        for _ in range(samples):
            began = time.perf_counter()
            session.post(url + "/api/v1/render/jobdata", data=b'{"Request":{}}',
                         headers={"Content-Type": "application/json"}, timeout=10).close()
            costs.append(time.perf_counter() - began)
    return costs


def round_trip_floor(url: str, samples: int = 2000) -> list[float]:
    parts = urllib.parse.urlsplit(url)
    body = b'{"Authentication":{"Id":"1","Key":"k"},"Request":{}}'
    request = (f"POST /api/v1/render/jobdata HTTP/1.1\r\nHost: {parts.netloc}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    costs = []
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for _ in range(samples):
            began = time.perf_counter()
            sock.sendall(request)
            answer = b""
            while not answer.endswith(b"}}"):
                answer += sock.recv(65536)
            costs.append(time.perf_counter() - began)
    return costs


def run(quick: bool) -> list[Figure]:
    count = 1_000 if quick else 10_000
    runs = RUNS[quick]
    area = "Outbox"
    figures: list[Figure] = []
    results = {
        "sandbox": [one_flush(sandbox, count) for _ in range(runs)],
        "raw": [one_flush(raw_server, count) for _ in range(runs)],
        "sandbox, new connection": [one_flush(sandbox, count, reuse=False) for _ in range(max(1, runs // 2))],
    }
    writes = [w for result in results["sandbox"] for w in result["writes"]]
    s = stats(writes)
    figures.append(Figure(area, "one durable write (Outbox.submit): p50 / p99",
                          f"{ms(s['p50'])} / {ms(s['p99'])}", f"{len(writes)} writes, SQLite WAL, synchronous=FULL"))
    labels = {"sandbox": "to the sandbox, connection reused", "raw": "to a minimal raw server, connection reused",
              "sandbox, new connection": "to the sandbox, new requests.Session per job"}
    for name, label in labels.items():
        done = results[name]
        rate = median([r["sent"] / r["seconds"] for r in done])
        cpu = median([r["cpu"] / r["sent"] for r in done])
        accepted = min(r["accepted"] for r in done)
        figures.append(Figure(area, f"flush {count:,} jobs {label}: jobs/s (median)", f"{rate:,.0f} jobs/s",
                              f"{len(done)} runs; client CPU {ms(cpu)} per job; each run: {accepted}+ accepted"))
    fsyncs = stats(fsync_floor())
    figures.append(Figure("Floor", "one fsync of a 100-byte write on this disk: p50 / p99",
                          f"{ms(fsyncs['p50'])} / {ms(fsyncs['p99'])}", "what a durable commit cannot beat"))
    with raw_server() as url:
        trips = stats(round_trip_floor(url))
        bare = stats(bare_requests(url))
    figures.append(Figure("Floor", "one loopback HTTP round trip, raw socket, raw server: p50 / p99",
                          f"{ms(trips['p50'])} / {ms(trips['p99'])}",
                          f"at most {1 / trips['p50']:,.0f} sequential requests/s"))
    figures.append(Figure("Floor", "one requests.Session.post to the raw server (no RenderTally): p50 / p99",
                          f"{ms(bare['p50'])} / {ms(bare['p99'])}",
                          f"the HTTP library alone: at most {1 / bare['p50']:,.0f} jobs/s"))
    return figures
