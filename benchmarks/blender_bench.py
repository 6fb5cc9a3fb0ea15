"""What the Blender add-on adds: to Blender's start-up (import + register) and to each render.

Runs the bpy module (Blender as a Python module) in child processes, for the default bpy and
each Blender of the test matrix (scripts/bpy_matrix.py), with the extension built by
``installers/blender.py`` and installed by Blender's own extension installer into a scratch
``BLENDER_USER_RESOURCES``. The add-on reports to the sandbox.
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from common import PYTHON, Figure, child_env, ms, sandbox, stats

PROBE = Path(__file__).with_name("blender_probe.py")
MATRIX = Path(__file__).resolve().parents[1] / "scripts" / "bpy_matrix.py"


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


def versions() -> list[tuple[str, str]]:
    """(label, python) per Blender: this Python's bpy, then the test matrix's (BPY_PYTHONS as
    ``make test`` sets it, else scripts/bpy_matrix.py's cached venvs, created if missing)."""
    listed = os.environ.get("BPY_PYTHONS")
    if listed is None:
        done = subprocess.run([PYTHON, str(MATRIX)], check=False, capture_output=True, text=True, timeout=3600)
        listed = done.stdout.strip() if done.returncode == 0 else ""
        if done.returncode != 0:
            print(f"  (other Blender versions left out: {done.stderr.strip()})", flush=True)
    pairs = [("default", PYTHON)]
    for item in listed.split():
        version, _, python = item.partition("=")
        pairs.append((version, python))
    return pairs


def probe(python: str, env: dict[str, str], *args: str, timeout: float = 600) -> dict:
    done = subprocess.run([python, str(PROBE), *args], env=env, check=False, capture_output=True, text=True,
                          timeout=timeout)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or done.stdout.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"blender_probe {' '.join(args)} failed: {tail}")
    return json.loads(lines[-1][len("RESULT "):])


def run(quick: bool) -> list[Figure]:
    reason = missing()
    if reason:
        return [Figure("Blender add-on", "skipped", "-", reason + "; run again once it is")]
    from rendertally.installers import blender as installer

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="rendertally-bench-blender-") as scratch, sandbox("none") as url:
        # BENCH_BLENDER_ZIP: measure another build (e.g. an older commit's) the same way.
        given = os.environ.get("BENCH_BLENDER_ZIP")
        (zip_path,) = [Path(given)] if given else installer.build(Path(scratch) / "dist")
        for label, python in versions():
            try:
                figures += one_version(python, zip_path, Path(scratch) / label, url, quick)
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                figures.append(Figure(f"Blender {label}", "failed", "-", str(exc)))
    return figures


def one_version(python: str, zip_path: Path, scratch: Path, url: str, quick: bool) -> list[Figure]:
    starts = 4 if quick else 12
    blocks, per_block, animations = (2, 5, 3) if quick else (4, 25, 10)
    env = child_env(scratch / "home", url, BLENDER_USER_RESOURCES=str(scratch / "user"), RENDERTALLY_EXIT_WAIT="5")
    # Blender writes the extension's bytecode on its first start, as it does for an artist: the
    # first start is shown on its own, the others are measured as every later start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    probe(python, env, "install", str(zip_path))
    first = probe(python, env, "startup", "offline")
    startups: dict[bool, list[dict]] = {False: [], True: []}
    for n in range(starts * 2):
        online = n % 2 == 1
        startups[online].append(probe(python, env, "startup", "online" if online else "offline"))
    (scratch / "frames").mkdir(parents=True, exist_ok=True)
    rendered = probe(python, env, "render", str(blocks), str(per_block), str(animations), str(scratch / "frames"))
    area = f"Blender {first['version']} (Python {first['python']})"
    bpy_import = stats([s["bpy_import"] for s in startups[False] + startups[True]])["p50"]
    figures = [Figure(area, "start-up without RenderTally (import bpy): p50", ms(bpy_import),
                      f"{starts * 2} fresh processes"),
               Figure(area, "first start after install (compiles the add-on): import + register", ms(first["register"]),
                      "once per install or upgrade")]
    for online, label in ((False, "online access off"), (True, "online access on")):
        register = stats([s["register"] for s in startups[online]])
        enable = stats([s["enable"] for s in startups[online]])
        disable = stats([s["disable"] for s in startups[online]])
        figures.append(Figure(area, f"add-on import + register, {label}: p50 / p99",
                              f"{ms(register['p50'])} / {ms(register['p99'])}",
                              f"+{register['p50'] / bpy_import:.1%} of start-up; Blender's whole enable "
                              f"{ms(enable['p50'])}; unregister {ms(disable['p50'])}"))
    off, on, inside = stats(rendered["off"]), stats(rendered["on"]), stats(rendered["handlers"])
    animated = stats(rendered["animations"])
    figures.append(Figure(area, "32x32 Cycles still, add-on disabled / enabled: p50",
                          f"{ms(off['p50'])} / {ms(on['p50'])}",
                          f"{on['n']} renders each in {blocks} blocks"))
    figures.append(Figure(area, "inside RenderTally's handlers per still: p50 / p99",
                          f"{ms(inside['p50'])} / {ms(inside['p99'])}", ""))
    figures.append(Figure(area, "inside RenderTally's handlers per 10-frame animation: p50 / p99",
                          f"{ms(animated['p50'])} / {ms(animated['p99'])}",
                          f"{animated['n']} animations; {rendered['counts']['delivered']} reports delivered"))
    return figures


if __name__ == "__main__":  # pragma: no cover
    import sys

    for figure in run("--quick" in sys.argv):
        print(figure.line())
