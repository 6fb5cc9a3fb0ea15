"""Host-thread cost of reporting a finished render, against a slow and a hanging API.

What an adapter does on the host's thread when a render runs: ``job_defaults()`` (settings),
``RenderSession.start`` → ``frame_done`` × N → ``finish``. The network belongs to the sender
thread, so the host pays disk writes only. Side by side: a naive add-on that calls
``requests.post`` in its render-complete callback (30 s timeout).
"""
from __future__ import annotations

import threading
import time

from common import Figure, ms, sandbox, scratch, stats

FRAMES = 10
NAIVE_TIMEOUT = 30.0
# Rounds of renders, each with a fresh outbox: p99 over one round moves with the shared disk's
# moods (an fsync's tail), so the figure is the median round's, with every round's beside it.
ROUNDS = 3


def rendertally(url: str, renders: int) -> tuple[list[float], float]:
    from rendertally.core.reporter import Reporter

    with scratch(url) as home:
        reporter = Reporter(home)
        reporter.start_sending()
        # As in a host that has been up a moment: the sender's first pass (which imports
        # requests, ~0.1 s of CPU competing for the GIL) is over before the first render.
        reporter.flush(10)
        session = reporter.session("BLD", "5.0.1")
        costs = []
        for _ in range(renders):
            began = time.perf_counter()
            defaults = reporter.job_defaults()
            session.start(engine="Cycles", job_type=defaults["job_type"], mission_id=defaults["mission_id"],
                          email=defaults["email"])
            for frame in range(1, FRAMES + 1):
                session.frame_done(frame)
            session.finish("done")
            costs.append(time.perf_counter() - began)
        began = time.perf_counter()
        reporter.close()  # the bounded flush at process exit
        exit_cost = time.perf_counter() - began
        reporter.outbox.close()
    return costs, exit_cost


def naive_body() -> tuple[bytes, str]:
    from rendertally.core.job import RenderJob
    from rendertally.core.wire import Credentials, encode

    job = RenderJob(frames=FRAMES, render_hours=0.01, software="BLD", software_version="5.0.1", render_engine="Cycles")
    return encode(job, Credentials("170200123", "bench-key-not-a-secret"), "json")


def naive(url: str, renders: int) -> list[float]:
    """``requests.post`` in the render-complete callback: the host waits for the API."""
    import requests

    body, content_type = naive_body()
    costs = []
    for _ in range(renders):
        began = time.perf_counter()
        try:
            requests.post(url + "/api/v1/render/jobdata", data=body, headers={"Content-Type": content_type},
                          timeout=NAIVE_TIMEOUT)
        except requests.RequestException:
            pass
        costs.append(time.perf_counter() - began)
    return costs


class NaiveAgainstHang:
    """A few naive callbacks against the hanging API, started early and run in parallel threads:
    each blocks for its full 30 s timeout whatever else runs, so the figures are the same and
    the whole benchmark does not wait 30 s per sample."""

    def __init__(self, url: str, samples: int) -> None:
        self.costs: list[float] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._one, args=(url,), daemon=True) for _ in range(samples)]
        for thread in self._threads:
            thread.start()

    def _one(self, url: str) -> None:
        cost = naive(url, 1)[0]
        with self._lock:
            self.costs.append(cost)

    def result(self) -> list[float]:
        for thread in self._threads:
            thread.join(NAIVE_TIMEOUT + 30)
        return list(self.costs)


def run(quick: bool) -> list[Figure]:
    renders = 300 if quick else 1000
    naive_renders = 15 if quick else 50
    hang_samples = 1 if quick else 3
    figures = []
    with sandbox("hang") as hang_url, sandbox("slow", slow_seconds=0.2) as slow_url:
        against_hang = NaiveAgainstHang(hang_url, hang_samples)
        slow_rounds, hang_rounds = [], []
        for _ in range(ROUNDS):
            ours_slow, exit_slow = rendertally(slow_url, renders)
            ours_hang, exit_hang = rendertally(hang_url, renders)
            slow_rounds.append(ours_slow)
            hang_rounds.append(ours_hang)
        naive_slow = naive(slow_url, naive_renders)
        naive_hang = against_hang.result()
    area = "Host thread per render"
    median_p50 = []
    for label, rounds in (("RenderTally, API with 200 ms latency", slow_rounds),
                          ("RenderTally, API hanging", hang_rounds)):
        per_round = [stats(values) for values in rounds]
        p50, p99 = (sorted(s[q] for s in per_round)[len(per_round) // 2] for q in ("p50", "p99"))
        median_p50.append(p50)
        figures.append(Figure(area, f"{label}: p50 / p99 / max (median round)",
                              f"{ms(p50)} / {ms(p99)} / {ms(max(s['max'] for s in per_round))}",
                              f"{len(rounds)} rounds of {renders} renders; p99 each: "
                              + ", ".join(ms(s["p99"]) for s in per_round)))
    for label, values, n_note in (
        ("naive requests.post, API with 200 ms latency", naive_slow, f"{naive_renders} renders"),
        ("naive requests.post (30 s timeout), API hanging", naive_hang,
         f"{len(naive_hang)} samples only: each blocks 30 s"),
    ):
        s = stats(values)
        figures.append(Figure(area, f"{label}: p50 / p99 / max",
                              f"{ms(s['p50'])} / {ms(s['p99'])} / {ms(s['max'])}", n_note))
    p50 = median_p50
    figures.append(Figure(area, "naive ÷ RenderTally (p50), API with 200 ms latency",
                          f"{stats(naive_slow)['p50'] / p50[0]:.0f}×", "how much longer the host waits"))
    if naive_hang:
        figures.append(Figure(area, "naive ÷ RenderTally (p50), API hanging",
                              f"{stats(naive_hang)['p50'] / p50[1]:,.0f}×", ""))
    figures.append(Figure(area, "RenderTally exit flush with reports still queued (slow / hanging API)",
                          f"{ms(exit_slow)} / {ms(exit_hang)}", "bounded wait; the rest goes out next time"))
    return figures
