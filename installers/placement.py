"""Put files into a host's plugin folder and take exactly those away again, with an install record.

Every install location gets a record (``rendertally-install.json``) inside our own folder there
(``RenderTally/``, ``RenderTally.bundle/``; a Blender repository keeps it at its top): host,
version and the SHA-256 of every file we wrote, relative to the location. It is what makes

- a second install a no-op (same version, every file as recorded),
- an upgrade in place (changed files replaced, files the new version no longer has removed),
- an uninstall exact: only recorded files, and only while they still hold what we wrote; then
  the folders that became empty (with the ``__pycache__`` Python left beside our modules) and
  the folders above the location that the install itself created.

Files we did not record are never touched: a path we would write that exists without being ours
stops the install before anything is written (``--force`` takes it over). The record is written
first with the old and new files together, so an install cut short is still uninstallable, and
re-running it repairs it. Stdlib only (see docs/studio.md).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from rendertally.core.errors import ConfigurationError

RECORD = "rendertally-install.json"
PRODUCT = "RenderTally"
Source = Union[Path, bytes]


@dataclass
class Plan:
    """What one install location should hold."""

    host: str
    scope: str
    root: Path                      # the location (modules folder, ApplicationPlugins, …)
    owner: str                      # our folder under root that holds the record ("" = root itself)
    version: str
    files: Mapping[str, Source]     # relative POSIX path → source file or bytes
    notes: list[str] = field(default_factory=list)  # what a person must still do (set a variable …)
    extra: dict[str, object] = field(default_factory=dict)  # kept in the record (e.g. index.json created)

    @property
    def record_path(self) -> Path:
        return record_path(self.root, self.owner)


@dataclass
class Outcome:
    action: str          # installed | upgraded | repaired | unchanged | removed | absent
    host: str
    root: Path
    version: str = ""
    previous: str = ""
    written: int = 0
    removed: int = 0
    kept: list[str] = field(default_factory=list)   # files of ours a person changed: left in place
    record: dict = field(default_factory=dict)
    dry_run: bool = False


def record_path(root: Path, owner: str) -> Path:
    return Path(root) / owner / RECORD if owner else Path(root) / RECORD


def read_record(root: Path, owner: str) -> dict | None:
    path = record_path(root, owner)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        return None  # nothing installed there (or a file where the folder would be: the write says so)
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"The install record {path} cannot be read ({exc}); "
                                 "move the folder away and install again") from exc
    if not isinstance(data, dict) or data.get("product") != PRODUCT or not isinstance(data.get("files"), dict):
        raise ConfigurationError(f"{path} is not a RenderTally install record; move the folder away and install again")
    return data


def version_key(version: str) -> tuple:
    return tuple((0, int(part)) if part.isdigit() else (-1, part) for part in version.replace("-", ".").split("."))


def install(plan: Plan, *, dry_run: bool = False, force: bool = False) -> Outcome:
    """Make ``plan.root`` hold ``plan.files``; returns what was (or, dry, would be) done."""
    record = read_record(plan.root, plan.owner)
    if record and record.get("host") != plan.host:
        raise ConfigurationError(f"{plan.root / plan.owner} holds RenderTally for {record.get('host')}; "
                                 f"give {plan.host} its own --dest")
    previous = str(record.get("version", "")) if record else ""
    if record and version_key(previous) > version_key(plan.version):
        raise ConfigurationError(f"RenderTally {previous} in {plan.root} is newer than {plan.version}; "
                                 f"to go back, `rendertally uninstall {plan.host}` first")
    old_files: dict[str, str] = dict(record["files"]) if record else {}
    new_files = {rel: _digest(src) for rel, src in plan.files.items()}
    foreign = [rel for rel in new_files if rel not in old_files and (plan.root / rel).exists()
               and _hash_file(plan.root / rel) != new_files[rel]]
    if foreign and not force:
        shown = ", ".join(str(plan.root / rel) for rel in sorted(foreign)[:3])
        raise ConfigurationError(f"{shown}{' …' if len(foreign) > 3 else ''} already exist(s) and were not written "
                                 "by `rendertally install`; move them away (or pass --force to replace them)")
    changed = [rel for rel, digest in new_files.items() if _hash_file(plan.root / rel) != digest]
    stale = [rel for rel in old_files if rel not in new_files]
    if record and previous == plan.version and not changed and not stale:
        return Outcome("unchanged", plan.host, plan.root, plan.version, previous, record=record, dry_run=dry_run)
    action = "installed" if not record else "upgraded" if previous != plan.version else "repaired"
    outcome = Outcome(action, plan.host, plan.root, plan.version, previous, written=len(changed), dry_run=dry_run)
    if dry_run:
        outcome.removed = len(stale)
        return outcome
    try:
        created = list(record.get("created", [])) if record else _missing_dirs(plan.root)
        body = {"product": PRODUCT, "host": plan.host, "scope": plan.scope, "version": plan.version,
                "created": created, "extra": {**(record or {}).get("extra", {}), **plan.extra}}
        # First the union, so an install cut short can still be uninstalled (or repaired by re-running).
        _write_record(plan, {**body, "files": {**old_files, **new_files}})
        for rel in sorted(changed):
            _write_atomic(plan.root / rel, plan.files[rel])
        for rel in stale:
            if _remove_if_ours(plan.root / rel, old_files[rel]):
                outcome.removed += 1
            else:
                outcome.kept.append(rel)
        _prune(plan.root, stale)
        _write_record(plan, {**body, "files": new_files})
    except OSError as exc:
        raise _unwritable(exc, plan.root) from exc
    outcome.record = {**body, "files": new_files}
    return outcome


def uninstall(root: Path, owner: str, host: str, *, dry_run: bool = False) -> Outcome:
    """Remove what the record in ``root`` lists (unchanged files only) and the folders it emptied."""
    record = read_record(root, owner)
    if record is None or record.get("host") != host:
        return Outcome("absent", host, root, dry_run=dry_run)
    files: dict[str, str] = record["files"]
    outcome = Outcome("removed", host, root, str(record.get("version", "")), record=record, dry_run=dry_run)
    if dry_run:
        outcome.removed = len(files)
        return outcome
    try:
        for rel, digest in sorted(files.items()):
            if _remove_if_ours(root / rel, digest):
                outcome.removed += 1
            elif (root / rel).exists():
                outcome.kept.append(rel)
        record_path(root, owner).unlink(missing_ok=True)
        _prune(root, [*files, f"{owner}/{RECORD}" if owner else RECORD])
        for folder in sorted(record.get("created", []), key=len, reverse=True):
            _rmdir_if_empty(Path(folder))
    except OSError as exc:
        raise _unwritable(exc, root) from exc
    return outcome


# -- helpers ---------------------------------------------------------------------------------------
def _digest(source: Source) -> str:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    return hashlib.sha256(data).hexdigest()


def _hash_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError):
        return None


def _missing_dirs(root: Path) -> list[str]:
    """``root`` and those of its parents that do not exist yet (the install creates them)."""
    missing = []
    for folder in [Path(root), *Path(root).parents]:
        if folder.exists():
            break
        missing.append(str(folder))
    return missing


def _write_record(plan: Plan, body: dict) -> None:
    _write_atomic(plan.record_path, (json.dumps(body, indent=1, sort_keys=True) + "\n").encode())


def _write_atomic(target: Path, source: Source) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.rendertally-tmp")
    if isinstance(source, bytes):
        temporary.write_bytes(source)
    else:
        shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def _remove_if_ours(path: Path, digest: str) -> bool:
    if _hash_file(path) != digest:
        return False  # gone already, or a person changed it: theirs now
    path.unlink()
    return True


def _prune(root: Path, relatives: list[str]) -> None:
    """Remove the folders under ``root`` that held ``relatives`` once they are empty."""
    folders = {parent for rel in relatives for parent in Path(rel).parents if parent != Path(".")}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        _rmdir_if_empty(root / folder)


def _rmdir_if_empty(folder: Path) -> None:
    cache = folder / "__pycache__"  # Python's compiled copies of our modules, written beside them
    if cache.is_dir() and all(p.suffix == ".pyc" for p in cache.iterdir()):
        shutil.rmtree(cache)
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (someone else's files) or already gone


def _unwritable(exc: OSError, root: Path) -> ConfigurationError:
    reason = exc.strerror or str(exc)
    return ConfigurationError(f"Cannot write to {exc.filename or root}: {reason}. For --scope site run as an "
                              "administrator (or root), or choose a folder you can write with --dest")
