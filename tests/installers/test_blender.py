"""The Blender extension installed through Blender's own CLI, and a shared extension repository read by Blender."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rendertally.installers.blender import validator

from tests.installers.conftest import listing, run

pytestmark = pytest.mark.blender
SHIM = Path(__file__).with_name("blender_shim.py")


@pytest.fixture
def blender(simulate, tmp_path):
    """A `blender` executable (the real bpy module behind Blender's own extension CLI) with a temp user folder."""
    if validator() is None:
        pytest.fail("the bpy module is a test dependency (pip install -e '.[blender]')")
    resources = tmp_path / "blender-user"
    machine = simulate("linux", BLENDER_USER_RESOURCES=str(resources), HOME=str(tmp_path / "linux-home"))
    executable = tmp_path / "bin" / "blender"
    executable.parent.mkdir()
    executable.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{SHIM}" "$@"\n', encoding="utf-8")
    executable.chmod(0o755)

    def call(*args: str) -> str:
        done = subprocess.run([str(executable), *args], check=False, env=dict(machine.env), capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    call.executable = executable
    call.resources = resources
    call("--command", "extension", "list")  # Blender's first start writes its own folders
    return call


def ours(resources: Path) -> dict[str, bytes]:
    """Everything of RenderTally's in Blender's user folder: the extension and its wheels' packages.
    (Blender's own bookkeeping — userpref.blend, .blender_ext caches — is Blender's.)"""
    return {k: v for k, v in listing(resources).items()
            if "rendertally" in k.lower() or "platformdirs" in k.lower()}


def installed_version(extensions: Path) -> str | None:
    manifest = extensions / "rendertally" / "blender_manifest.toml"
    if not manifest.is_file():
        return None
    return next(line.split('"')[1] for line in manifest.read_text(encoding="utf-8").splitlines()
                if line.startswith("version ="))


def test_user_install_upgrade_and_uninstall_through_blenders_own_cli(blender, artifacts, newer, capsys):
    """install-file puts the add-on in user_default; again is a no-op; 0.2.0 upgrades it; uninstall removes it."""
    extensions = blender.resources / "extensions" / "user_default"
    before = ours(blender.resources)
    exe = str(blender.executable)
    code, out, _ = run(capsys, "install", "blender", "--blender", exe, "--from", str(artifacts), "--dry-run")
    assert code == 0 and "would install RenderTally 0.1.0" in out and "install-file -r user_default -e" in out
    assert ours(blender.resources) == before
    code, out, err = run(capsys, "install", "blender", "--blender", exe, "--from", str(artifacts))
    assert code == 0, err
    assert "installed RenderTally 0.1.0" in out and installed_version(extensions) == "0.1.0"
    assert 'rendertally [installed]: "RenderTally"' in blender("--command", "extension", "list")
    code, out, _ = run(capsys, "install", "blender", "--blender", exe, "--from", str(artifacts))
    assert code == 0 and "already installed" in out
    code, out, _ = run(capsys, "status", "--blender", exe, "--json")
    entry = json.loads(out)["hosts"]["blender"]
    assert entry["found"] and entry["installs"][0]["version"] == "0.1.0"
    code, out, err = run(capsys, "install", "blender", "--blender", exe, "--from", str(newer))
    assert code == 0, err
    assert "0.1.0 → 0.2.0" in out and installed_version(extensions) == "0.2.0"
    code, out, err = run(capsys, "uninstall", "blender", "--blender", exe)
    assert code == 0, err
    assert "removed RenderTally 0.2.0" in out
    assert ours(blender.resources) == before == {}
    assert "rendertally" not in blender("--command", "extension", "list")


def test_shared_repository_listing_is_what_blenders_generator_writes(blender, artifacts, tmp_path, capsys):
    """Our index.json entry equals `blender_ext.py server-generate` output for the same zip."""
    repo = tmp_path / "repo"
    assert run(capsys, "install", "blender", "--scope", "site", "--dest", str(repo), "--from", str(artifacts))[0] == 0
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    for zip_path in repo.glob("*.zip"):
        shutil.copy(zip_path, theirs)
    done = subprocess.run([sys.executable, str(validator()), "server-generate", "--repo-dir", str(theirs)], check=False,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    ours = json.loads((repo / "index.json").read_text(encoding="utf-8"))
    generated = json.loads((theirs / "index.json").read_text(encoding="utf-8"))
    assert ours == generated


def test_artists_install_and_update_from_the_shared_repository(blender, artifacts, newer, tmp_path, capsys):
    """Blender reads our index.json, installs RenderTally from it and updates to the newer version put there;
    another extension's entry stays; uninstall leaves the repository as it was."""
    repo = tmp_path / "studio-repo"
    repo.mkdir()
    other = {"id": "other_tool", "name": "Other", "version": "1.0.0", "schema_version": "1.0.0", "type": "add-on",
             "tagline": "Someone else's tool", "maintainer": "Them", "license": ["SPDX:GPL-3.0-or-later"],
             "blender_version_min": "4.2.0", "archive_url": "./other_tool-1.0.0.zip", "archive_size": 4,
             "archive_hash": "sha256:" + "0" * 64}
    (repo / "index.json").write_text(json.dumps({"version": "v1", "blocklist": [], "data": [other]}, indent=2) + "\n",
                                     encoding="utf-8")
    (repo / "other_tool-1.0.0.zip").write_bytes(b"PK..")
    before = listing(repo)
    code, out, err = run(capsys, "install", "blender", "--scope", "site", "--dest", str(repo), "--from", str(artifacts))
    assert code == 0, err
    url = (repo / "index.json").as_uri()
    assert url in out
    blender("--command", "extension", "repo-add", "--name", "Studio", "--url", url, "studio")
    blender("--online-mode", "--command", "extension", "install", "--sync", "--enable", "studio.rendertally")
    studio = blender.resources / "extensions" / "studio"
    assert installed_version(studio) == "0.1.0"

    code, out, err = run(capsys, "install", "blender", "--scope", "site", "--dest", str(repo), "--from", str(newer))
    assert code == 0, err
    assert "0.1.0 → 0.2.0" in out
    assert sorted(p.name for p in repo.glob("*.zip")) == ["other_tool-1.0.0.zip", "rendertally-0.2.0.zip"]
    blender("--online-mode", "--command", "extension", "update", "--sync")
    assert installed_version(studio) == "0.2.0"
    listed = json.loads((repo / "index.json").read_text(encoding="utf-8"))["data"]
    assert [item["id"] for item in listed] == ["other_tool", "rendertally"] and listed[0] == other

    code, out, err = run(capsys, "uninstall", "blender", "--scope", "site", "--dest", str(repo))
    assert code == 0, err
    assert listing(repo) == before


def test_without_a_blender_the_preferences_path_is_printed(simulate, artifacts, capsys):
    """No Blender found: exit 2 with the Install from Disk path of the zip and the --blender flag."""
    simulate("linux")
    code, _, err = run(capsys, "install", "blender", "--from", str(artifacts))
    assert code == 2
    assert "Install from Disk" in err and str(artifacts / "blender" / "rendertally-0.1.0.zip") in err
    assert "--blender" in err
