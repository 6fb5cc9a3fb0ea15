"""The built ApplicationPlugins bundle: its PackageContents.xml, and sessions run from its folder."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rendertally.core.outbox import Outbox
from rendertally.core.reporter import OUTBOX_FILE
from rendertally.core.sandbox import Sandbox
from rendertally.installers import build

from tests.conftest import SECRET_KEY, TEST_ID

from .conftest import HOSTS

HARNESS = Path(__file__).with_name("bundle_harness.py")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    folder, _zip = build("max", tmp_path_factory.mktemp("max-build"))
    return folder


def run(scenario: str, bundle: Path, tmp_path: Path, url: str, **extra: str) -> dict:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": str(HOSTS),
           "PYTHONDONTWRITEBYTECODE": "1", "RENDERTALLY_HOME": os.environ["RENDERTALLY_HOME"],
           "RENDERTALLY_KEYRING": "0", "RENDERTALLY_URL": url, "RENDERTALLY_ID": TEST_ID,
           "RENDERTALLY_KEY": SECRET_KEY, **extra}
    done = subprocess.run([sys.executable, "-S", str(HARNESS), scenario, str(bundle)], env=env, check=False,
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, f"{scenario} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def test_package_contents_names_a_start_up_script_that_exists(bundle):
    """PackageContents.xml: an ApplicationPackage for 3ds Max 2023+, a post-start-up script and a 2025+ menu script, both in the bundle."""
    root = ET.parse(bundle / "PackageContents.xml").getroot()
    assert root.tag == "ApplicationPackage" and root.get("AutodeskProduct") == "3ds Max"
    assert root.get("ProductCode", "").startswith("{") and root.get("UpgradeCode", "").startswith("{")
    assert root.get("ProductType") == "Application" and root.find("CompanyDetails") is not None
    assert re.fullmatch(r"\d+\.\d+\.\d+", root.get("AppVersion", ""))  # "MMM.mmm.bbb", required by Max
    post, pre = root.findall("Components")
    assert post.get("Description") == "post-start-up scripts parts"
    requirement = post.find("RuntimeRequirements")
    assert (requirement.get("Platform"), requirement.get("SeriesMin")) == ("3ds Max", "2023")
    (entry,) = post.findall("ComponentEntry")
    assert (bundle / entry.get("ModuleName")).is_file()
    # 2025+: the menu callback comes from a pre-start-up MAXScript, there before Max builds its menus.
    assert pre.get("Description") == "pre-start-up scripts parts"
    assert pre.find("RuntimeRequirements").get("SeriesMin") == "2025"
    (menus,) = pre.findall("ComponentEntry")
    script = (bundle / menus.get("ModuleName")).read_text()
    assert "callbacks.addScript #cuiRegisterMenus" in script


def test_the_build_is_reproducible(bundle, tmp_path):
    """Building twice gives the same zip, byte for byte."""
    first = build("max", tmp_path / "a")[1].read_bytes()
    assert build("max", tmp_path / "b")[1].read_bytes() == first


def test_a_crash_mid_render_is_reported_failed_by_the_next_process(bundle, tmp_path, isolated):
    """Max dies after 2 of 3 frames; the next RenderTally process reports the job Failed with 2 frames."""
    with Sandbox() as box:
        run("crash", bundle, tmp_path, box.url)
        assert box.jobs == []  # nothing could be sent: the process died mid-render
        flushed = subprocess.run([sys.executable, "-m", "rendertally.core", "outbox", "flush", "--wait", "20"],
                                 env={**os.environ, "RENDERTALLY_URL": box.url, "RENDERTALLY_ID": TEST_ID,
                                      "RENDERTALLY_KEY": SECRET_KEY}, capture_output=True, text=True,
                                 timeout=60, check=False)
        assert flushed.returncode == 0, flushed.stderr
        jobs = [(j["request"]["Frames"], j["request"]["JobStatus"], j["request"]["RenderEngine"]) for j in box.jobs]
    assert jobs == [("2", "3", "V-Ray")]


def test_a_quiet_render_with_the_api_hanging_exits_within_its_wait_and_keeps_the_job(bundle, tmp_path, isolated):
    """3dsmaxcmd with the API hanging: the bounded waits end, Max can exit, and the job stays pending."""
    with Sandbox(fault="hang") as box:
        result = run("quiet_hang", bundle, tmp_path, box.url, RENDERTALLY_EXIT_WAIT="1")
    assert result["counts"]["pending"] == 1 and result["swallowed"] == []
    box = Outbox(isolated / OUTBOX_FILE)
    try:
        (row,) = box.list(["pending"])
        assert (row.job.frames, row.job.status.name) == (3, "DONE")
    finally:
        box.close()
