"""Per host: where an install goes, what it writes there, and whether the host is on this machine.

| host | --scope user | --scope site (default without --dest) | our folder there |
|---|---|---|---|
| maya | MAYA_APP_DIR/modules (`--versions`: MAYA_APP_DIR/<v>/modules) | Maya's machine-wide modules folder | RenderTally/ + RenderTally.mod (absolute path) |
| max | %APPDATA%\\Autodesk\\ApplicationPlugins | %PROGRAMDATA%\\Autodesk\\ApplicationPlugins | RenderTally.bundle/ |
| c4d | <prefs folder of each found version>/plugins | --dest (for g_additionalModulePath) | RenderTally/ |
| blender | `blender --command extension install-file` | --dest: a shared extension repository | the zip + our index.json entry |

With ``all`` and ``--dest DIR`` each host gets ``DIR/<host>``, so no two hosts share a folder.
Stdlib only.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rendertally.core.errors import ConfigurationError

from . import blender_binary, extension_repo, locations
from .artifacts import NAMES, Artifact, find, tree
from .blender_binary import Blender
from .locations import Machine
from .maya import mod_text
from .placement import Plan

OWNERS = {"maya": "RenderTally", "max": "RenderTally.bundle", "c4d": "RenderTally", "blender": ""}


@dataclass(frozen=True)
class Options:
    scope: str = "user"
    dest: Path | None = None
    versions: tuple[str, ...] = ()


@dataclass
class BlenderPlan:
    """A user install through Blender's own installer (no files of ours to record)."""

    blender: Blender
    artifact: Artifact


def install_plans(host: str, machine: Machine, artifacts: Path, options: Options) -> list[Plan | BlenderPlan]:
    """What installing ``host`` means here; raises ConfigurationError with what to do instead."""
    _check_versions(host, options)
    artifact = find(artifacts, host)
    if host == "blender" and options.scope == "user":
        if options.dest:
            raise ConfigurationError("For Blender, --dest is a shared extension repository: use --scope site --dest DIR")
        blender = blender_binary.find(machine)
        if blender is None:
            raise ConfigurationError(
                "No Blender found (RENDERTALLY_BLENDER, --blender, PATH, the usual install folders). Install the add-on "
                f"in Blender: Edit ▸ Preferences ▸ Get Extensions ▸ ▾ ▸ Install from Disk…, pick {artifact.path}; or "
                "run this again with --blender /path/to/blender")
        return [BlenderPlan(blender, artifact)]
    return [_plan(host, root, artifact, options, notes) for root, notes in install_roots(host, machine, options)]


def install_roots(host: str, machine: Machine, options: Options) -> list[tuple[Path, list[str]]]:
    """The location(s) an install of ``host`` writes to, each with what a person must still do."""
    if options.dest:
        root = Path(os.path.abspath(options.dest))
        return [(root, _dest_notes(host, root))]
    if host == "maya":
        return [(root, []) for root in locations.maya_modules(machine, options.scope, options.versions)]
    if host == "max":
        return [(locations.max_plugins(machine, options.scope), [])]
    if host == "c4d":
        if options.scope == "site":
            raise ConfigurationError("Cinema 4D site installs go to a shared folder: pass --dest DIR, then add DIR "
                                     "to g_additionalModulePath on every machine")
        return [(root, []) for root in locations.c4d_plugins(machine, options.versions)]
    raise ConfigurationError("A shared Blender extension repository needs a folder: pass --dest DIR (one every "
                             "artist can read)")


def known_roots(host: str, machine: Machine, options: Options) -> list[Path]:
    """Every location an install of ``host`` may have written to (for uninstall and status)."""
    if options.dest:
        return [Path(os.path.abspath(options.dest))]
    roots: list[Path] = []
    scopes = [options.scope] if options.scope else ["user", "site"]
    for scope in scopes:
        if host == "maya":
            versions = options.versions or locations.MAYA_VERSIONS
            roots += locations.maya_modules(machine, scope, versions)
            if not options.versions:
                roots += locations.maya_modules(machine, scope)
        elif host == "max" and machine.os == "windows":
            roots.append(locations.max_plugins(machine, scope))
        elif host == "c4d" and scope == "user":
            roots += [f.plugins for f in locations.c4d_folders(machine)
                      if not options.versions or f.year in options.versions]
    return roots


def found(host: str, machine: Machine, blender: Blender | None = None) -> list[str]:
    """Where ``host`` shows itself on this machine (empty: not found)."""
    if host == "blender":
        return [f"Blender {blender.version}: {blender.binary}"] if blender else []
    if host == "maya":
        return locations.maya_found(machine)
    if host == "max":
        return [str(p) for p in locations.max_found(machine)]
    return [f"Cinema 4D {f.year}{' Commandline' if f.commandline else ''}: {f.path}"
            for f in locations.c4d_folders(machine)]


def _plan(host: str, root: Path, artifact: Artifact, options: Options, notes: list[str]) -> Plan:
    owner = OWNERS[host]
    if host == "blender":
        files: dict = {artifact.path.name: artifact.path}
        # Remember whether the listing was ours from the start: then uninstall may delete it.
        extra: dict[str, object] = {} if (root / extension_repo.INDEX).exists() else {"index_created": True}
        notes = [*notes, *repository_notes(root)]
        return Plan(host, options.scope, root, owner, artifact.version, files, notes, extra)
    files = {f"{owner}/{rel}": path for rel, path in tree(artifact.path).items()}
    if host == "maya":
        # Maya reads every file in a modules folder as a module file: exactly one .mod of ours,
        # beside the module folder, with its absolute path (the one inside uses ".").
        files.pop(f"{owner}/RenderTally.mod", None)
        files["RenderTally.mod"] = mod_text((root / owner).as_posix(), artifact.version).encode()
    return Plan(host, options.scope, root, owner, artifact.version, files, notes)


def repository_notes(root: Path) -> list[str]:
    url = extension_repo.repository_url(root)
    return [f"Artists add the repository once: Edit ▸ Preferences ▸ Get Extensions ▸ Repositories ▸ + ▸ Add Remote "
            f"Repository, URL {url} (or `blender --online-mode --command extension repo-add --url {url} studio`), "
            "then install RenderTally from it; newer versions installed here show up as updates"]


def _dest_notes(host: str, root: Path) -> list[str]:
    if host == "maya":
        return [f"Add {root} to MAYA_MODULE_PATH on every machine (Maya.env or the login script)"]
    if host == "c4d":
        return [f"Add {root} to the g_additionalModulePath environment variable on every machine"]
    if host == "max":
        return [f"3ds Max (Windows only) loads bundles from ApplicationPlugins folders: {root} must be one, or be "
                "copied into %PROGRAMDATA%\\Autodesk\\ApplicationPlugins"]
    return []


def _check_versions(host: str, options: Options) -> None:
    if options.versions and host in ("max", "blender"):
        raise ConfigurationError(f"--versions applies to Maya and Cinema 4D only; {NAMES[host]}'s "
                                 f"{'bundle serves 2023–2027 from one folder' if host == 'max' else 'own binary decides'}")

