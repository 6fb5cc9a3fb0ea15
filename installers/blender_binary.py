"""Installing the extension for one artist through Blender's own command line (Blender 4.2+).

    blender --command extension install-file -r user_default -e rendertally-<v>.zip
    blender --command extension remove user_default.rendertally

Blender unpacks the zip, installs the wheels and enables the add-on itself, as "Install from
Disk…" does (Blender manual, "Command Line Arguments ▸ Extension"), so nothing of Blender's
layout is copied by hand. Whether it worked is read back from the extension folder afterwards:
Blender's command can print an error and still exit 0. Stdlib only.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rendertally.core.errors import ConfigurationError

from .artifacts import parse_manifest
from .locations import Machine, blender_binaries, blender_extensions

EXTENSION_ID = "rendertally"
TIMEOUT = 300
VERSION_LINE = re.compile(r"^Blender (\d+)\.(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class Blender:
    binary: Path
    version: str          # "5.0": the user resources folder Blender uses
    extensions: Path      # its user_default extension repository folder

    def installed(self) -> str | None:
        return installed_version(self.extensions)


def find(machine: Machine) -> Blender | None:
    """The first Blender that answers ``--version``."""
    for binary in blender_binaries(machine):
        try:
            done = subprocess.run([str(binary), "--version"], check=False, capture_output=True, text=True,
                                  timeout=TIMEOUT, env=dict(machine.env))
        except (OSError, subprocess.SubprocessError):
            continue
        match = VERSION_LINE.search(done.stdout)
        if done.returncode == 0 and match:
            version = f"{match[1]}.{match[2]}"
            return Blender(binary, version, blender_extensions(machine, version)[0])
    return None


def installed_version(extensions: Path) -> str | None:
    """The version of RenderTally in a ``user_default`` folder, or None."""
    path = Path(extensions) / EXTENSION_ID / "blender_manifest.toml"
    try:
        return str(parse_manifest(path.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def install(blender: Blender, zip_path: Path, version: str, machine: Machine) -> None:
    output = _run(blender, machine, "install-file", "-r", "user_default", "-e", str(Path(zip_path).resolve()))
    if blender.installed() != version:
        raise ConfigurationError(f"Blender {blender.version} ({blender.binary}) did not install {zip_path}: "
                                 f"{_tail(output)}")


def uninstall(blender: Blender, machine: Machine) -> None:
    output = _run(blender, machine, "remove", f"user_default.{EXTENSION_ID}")
    if blender.installed() is not None:
        raise ConfigurationError(f"Blender {blender.version} ({blender.binary}) did not remove RenderTally: {_tail(output)}")


def command(blender: Blender | None, *args: str) -> str:
    """The command line, for --dry-run and for people without a Blender found here."""
    return " ".join([str(blender.binary) if blender else "blender", "--command", "extension", *args])


def _run(blender: Blender, machine: Machine, *args: str) -> str:
    try:
        done = subprocess.run([str(blender.binary), "--command", "extension", *args], check=False,
                              capture_output=True, text=True, timeout=TIMEOUT, env=dict(machine.env))
    except (OSError, subprocess.SubprocessError) as exc:
        raise ConfigurationError(f"Could not run {blender.binary}: {exc}") from exc
    return done.stdout + done.stderr


def _tail(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return " / ".join(lines[-3:]) or "no output"
