"""Benchmark (prints figures, asserts nothing): what a hanging API adds to a scripted 10-frame Maya render.

Run: ``PYTHONPATH=tests/hosts/maya python tests/plugins/maya/bench_hang.py``. Times the hooks of a
10-frame Arnold render (fragments → recorder → outbox) with the sender on, against a sandbox
that answers and one that never answers. The network belongs to the sender thread, so the two
should be the same within noise (the issue asks for < 50 ms added).
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time

RUNS = 20


def measure(fault: str) -> list[float]:
    from maya import _host, _scene, cmds
    from maya.api import OpenMaya
    from rendertally.core import reporter
    from rendertally.core.sandbox import Sandbox
    from rendertally.plugins.maya import delivery, hooks, scene
    from rendertally.plugins.maya.recorder import Recorder

    with tempfile.TemporaryDirectory() as home, Sandbox(fault=fault) as box:
        os.environ.update(RENDERTALLY_HOME=home, RENDERTALLY_KEYRING="0", RENDERTALLY_URL=box.url,
                          RENDERTALLY_ID="170200123", RENDERTALLY_KEY="bench-key-not-a-secret")
        reporter.reset_reporter()
        _scene.scene.reset()
        OpenMaya._registry.clear()
        hooks.add(Recorder(version=scene.software_version(), batch=True))
        delivery.start()
        cmds.setAttr("defaultRenderGlobals.currentRenderer", "arnold", type="string")
        costs = []
        for _ in range(RUNS):
            began = time.perf_counter()
            _host.render_mel(range(1, 11))
            costs.append(time.perf_counter() - began)
        hooks.remove()
        reporter.reset_reporter()
    return costs


if __name__ == "__main__":
    answering, hanging = measure("none"), measure("hang")
    for name, costs in (("answering API", answering), ("hanging API", hanging)):
        print(f"{name:14s} 10-frame render hooks: median {statistics.median(costs) * 1000:.2f} ms, "
              f"max {max(costs) * 1000:.2f} ms over {RUNS} renders")
    print(f"added by the hang (median): {(statistics.median(hanging) - statistics.median(answering)) * 1000:.2f} ms")
