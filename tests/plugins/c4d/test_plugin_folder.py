"""The built plugin folder: rendertally.pyp loads from it alone and a render reaches the sandbox."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rendertally.core.sandbox import Sandbox
from rendertally.installers import build

from tests.conftest import SECRET_KEY, TEST_ID

from .conftest import HOSTS

HARNESS = Path(__file__).with_name("pyp_harness.py")


def test_the_pyp_runs_from_its_folder_with_the_checkout_hidden(tmp_path, isolated):
    """rendertally.pyp appends its lib and registers its plugins, the effect with its description from the
    folder's res/; a Picture Viewer render, and one with the effect broken off after 3 frames, are delivered."""
    folder, archive = build("c4d", tmp_path / "dist")
    assert archive.is_file() and (folder / "lib" / "rendertally" / "plugins" / "c4d" / "hooks.py").is_file()
    for name in ("description/vprendertally.res", "description/vprendertally.h",
                 "strings_us/description/vprendertally.str", "strings_en-US/description/vprendertally.str"):
        assert (folder / "res" / name).is_file(), name
    assert not (folder / "lib" / "rendertally" / "plugins" / "c4d" / "res").exists()
    with Sandbox() as box:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": str(HOSTS),
               "PYTHONDONTWRITEBYTECODE": "1", "RENDERTALLY_HOME": str(isolated), "RENDERTALLY_KEYRING": "0",
               "RENDERTALLY_URL": box.url, "RENDERTALLY_ID": TEST_ID, "RENDERTALLY_KEY": SECRET_KEY,
               "RENDERTALLY_EXIT_WAIT": "20"}
        done = subprocess.run([sys.executable, "-S", str(HARNESS), str(folder)], env=env, capture_output=True,
                              text=True, timeout=90, check=False)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        result = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))[7:])
        jobs = [(j["request"]["RenderEngine"], j["request"]["Frames"], j["request"]["JobStatus"]) for j in box.jobs]
    for path in (result["adapter"], result["requests"]):
        assert os.path.realpath(path).startswith(os.path.realpath(folder)), path
    assert result["plugins"] == ["RenderTally", "RenderTally Settings...", "RenderTally watcher"]
    assert result["swallowed"] == [] and result["effect_results"] == [0]  # RENDERRESULT_OK, always
    assert jobs == [("Arnold", "5", "1"), ("Arnold", "3", "2")]
