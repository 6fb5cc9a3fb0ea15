"""``install``, ``uninstall`` and ``status``: the same commands in ``rendertally`` and in the zipapp.

    rendertally install HOST [--scope user|site] [--dest DIR] [--versions 2025,2026] [--from DIR] [--dry-run]
    python rendertally-install.pyz install maya          (any Python 3.9+, e.g. mayapy; stdlib only)

HOST is blender, maya, max, c4d or all. ``--from`` is a folder written by ``rendertally build all``;
the zipapp defaults it to the folder it was built into, ``rendertally`` builds what it needs
into a temporary folder when it is not given. Nothing is written before every host's plan is
known to work, so one bad flag or a missing artifact changes nothing. Exit codes: 0 done (or
nothing to do), 2 invalid input, a missing host or artifact, an unwritable folder.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rendertally.core import __version__
from rendertally.core.errors import ConfigurationError, RenderTallyError

from . import blender_binary, extension_repo, hosts, placement
from .artifacts import HOSTS, NAMES
from .hosts import BlenderPlan, Options
from .locations import Machine

OK, INVALID = 0, 2
SCOPES = ("user", "site")


def add_commands(sub: argparse._SubParsersAction, *, default_from: Path | None = None) -> None:
    for name, helptext in (("install", "install (or upgrade) a host's plugin"),
                           ("uninstall", "remove what `install` put there (settings and outbox stay)")):
        cmd = sub.add_parser(name, help=helptext)
        cmd.add_argument("host", choices=[*HOSTS, "all"], help="blender, maya, max (Windows), c4d, or all")
        cmd.add_argument("--scope", choices=SCOPES, default="user", help="one artist (user) or every user (site)")
        cmd.add_argument("--dest", help="install into this folder instead (with all: DIR/<host>)")
        cmd.add_argument("--versions", default="", help="Maya / Cinema 4D versions, e.g. 2025,2026")
        cmd.add_argument("--blender", help="the Blender executable to install through")
        cmd.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
        if name == "install":
            cmd.add_argument("--from", dest="source", default=default_from,
                             help="artifacts folder written by `rendertally build all`"
                                  + (f" (default: {default_from})" if default_from else " (default: build now)"))
            cmd.add_argument("--force", action="store_true", help="replace files of ours that were not installed by us")
        cmd.set_defaults(func=cmd_install if name == "install" else cmd_uninstall)
    st = sub.add_parser("status", help="which hosts are here and where RenderTally is installed")
    st.add_argument("--dest", action="append", default=[], help="also look in this folder (repeatable)")
    st.add_argument("--blender", help="the Blender executable to ask")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_status)


def main(argv: Sequence[str] | None = None, *, default_from: Path | None = None) -> int:
    """The zipapp's and ``python -m rendertally.installers``' entry point."""
    parser = argparse.ArgumentParser(prog="rendertally-install", description="Install RenderTally's host plugins.")
    parser.add_argument("--version", action="version", version=f"RenderTally {__version__}")
    add_commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"), default_from=default_from)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except RenderTallyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return INVALID


# -- install ---------------------------------------------------------------------------------------
def cmd_install(args: argparse.Namespace) -> int:
    machine, options, names = _inputs(args)
    if args.source is None:
        with tempfile.TemporaryDirectory(prefix="rendertally-build-") as tmp:
            return _install(machine, options, names, _build(names, Path(tmp)), args)
    source = Path(args.source)
    if not source.is_dir():
        raise ConfigurationError(f"--from {source} is not a folder; build one with `rendertally build all --out {source}`")
    return _install(machine, options, names, source, args)


def _install(machine: Machine, options: Options, names: list[str], source: Path, args: argparse.Namespace) -> int:
    plans, problems = [], []
    blender = _blender(machine) if "blender" in names else None
    present = {host: hosts.found(host, machine, blender) for host in names}
    for host in names:
        here = present[host]
        if args.host == "all" and options.scope == "user" and not options.dest and not here:
            print(f"{NAMES[host]}: skipped, not found on this machine")
            continue
        try:
            plans += hosts.install_plans(host, machine, source, _for_host(options, host, len(names) > 1))
        except ConfigurationError as exc:
            if args.host == "all" and not here:
                print(f"{NAMES[host]}: skipped, not found on this machine ({exc})")
            else:
                problems.append(f"{NAMES[host]}: {exc}")
    if problems:  # nothing written yet: a bad flag or a missing artifact loses nothing
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return INVALID
    for plan in plans:
        if isinstance(plan, BlenderPlan):
            _install_blender(plan, machine, args.dry_run)
            continue
        outcome = placement.install(plan, dry_run=args.dry_run, force=args.force)
        listed = False
        if plan.host == "blender":  # the shared repository: our entry in its index.json
            zip_path = next(iter(plan.files.values()))
            listed = extension_repo.put(plan.root, Path(str(zip_path)), dry_run=args.dry_run)
        _report(outcome, index_changed=listed)
        for note in plan.notes if outcome.action != "unchanged" or listed else ():
            print(f"  next: {note}")
        if plan.host == "maya" and plan.scope == "user" and not present["maya"] and outcome.action == "installed":
            print("  note: Maya was not found on this machine; it loads RenderTally once it is installed")
    return OK


def _install_blender(plan: BlenderPlan, machine: Machine, dry_run: bool) -> None:
    blender, artifact = plan.blender, plan.artifact
    installed = blender.installed()
    where = f"Blender {blender.version} ({blender.extensions})"
    if installed == artifact.version:
        print(f"Blender (user): RenderTally {installed} is already installed in {where}; nothing to do")
        return
    if installed and placement.version_key(installed) > placement.version_key(artifact.version):
        raise ConfigurationError(f"RenderTally {installed} in {where} is newer than {artifact.version}; "
                                 "to go back, `rendertally uninstall blender` first")
    verb = "upgrade" if installed else "install"
    if dry_run:
        print(f"Blender (user): would {verb} RenderTally {artifact.version} into {where}: "
              + blender_binary.command(blender, "install-file", "-r", "user_default", "-e", str(artifact.path)))
        return
    blender_binary.install(blender, artifact.path, artifact.version, machine)
    print(f"Blender (user): {verb}ed RenderTally {f'{installed} → ' if installed else ''}{artifact.version} in {where}")


# -- uninstall -------------------------------------------------------------------------------------
def cmd_uninstall(args: argparse.Namespace) -> int:
    machine, options, names = _inputs(args)
    anything = False
    for host in names:
        host_options = _for_host(options, host, len(names) > 1)
        if host == "blender" and not host_options.dest:
            if options.scope == "site":
                if args.host != "all":
                    raise ConfigurationError("A shared Blender repository is removed by its folder: pass --dest DIR")
                continue
            anything |= _uninstall_blender(machine, args.dry_run)
            continue
        owner = hosts.OWNERS[host]
        for root in hosts.known_roots(host, machine, host_options):
            record = placement.read_record(root, owner)
            if record is None:
                if owner and (root / owner).is_dir():
                    print(f"{NAMES[host]}: {root / owner} has no install record, so it was not put there by "
                          "`rendertally install`; left alone")
                continue
            if host == "blender" and not args.dry_run and record.get("host") == host:
                extension_repo.remove(root, delete_if_empty=bool(record.get("extra", {}).get("index_created")))
            outcome = placement.uninstall(root, owner, host, dry_run=args.dry_run)
            if outcome.action != "absent":
                anything = True
                _report(outcome)
    if not anything:
        print("RenderTally is not installed in any location looked at (see `rendertally status`); nothing to do")
    return OK


def _uninstall_blender(machine: Machine, dry_run: bool) -> bool:
    blender = _blender(machine)
    if blender is None:
        leftovers = [p for p in _blender_installs(machine)]
        if leftovers:
            raise ConfigurationError(f"RenderTally is installed in {leftovers[0][1]} but no Blender was found to remove "
                                     "it: pass --blender /path/to/blender, or remove it in Blender (Preferences ▸ "
                                     "Add-ons ▸ RenderTally ▸ ▾ ▸ Uninstall)")
        return False
    installed = blender.installed()
    if installed is None:
        return False
    if dry_run:
        print(f"Blender (user): would remove RenderTally {installed}: "
              + blender_binary.command(blender, "remove", "user_default.rendertally"))
        return True
    blender_binary.uninstall(blender, machine)
    print(f"Blender (user): removed RenderTally {installed} from Blender {blender.version} ({blender.extensions})")
    return True


# -- status ----------------------------------------------------------------------------------------
def cmd_status(args: argparse.Namespace) -> int:
    machine = _machine(args)
    blender = _blender(machine)
    report: dict = {"installer": __version__, "os": machine.os, "hosts": {}}
    for host in HOSTS:
        installs = []
        roots = hosts.known_roots(host, machine, Options(scope="")) if host != "blender" else []
        for dest in args.dest:
            roots += [Path(dest).resolve(), Path(dest).resolve() / host]
        for root in dict.fromkeys(roots):
            record = placement.read_record(root, hosts.OWNERS[host]) if root.is_dir() else None
            if record and record.get("host") == host:
                installs.append({"scope": record.get("scope"), "location": str(root), "version": record.get("version"),
                                 "files": len(record["files"])})
        if host == "blender":
            installs += [{"scope": "user", "location": str(where), "version": version, "files": None}
                         for version, where in _blender_installs(machine)]
        report["hosts"][host] = {"found": hosts.found(host, machine, blender), "installs": installs}
    if args.json:
        print(json.dumps(report, indent=2))
        return OK
    print(f"RenderTally installer {__version__} on {machine.os}")
    for host, entry in report["hosts"].items():
        found = "; ".join(entry["found"]) or ("not found (3ds Max runs on Windows only)"
                                              if host == "max" and machine.os != "windows" else "not found")
        print(f"{NAMES[host]:<10} {found}")
        for item in entry["installs"]:
            print(f"{'':<10} RenderTally {item['version']} ({item['scope']}) in {item['location']}")
        if not entry["installs"]:
            print(f"{'':<10} not installed")
    return OK


# -- shared ----------------------------------------------------------------------------------------
def _machine(args: argparse.Namespace) -> Machine:
    machine = Machine.current()
    if getattr(args, "blender", None):
        machine = Machine(machine.os, {**machine.env, "RENDERTALLY_BLENDER": args.blender}, machine.home)
    return machine


def _inputs(args: argparse.Namespace) -> tuple[Machine, Options, list[str]]:
    versions = tuple(v.strip() for v in args.versions.split(",") if v.strip())
    bad = [v for v in versions if not (v.isdigit() and len(v) == 4)]
    if bad:
        raise ConfigurationError(f"--versions: {', '.join(bad)} is not a year like 2025 (use e.g. --versions 2025,2026)")
    dest = Path(args.dest) if args.dest else None
    if dest is not None and dest.exists() and not dest.is_dir():
        raise ConfigurationError(f"--dest {dest} is a file, not a folder")
    names: list[str] = list(HOSTS) if args.host == "all" else [str(args.host)]
    return _machine(args), Options(args.scope, dest, versions), names


def _for_host(options: Options, host: str, several: bool) -> Options:
    versions = options.versions if host in ("maya", "c4d") or not several else ()
    dest = options.dest / host if options.dest and several else options.dest
    return Options(options.scope, dest, versions)


def _blender(machine: Machine) -> blender_binary.Blender | None:
    return blender_binary.find(machine)


def _blender_installs(machine: Machine) -> list[tuple[str, Path]]:
    from .locations import blender_extensions

    found = []
    for folder in blender_extensions(machine, None):
        version = blender_binary.installed_version(folder)
        if version:
            found.append((version, folder))
    return found


def _build(names: list[str], out: Path) -> Path:
    from . import build

    for host in names:
        build(host, out / host)
    return out


def _report(outcome: placement.Outcome, *, index_changed: bool = False) -> None:
    name = NAMES[outcome.host]
    scope_where = f"in {outcome.root}"
    would = "would be " if outcome.dry_run else ""
    if outcome.action == "unchanged":
        extra = "; index.json " + ("would be " if outcome.dry_run else "") + "brought up to date" if index_changed else ""
        print(f"{name}: RenderTally {outcome.version} is already installed {scope_where}; nothing to do{extra}")
    elif outcome.action == "removed":
        print(f"{name}: RenderTally {outcome.version} {would}removed from {outcome.root} ({_files(outcome.removed)})")
    else:
        change = f"{outcome.previous} → {outcome.version}" if outcome.action == "upgraded" else outcome.version
        print(f"{name}: RenderTally {change} {would}{outcome.action} {scope_where} ({_files(outcome.written)} written"
              f"{f', {outcome.removed} removed' if outcome.removed else ''})")
    for rel in outcome.kept:
        print(f"  kept {outcome.root / rel}: changed since it was installed")


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"
