#!/usr/bin/env python3
"""The main job: a real Blender render, reported by the add-on, received by the local sandbox API.

1. starts the sandbox (a local stand-in for the render service's API);
2. builds the extension zip, as `rendertally build blender --out DIR` does, and has Blender's
   own validator check it;
3. in a fresh Python 3.11 with the bpy module (Blender 5.0 as a Python module), with its own
   Blender user folder and RenderTally home: installs and enables the add-on with Blender's
   extension installer, turns online access on, renders a tiny Cycles scene (a 5-frame
   animation with frame step 2, then a still) and exits;
4. prints what the sandbox received, and `rendertally outbox list --all` for that home.

Exits non-zero when the sandbox received nothing. Usage: python scripts/demo.py [--keep]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ZIP_TIMEOUT = 120
BLENDER_TIMEOUT = 120
DEMO_ID, DEMO_KEY = "170200123", "demo-key-not-secret"


# -- the part that runs inside Blender (the bpy module) ----------------------------------------------
def inside_blender(zip_path: str, out: str) -> None:
    # Hide an editable checkout, so that everything below comes from the zip's wheel.
    sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path[:] = [p for p in sys.path if not p.startswith("__editable__")]

    import bpy

    def say(text: str) -> None:
        print(f"[blender] {text}", flush=True)

    say(f"Blender {bpy.app.version_string} (bpy module), user folder {os.environ['BLENDER_USER_RESOURCES']}")
    result = bpy.ops.extensions.package_install_files(filepath=zip_path, repo="user_default", enable_on_install=True)
    import rendertally.plugins.blender as adapter

    say(f"installed and enabled with Blender's installer: {result}; add-on code from "
        f"{Path(adapter.__file__).parent}")
    bpy.context.preferences.system.use_online_access = True  # Preferences ▸ System ▸ Network
    say(f"online access: {bpy.app.online_access}")

    from blender_scene import tiny_cycles_scene  # beside this script (sys.path[0])

    scene = tiny_cycles_scene(bpy)  # the factory startup scene: cube, camera, light

    scene.frame_start, scene.frame_end, scene.frame_step = 1, 5, 2
    scene.render.filepath = os.path.join(out, "frames", "frame_")
    started = time.monotonic()
    bpy.ops.render.render(animation=True)
    say(f"rendered an animation, frames 1-5 step 2, in {time.monotonic() - started:.2f} s: "
        f"{', '.join(sorted(os.listdir(os.path.join(out, 'frames'))))}")

    scene.render.filepath = os.path.join(out, "still.png")
    started = time.monotonic()
    bpy.ops.render.render(write_still=True)
    say(f"rendered a still in {time.monotonic() - started:.2f} s; exiting (reports go out before exit)")


# -- the driver -------------------------------------------------------------------------------------
def blender_environment(home: Path, user: Path, url: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("RENDERTALLY_", "BLENDER_"))}
    env.update(BLENDER_USER_RESOURCES=str(user), RENDERTALLY_HOME=str(home), RENDERTALLY_URL=url,
               RENDERTALLY_ID=DEMO_ID, RENDERTALLY_KEY=DEMO_KEY, RENDERTALLY_KEYRING="0",
               PYTHONDONTWRITEBYTECODE="1")
    return env


def table(jobs: list[dict]) -> str:
    status = {"1": "Done", "2": "Aborted", "3": "Failed"}
    job_type = {"1": "Economy", "2": "Normal", "3": "Test"}
    header = ("#", "RunDate (UTC)", "Software", "Version", "Engine", "Frames", "Hours", "Seconds", "Status", "JobType")
    rows = [header]
    for number, job in enumerate(jobs, 1):
        r = job["request"]
        hours = r.get("RenderHours") or "0"
        rows.append((str(number), r.get("RunDate") or "-", r.get("SoftwareName") or "-", r.get("SoftwareVersion") or "-",
                     r.get("RenderEngine") or "-", r.get("Frames") or "-", hours, f"{float(hours) * 3600:.2f}",
                     status.get(r.get("JobStatus") or "", r.get("JobStatus") or "-"),
                     job_type.get(r.get("JobType") or "", r.get("JobType") or "-")))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (frames, outbox)")
    parser.add_argument("--inside-blender", nargs=2, metavar=("ZIP", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside_blender:
        inside_blender(*args.inside_blender)
        return 0

    from rendertally.core.sandbox import Sandbox
    from rendertally.installers import blender as installer

    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="rendertally-demo-"))
    try:
        with Sandbox() as box:
            print(f"1. Sandbox API listening on {box.url}")
            (zip_path,) = installer.build(work / "dist")
            ok, said = installer.validate(zip_path)
            print(f"2. Built {zip_path.name} ({zip_path.stat().st_size // 1024} KiB); Blender's validator: "
                  f"{said.splitlines()[-1] if said else '-'}")
            if installer.validator() is not None and not ok:
                print(said, file=sys.stderr)
                return 1

            print(f"3. Rendering in Blender: a fresh Python {sys.version_info[0]}.{sys.version_info[1]} process with the bpy module")
            home, user = work / "rendertally-home", work / "blender-user"
            env = blender_environment(home, user, box.url)
            done = subprocess.run([sys.executable, os.path.abspath(__file__), "--inside-blender", str(zip_path),
                                   str(work / "render")], env=env, capture_output=True, text=True,
                                  timeout=BLENDER_TIMEOUT, check=False)
            for line in done.stdout.splitlines():
                if line.startswith("[blender]"):
                    print("   " + line)
            if done.returncode != 0:
                print(f"Blender exited with {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}",
                      file=sys.stderr)
                return 1
            jobs = box.jobs

        print(f"\n4. The sandbox received {len(jobs)} job(s):\n")
        print(table(jobs))
        print(f"\n$ RENDERTALLY_HOME={home} rendertally outbox list --all")
        listing = subprocess.run([sys.executable, "-m", "rendertally.core", "outbox", "list", "--all"],
                                 env=env, capture_output=True, text=True, timeout=60, check=False)
        print(listing.stdout.rstrip() or listing.stderr.rstrip())
        print(f"\nDone in {time.monotonic() - started:.1f} s.")
        if not jobs:
            print("error: the sandbox received nothing", file=sys.stderr)
            return 1
        return 0
    finally:
        if args.keep:
            print(f"(kept {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
