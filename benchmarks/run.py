"""Print every RenderTally benchmark figure: ``python benchmarks/run.py [--quick] [--only NAME ...]``.

Figures are printed, never asserted. The last thing printed is a Markdown table for the README.
Names: host (host-thread cost), outbox (durable write and flush throughput), memory, blender.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import blender_bench  # noqa: E402
import host_thread  # noqa: E402
import memory  # noqa: E402
import throughput  # noqa: E402
from common import Figure  # noqa: E402

BENCHMARKS = {"host": host_thread.run, "outbox": throughput.run, "memory": memory.run, "blender": blender_bench.run}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (about a minute)")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), help="run only these")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    import rendertally.core

    print(f"RenderTally {rendertally.core.__version__} benchmarks{' (quick)' if args.quick else ''}: "
          f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} CPUs", flush=True)
    figures: list[Figure] = []
    started = time.monotonic()
    for name in args.only or list(BENCHMARKS):
        began = time.monotonic()
        print(f"\n## {name}", flush=True)
        try:
            found = BENCHMARKS[name](args.quick)
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            found = [Figure(name, "failed", "-", f"{type(exc).__name__}: {exc}")]
        for figure in found:
            print(figure.line(), flush=True)
        print(f"  ({time.monotonic() - began:.0f} s)", flush=True)
        figures += found
    print(f"\nAll figures in {time.monotonic() - started:.0f} s. For the README "
          f"(`python benchmarks/run.py{' --quick' if args.quick else ''}`):\n")
    print("| Area | Figure | Value | Note |\n|---|---|---|---|")
    for figure in figures:
        print(f"| {figure.area} | {figure.what} | {figure.value} | {figure.note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
