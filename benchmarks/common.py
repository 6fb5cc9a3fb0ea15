"""What every benchmark shares: a scratch RENDERTALLY_HOME, a sandbox in its own process, statistics.

Nothing here asserts a time: the benchmarks print figures. The machine they run on is whatever
it is (a shared 2-core CI box is noisy); medians and p99 say more than single runs.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BENCH_ID, BENCH_KEY = "170200123", "bench-key-not-a-secret"

# The sandbox runs in its own process so its threads do not share our GIL.
SANDBOX = """
import sys
from rendertally.core.sandbox import Sandbox
box = Sandbox(fault=sys.argv[1], slow_seconds=float(sys.argv[2])).start()
print(box.url, flush=True)
sys.stdin.read()  # serve until the parent closes our stdin
box.stop()
"""


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def stats(values: Sequence[float]) -> dict[str, float]:
    return {"n": len(values), "p50": percentile(values, 50), "p99": percentile(values, 99),
            "max": max(values) if values else float("nan"), "mean": sum(values) / len(values) if values else 0.0}


def ms(seconds: float) -> str:
    """Seconds as a readable duration."""
    if math.isnan(seconds):
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.001:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds * 1_000_000:.0f} µs"


def child_env(home: Path, url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENDERTALLY_")}
    env.update(RENDERTALLY_HOME=str(home), RENDERTALLY_URL=url, RENDERTALLY_ID=BENCH_ID,
               RENDERTALLY_KEY=BENCH_KEY, RENDERTALLY_KEYRING="0")
    env.update(extra)
    return env


@contextlib.contextmanager
def scratch(url: str) -> Iterator[Path]:
    """A fresh RENDERTALLY_HOME and credentials in *this* process's environment, for the block."""
    home = Path(tempfile.mkdtemp(prefix="rendertally-bench-"))
    saved = {k: v for k, v in os.environ.items() if k.startswith("RENDERTALLY_")}
    os.environ.update(child_env(home, url))
    try:
        yield home
    finally:
        for name in [k for k in os.environ if k.startswith("RENDERTALLY_")]:
            del os.environ[name]
        os.environ.update(saved)
        shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def _child_server(argv: list[str], what: str) -> Iterator[str]:
    """A server in a child process that prints its URL and serves until its stdin closes."""
    child = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = (child.stdout.readline() if child.stdout else "").strip()
        if not url.startswith("http"):
            raise RuntimeError(f"the {what} did not start")
        yield url
    finally:
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def sandbox(fault: str = "none", slow_seconds: float = 2.0) -> contextlib.AbstractContextManager[str]:
    """The local API in a child process; yields its URL."""
    return _child_server([PYTHON, "-c", SANDBOX, fault, str(slow_seconds)], "sandbox")


def raw_server() -> contextlib.AbstractContextManager[str]:
    """benchmarks/raw_server.py in a child process; yields its URL."""
    return _child_server([PYTHON, str(Path(__file__).with_name("raw_server.py"))], "raw server")


def jobs_at(url: str) -> int:
    """How many jobs the sandbox at ``url`` accepted."""
    with urllib.request.urlopen(url + "/_sandbox/jobs", timeout=30) as answer:  # noqa: S310 - loopback
        return len(json.loads(answer.read()))


def rss_bytes() -> int:
    """This process's resident set size (Linux /proc; 0 where unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class Figure:
    """One measured figure: printed as it comes, and a row of the final table."""

    def __init__(self, area: str, what: str, value: str, note: str = "") -> None:
        self.area, self.what, self.value, self.note = area, what, value, note

    def line(self) -> str:
        return f"  {self.what:<72} {self.value:>26}  {self.note}".rstrip()
