"""Memory the core adds to a host process: tracemalloc (Python allocations) and RSS (the OS's view).

Measured in a fresh child process, stage by stage: importing ``rendertally.core`` (and what it
imports: requests, urllib3, sqlite3), creating a Reporter, starting the sender, 1,000 submits
(delivered to the sandbox as they go).
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import PYTHON, ROOT, Figure, child_env, sandbox

CHILD = r"""
import gc, json, sys, time, tracemalloc
sys.path.insert(0, sys.argv[2])
from common import rss_bytes
trace = sys.argv[1] == "trace"
if trace:
    tracemalloc.start()
def snap():
    gc.collect()
    current, peak = tracemalloc.get_traced_memory() if trace else (0, 0)
    return {"rss": rss_bytes(), "current": current, "peak": peak}
stages = {"baseline": snap()}
import rendertally.core
from rendertally.core.reporter import Reporter
from rendertally.core.job import RenderJob
stages["import"] = snap()
reporter = Reporter()
stages["reporter"] = snap()
reporter.start_sending()
stages["sender"] = snap()
job = RenderJob(frames=12, render_hours=0.25, software="C4D", software_version="2026.1", render_engine="Redshift")
for _ in range(1000):
    reporter.submit(job)
reporter.flush(120)
time.sleep(0.2)
stages["1000 submits"] = snap()
stages["delivered"] = reporter.outbox.counts()["delivered"]
reporter.close()
print(json.dumps(stages))
"""


def measure(url: str, mode: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="rendertally-bench-") as home:
        done = subprocess.run([PYTHON, "-c", CHILD, mode, str(Path(__file__).parent)], env=child_env(Path(home), url),
                              check=False, capture_output=True, text=True, timeout=300, cwd=str(ROOT))
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "the child failed")
    return json.loads(done.stdout)


def mib(value: float) -> str:
    return f"{value / 1024 / 1024:.1f} MiB"


def run(quick: bool) -> list[Figure]:
    with sandbox("none") as url:
        rss = measure(url, "rss")
        traced = measure(url, "trace")
    area = "Memory added to the host"
    figures = []
    previous = "baseline"
    for stage, label in (("import", "import rendertally.core (+ requests, urllib3, sqlite3)"),
                         ("reporter", "+ Reporter() (outbox open)"), ("sender", "+ sender thread started"),
                         ("1000 submits", "+ 1,000 submits, delivered")):
        rss_delta = rss[stage]["rss"] - rss[previous]["rss"]
        py_delta = traced[stage]["current"] - traced[previous]["current"]
        figures.append(Figure(area, f"{label}: RSS / Python heap", f"+{mib(rss_delta)} / +{mib(py_delta)}"))
        previous = stage
    total_rss = rss["1000 submits"]["rss"] - rss["baseline"]["rss"]
    total_py = traced["1000 submits"]["current"] - traced["baseline"]["current"]
    figures.append(Figure(area, "total after 1,000 reports: RSS / Python heap (tracemalloc peak)",
                          f"{mib(total_rss)} / {mib(total_py)} ({mib(traced['1000 submits']['peak'])})",
                          f"{rss['delivered']} delivered"))
    return figures


if __name__ == "__main__":  # pragma: no cover
    for figure in run("--quick" in sys.argv):
        print(figure.line())
