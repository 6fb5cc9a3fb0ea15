"""One 3ds Max session played against the fake pymxs, with the BUILT bundle's start-up script.

Usage: python -S bundle_harness.py SCENARIO BUNDLE_FOLDER, with PYTHONPATH = the fake max only
(the checkout and site-packages hidden: RenderTally and requests come from Contents/lib).
Prints RESULT {json}; exits 70 if RenderTally's guard swallowed an error.
"""
import json
import os
import runpy
import sys
import time

import pymxs

SWALLOWED = []
rt = pymxs.runtime


def frames(count, seconds=0.0):
    """``count`` frames, each taking ``seconds`` to render."""
    for _ in range(count):
        rt.callbacks.broadcastCallback(rt.Name("preRenderFrame"))
        time.sleep(seconds)
        rt.callbacks.broadcastCallback(rt.Name("postRenderFrame"))


def start(bundle, quiet):
    rt.reset(year=2025, quiet=quiet)
    rt.renderers.current = pymxs.RendererClass("V_Ray_7_Hotfix_1")()
    rt.rendTimeType, rt.rendStart, rt.rendEnd = 3, pymxs.Time(1), pymxs.Time(3)
    # Max runs the post-start-up component named by PackageContents.xml.
    runpy.run_path(os.path.join(bundle, "Contents", "rendertally_startup.py"), run_name="__main__")
    import rendertally.plugins.max as adapter
    from rendertally.core import guard

    assert os.path.realpath(adapter.__file__).startswith(os.path.realpath(bundle)), adapter.__file__
    import requests

    assert os.path.realpath(requests.__file__).startswith(os.path.realpath(bundle)), requests.__file__
    guard.on_swallowed(lambda exc: SWALLOWED.append(repr(exc)))


def scenario_crash(bundle):
    """A render killed after 2 of 3 frames: the process ends without any notification."""
    start(bundle, quiet=False)
    rt.callbacks.broadcastCallback(rt.Name("preRender"))
    # Frames that take a while, as real ones do: a frame finishing within 20 ms of the journal
    # write before it is journalled a moment later, and a crash in that moment loses its count
    # (session.PROGRESS_SECONDS, docs/design.md).
    frames(2, seconds=0.05)
    print("RESULT " + json.dumps({"swallowed": SWALLOWED}), flush=True)
    os._exit(0)  # no #postRender, no #preSystemShutdown, no atexit: as if Max crashed


def scenario_quiet_hang(bundle):
    """3dsmaxcmd: a 3-frame render in quiet mode, the API hanging; then Max shuts down."""
    start(bundle, quiet=True)
    started = time.monotonic()
    rt.callbacks.broadcastCallback(rt.Name("preRender"))
    frames(3)
    rt.callbacks.broadcastCallback(rt.Name("postRender"))
    rt.callbacks.broadcastCallback(rt.Name("preSystemShutdown"))
    from rendertally.core.reporter import get_reporter

    counts = get_reporter().outbox.counts()
    print("RESULT " + json.dumps({"swallowed": SWALLOWED, "seconds": time.monotonic() - started,
                                  "counts": counts}), flush=True)


if __name__ == "__main__":
    globals()[f"scenario_{sys.argv[1]}"](sys.argv[2])
    if SWALLOWED:
        sys.exit(70)
