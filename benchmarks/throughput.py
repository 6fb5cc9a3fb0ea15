"""Outbox throughput: one durable write (``Outbox.submit``), and flushing 10,000 queued jobs.

The flush runs the sender's loop on this thread (claim → POST → settle, two durable writes per
job) against the sandbox in its own process, once with the Client's one ``requests.Session``
(connections reused) and once with a new Session per job (a new connection each time).
"""
from __future__ import annotations

import time

from common import Figure, jobs_at, ms, sandbox, scratch, stats


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


def flush(home, reuse: bool) -> tuple[int, float]:
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
        began = time.perf_counter()
        sent = sender.send_due(force=True)
        seconds = time.perf_counter() - began
    finally:
        transport.close()
        box.close()
    return sent, seconds


def run(quick: bool) -> list[Figure]:
    count = 1_000 if quick else 10_000
    figures = []
    area = "Outbox"
    results = {}
    writes: list[float] = []
    for reuse in (True, False):
        with sandbox("none") as url, scratch(url) as home:
            writes += fill(home, count)
            sent, seconds = flush(home, reuse)
            accepted = jobs_at(url)
        results[reuse] = (sent, seconds, accepted)
    s = stats(writes)
    figures.append(Figure(area, "one durable write (Outbox.submit): p50 / p99",
                          f"{ms(s['p50'])} / {ms(s['p99'])}", f"{len(writes)} writes, SQLite WAL, synchronous=FULL"))
    for reuse, label in ((True, "connection reused (one requests.Session)"), (False, "new Session per job")):
        sent, seconds, accepted = results[reuse]
        figures.append(Figure(area, f"flush {count:,} jobs to the sandbox, {label}",
                              f"{sent / seconds:,.0f} jobs/s", f"{sent} sent in {seconds:.1f} s, {accepted} accepted"))
    return figures
