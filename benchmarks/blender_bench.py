"""What the Blender add-on adds: to Blender's start-up (import + register) and to each render.

Runs the bpy module (Blender 5.0 as a Python module) in child processes, with the extension
built by ``installers/blender.py`` and installed by Blender's own extension installer into a
scratch ``BLENDER_USER_RESOURCES``. The add-on reports to the sandbox (online access on).
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from common import PYTHON, Figure, child_env, ms, sandbox, stats

PROBE = Path(__file__).with_name("blender_probe.py")


def missing() -> str | None:
    """Why the Blender figures cannot be measured here, or None."""
    try:
        import importlib.util

        if importlib.util.find_spec("rendertally.installers.blender") is None:
            return "installers/blender.py is not there yet"
        if importlib.util.find_spec("rendertally.plugins.blender.entry") is None:
            return "plugins/blender/ has no extension entry yet"
    except ImportError as exc:
        return f"the add-on cannot be imported: {exc}"
    probe = subprocess.run([PYTHON, "-c", "import bpy"], check=False, capture_output=True, text=True, timeout=180)
    if probe.returncode != 0:
        return f"this Python cannot import bpy ({(probe.stderr.strip().splitlines() or ['?'])[-1]})"
    return None


def probe(env: dict[str, str], *args: str, timeout: float = 600) -> dict:
    done = subprocess.run([PYTHON, str(PROBE), *args], env=env, check=False, capture_output=True, text=True,
                          timeout=timeout)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or done.stdout.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"blender_probe {' '.join(args)} failed: {tail}")
    return json.loads(lines[-1][len("RESULT "):])


def run(quick: bool) -> list[Figure]:
    area = "Blender add-on"
    reason = missing()
    if reason:
        return [Figure(area, "skipped", "-", reason + "; run again once it is")]
    from rendertally.installers import blender as installer

    starts = 3 if quick else 8
    blocks, per_block = (2, 10) if quick else (4, 25)
    with tempfile.TemporaryDirectory(prefix="rendertally-bench-blender-") as scratch, sandbox("none") as url:
        scratch_path = Path(scratch)
        (zip_path,) = installer.build(scratch_path / "dist")
        env = child_env(scratch_path / "home", url, BLENDER_USER_RESOURCES=str(scratch_path / "user"),
                        RENDERTALLY_EXIT_WAIT="5")
        probe(env, "install", str(zip_path))
        startups = {False: [], True: []}
        for n in range(starts * 2):
            online = n % 2 == 1
            startups[online].append(probe(env, "startup", "online" if online else "offline"))
        rendered = probe(env, "render", str(blocks), str(per_block))
    figures = []
    bpy_import = stats([s["bpy_import"] for s in startups[False] + startups[True]])["p50"]
    figures.append(Figure(area, "Blender start-up without RenderTally (import bpy): p50", ms(bpy_import),
                          f"{starts * 2} fresh processes"))
    for online, label in ((False, "online access off"), (True, "online access on: sender started")):
        enable = stats([s["enable"] for s in startups[online]])
        disable = stats([s["disable"] for s in startups[online]])
        figures.append(Figure(area, f"add-on import + register, {label}: p50 / max",
                              f"{ms(enable['p50'])} / {ms(enable['max'])}",
                              f"+{enable['p50'] / bpy_import:.0%} of start-up; unregister {ms(disable['p50'])}"))
    off, on, inside = stats(rendered["off"]), stats(rendered["on"]), stats(rendered["handlers"])
    figures.append(Figure(area, "32x32 Cycles render (16 samples), add-on disabled: p50", ms(off["p50"]),
                          f"{off['n']} renders in {blocks} blocks"))
    figures.append(Figure(area, "same render, add-on enabled: p50", ms(on["p50"]),
                          f"+{ms(on['p50'] - off['p50'])} ({(on['p50'] - off['p50']) / off['p50']:+.0%}) wall clock"))
    figures.append(Figure(area, "time inside RenderTally's handlers per render: p50 / p99",
                          f"{ms(inside['p50'])} / {ms(inside['p99'])}",
                          f"{rendered['counts']['delivered']} of {on['n']} reports delivered"))
    return figures


if __name__ == "__main__":  # pragma: no cover
    import sys

    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    for figure in run("--quick" in sys.argv):
        print(figure.line())
