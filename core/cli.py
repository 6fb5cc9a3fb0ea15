"""The ``rendertally`` command. Exit codes are a contract other tools rely on.

0 delivered / done · 2 invalid input or configuration (nothing queued) · 3 rejected by the
server (kept) · 75 not delivered yet (kept; it goes out later) · 1 an unexpected error.
"""
from __future__ import annotations

import argparse
import getpass
import importlib
import json
import logging
import sys
import time
from collections.abc import Sequence
from typing import Callable

from . import __version__, listing
from . import settings as settings_mod
from .errors import ConfigurationError, RenderTallyError
from .job import RenderJob, field_errors
from .listing import FAILED, INVALID, NOT_YET, OK, REJECTED_EXIT  # the exit codes, defined once
from .outbox import DELIVERED, OPEN, PENDING, REJECTED, Row
from .reporter import OUTBOX_FILE, Reporter
from .wire import Credentials, encode, mask

EPILOG = ("exit codes: 0 delivered / done, 2 invalid input or configuration (nothing queued), "
          "3 rejected by the server (kept), 75 not delivered yet (kept; sent later), 1 unexpected error")
SOFTWARE_HELP = "BLD (Blender), MAY (Maya), MAX (3ds Max), C4D (Cinema 4D); blender, maya, max, c4d work too"
# RenderJob field → the flag people typed, so an error names what to change.
FLAGS = {"frames": "--frames", "render_hours": "--render-hours", "software": "--software",
         "software_version": "--software-version", "render_engine": "--engine", "status": "--status",
         "job_type": "--job-type", "run_date": "--run-date", "mission_id": "--mission-id", "email": "email"}
log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.debug:
        # The commands print each job's outcome themselves; the sender's log would say it twice.
        logging.getLogger("rendertally.core.sender").setLevel(logging.CRITICAL)
    try:
        return int(args.func(args) or OK)
    except RenderTallyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return INVALID
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a clear line, not a traceback, for people
        log.debug("unexpected error", exc_info=True)
        print(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rendertally", description="Report finished renders to the render service.",
                                     epilog=EPILOG, formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--version", action="version", version=f"RenderTally {__version__}")
    parser.add_argument("--debug", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_report, _add_outbox, _add_settings, _add_tools):
        add(sub)
    return parser


def _add_report(sub: argparse._SubParsersAction) -> None:
    rep = sub.add_parser("report", help="report one render job", epilog=EPILOG,
                         formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    rep.add_argument("--frames", required=True, help="frame renders completed (a whole number)")
    rep.add_argument("--render-hours", required=True, help="hours the render took, e.g. 1.5")
    rep.add_argument("--software", required=True, help=SOFTWARE_HELP)
    rep.add_argument("--software-version", required=True, help="e.g. 2026 or 5.0.1")
    rep.add_argument("--engine", required=True, help="render engine, e.g. Arnold")
    rep.add_argument("--status", default="done", help="done, aborted or failed")
    rep.add_argument("--job-type", help="economy, normal or test (default: the settings' job type)")
    rep.add_argument("--mission-id", help="default: the settings' mission id")
    rep.add_argument("--run-date", help="'YYYY-MM-DD HH:MM:SS' in UTC (default: now)")
    rep.add_argument("--wait", type=float, default=10.0,
                     help="seconds to wait for delivery; 0 only queues (then run `rendertally outbox flush`)")
    rep.add_argument("--json", action="store_true", help="print the outcome as JSON (with the job id)")
    rep.set_defaults(func=cmd_report)


def _add_outbox(sub: argparse._SubParsersAction) -> None:
    box = sub.add_parser("outbox", help="what was reported and what is waiting").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    lst = box.add_parser("list", help="jobs not yet delivered (--all: with the history)",
                         formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    lst.add_argument("--all", action="store_true", help="delivered jobs too")
    lst.add_argument("--json", action="store_true", help="every field, as JSON")
    lst.add_argument("--limit", type=int, default=100, help="show at most this many jobs, newest first")
    lst.set_defaults(func=cmd_outbox_list)
    show = box.add_parser("show", help="one job and the exact body that would be sent (Key masked)")
    show.add_argument("id", type=int)
    show.set_defaults(func=cmd_outbox_show)
    flush = box.add_parser("flush", help="send every pending job now")
    flush.add_argument("--wait", type=float, default=30.0, help="seconds to keep sending (default 30)")
    flush.set_defaults(func=cmd_outbox_flush)
    retry = box.add_parser("retry", help="send a rejected job again (after fixing what the server said)")
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("id", type=int, nargs="?")
    which.add_argument("--rejected", action="store_true", help="every rejected job")
    retry.add_argument("--wait", type=float, default=10.0, help="seconds to wait for the answer (default 10)")
    retry.set_defaults(func=cmd_outbox_retry)


def _add_settings(sub: argparse._SubParsersAction) -> None:
    cfg = sub.add_parser("settings", help="show or change the settings")
    cfg.add_argument("--gui", action="store_true", help="open the settings panel")
    cfg.add_argument("--screenshot", metavar="PATH", help="with --gui: render the panel to a PNG and exit")
    cfg.set_defaults(func=cmd_settings_gui)
    cfg_sub = cfg.add_subparsers(dest="action", metavar="ACTION")
    show = cfg_sub.add_parser("show", help="every value and where it came from")
    show.add_argument("--json", action="store_true", help="as JSON (the Key masked)")
    show.set_defaults(func=cmd_settings_show)
    st = cfg_sub.add_parser("set", help="change a value (no VALUE: you are asked; the Key is never echoed)")
    st.add_argument("name", choices=list(settings_mod.FIELDS))
    st.add_argument("value", nargs="?")
    st.set_defaults(func=cmd_settings_set)
    un = cfg_sub.add_parser("unset", help="remove a value from your settings file")
    un.add_argument("name", choices=list(settings_mod.FIELDS))
    un.set_defaults(func=cmd_settings_unset)
    cfg_sub.add_parser("path", help="where settings and the outbox live").set_defaults(func=cmd_settings_path)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0-65535)")
    return port


def _add_tools(sub: argparse._SubParsersAction) -> None:
    sbx = sub.add_parser("sandbox", help="run a local stand-in for the API")
    from .sandbox import FAULTS

    sbx.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sbx.add_argument("--port", type=_port, default=0, help="0-65535; 0 picks a free port (default)")
    sbx.add_argument("--fault", default="none", choices=FAULTS, help="how to misbehave (default none)")
    sbx.add_argument("--accept-id", help="answer 401 to any other Id")
    sbx.add_argument("--accept-key", help="answer 401 to any other Key")
    sbx.set_defaults(func=cmd_sandbox)

    doc = sub.add_parser("doctor", help="check settings, outbox and the API connection (posts nothing)")
    doc.add_argument("--json", action="store_true", help="the checks and problems as JSON")
    doc.set_defaults(func=cmd_doctor)
    test = sub.add_parser("test", help="post a Test job (JobType 3, 0 frames) and show the server's answer")
    test.add_argument("--software", default="BLD", help=SOFTWARE_HELP)
    test.add_argument("--json", action="store_true")
    test.set_defaults(func=cmd_test)

    # build / install / uninstall / status live with the installers (rendertally.installers.cli);
    # a host's bundle ships the core without them, and its CLI simply has no such commands.
    # Likewise `farm`, with the farm managers' reporters (rendertally.plugins.farm).
    for module in ("rendertally.installers.cli", "rendertally.plugins.farm.cli"):
        try:
            commands = importlib.import_module(module)
        except ImportError:
            continue
        commands.add_commands(sub)


# -- report -------------------------------------------------------------------------------------
def cmd_report(args: argparse.Namespace) -> int:
    current = settings_mod.load()
    values = {"frames": _whole(args.frames), "render_hours": args.render_hours, "software": args.software,
              "software_version": args.software_version, "render_engine": args.engine, "status": args.status,
              "job_type": args.job_type or current.job_type, "mission_id": args.mission_id or current.mission_id,
              **({"run_date": args.run_date} if args.run_date else {})}
    errors = field_errors(**values)
    if errors:  # every bad flag at once, each by the name people typed
        for exc in errors:
            print(f"error: {FLAGS.get(exc.field, exc.field)}: {exc.message}", file=sys.stderr)
        return INVALID
    current.credentials()  # ConfigurationError → exit 2, nothing queued
    job = RenderJob(**values, email=current.email)
    with Reporter() as reporter:
        reason = reporter.transport.blocked_reason(current)
        if reason:
            print(f"error: {reason}", file=sys.stderr)
            return INVALID
        row_id = reporter.submit(job)
        paused = reporter.paused_reason()
        if paused or args.wait <= 0:
            # This process ends now and nothing else sends for it: say what will.
            note = paused or ("Nothing sends it from this command: run `rendertally outbox flush` "
                              "(schedule it on render nodes), or report with --wait")
            return listing.outcome(reporter.outbox.get(row_id), args.json, queued=note)
        reporter.start_sending()
        return listing.outcome(_wait_for(reporter, row_id, args.wait), args.json)


def _whole(text: str) -> object:
    return int(text) if text.strip().lstrip("+-").isdigit() else text


def _wait_for(reporter: Reporter, row_id: int, wait: float) -> Row | None:
    deadline = time.monotonic() + wait
    with listing.progress("waiting for the API's answer", wait):
        while True:
            reporter.flush(max(deadline - time.monotonic(), 0.0))
            row = reporter.outbox.get(row_id)
            if row is None or row.state != PENDING or row.attempts > 0 or time.monotonic() >= deadline:
                return row


# -- outbox -------------------------------------------------------------------------------------
def cmd_outbox_list(args: argparse.Namespace) -> int:
    states = (OPEN, PENDING, REJECTED, DELIVERED) if args.all else (OPEN, PENDING, REJECTED)
    with Reporter() as reporter:
        rows = reporter.outbox.list(states, limit=args.limit)
        paused = reporter.paused_reason()
    if args.json:
        print(json.dumps([row.to_dict() for row in rows], indent=2))
        return OK
    if paused:
        print(paused)
    if not rows:
        print("No jobs." if args.all else "Nothing waiting: every job was delivered (--all shows them).")
        return OK
    print("\n".join(listing.table(rows)))
    return OK


def cmd_outbox_show(args: argparse.Namespace) -> int:
    with Reporter() as reporter:
        row = reporter.outbox.get(args.id)
    if row is None:
        print(f"error: no job {args.id} in the outbox (rendertally outbox list --all)", file=sys.stderr)
        return INVALID
    current = settings_mod.load()
    print(json.dumps(listing.details(row), indent=2))
    if row.job is None:
        print("\nThe stored record of this job cannot be read, so there is no body to show.")
        return OK
    credentials = Credentials(current.id or "<Id not set>", current.key or "<Key not set>")
    body, content_type = encode(row.job, credentials, current.format, email=current.email)
    print(f"\nPOST {(current.url or '<URL not usable>').rstrip('/')}/api/v1/render/jobdata\n"
          f"Content-Type: {content_type}\n")
    print(mask(body, current.key or "").decode("utf-8"))
    return OK


def cmd_outbox_flush(args: argparse.Namespace) -> int:
    with Reporter() as reporter:
        reason = reporter.transport.blocked_reason() or reporter.paused_reason()
        if reason:
            print(f"error: {reason}", file=sys.stderr)
            return INVALID
        before = reporter.outbox.counts()
        reporter.start_sending()
        with listing.progress("sending", args.wait):
            reporter.flush(args.wait, force=True)
        counts = reporter.outbox.counts()
        sent = counts[DELIVERED] - before[DELIVERED]
        print(f"delivered {sent} now ({counts[DELIVERED]} in all), pending {counts[PENDING]}, "
              f"rejected {counts[REJECTED]}")
        if counts[PENDING]:
            why = reporter.paused_reason() or reporter.sender.last_error or "still sending"
            print(f"Not everything went out: {why}", file=sys.stderr)
            return NOT_YET
        if counts[REJECTED] > before[REJECTED] or (counts[REJECTED] and not sent):
            print(f"{counts[REJECTED]} job(s) rejected wait for you: `rendertally outbox list`, fix the cause, "
                  "then `rendertally outbox retry --rejected`", file=sys.stderr)
            return REJECTED_EXIT
    return OK


def cmd_outbox_retry(args: argparse.Namespace) -> int:
    with Reporter() as reporter:
        if args.rejected:
            ids = [row.id for row in reporter.outbox.list([REJECTED], limit=1_000_000)]
            print(f"{reporter.retry_rejected()} rejected job(s) queued again.")
        elif reporter.outbox.get(args.id) is None:
            print(f"error: no job {args.id} in the outbox (rendertally outbox list --all)", file=sys.stderr)
            return INVALID
        elif not reporter.outbox.retry(args.id):
            print(f"error: job {args.id} is not pending or rejected (rendertally outbox list)", file=sys.stderr)
            return INVALID
        else:
            ids = [args.id]
        if args.wait > 0 and not reporter.transport.blocked_reason():
            reporter.start_sending()
            with listing.progress("sending", args.wait):
                reporter.flush(args.wait, force=True)
        rows = [row for row in map(reporter.outbox.get, ids) if row is not None]
    if not rows:
        return OK
    if len(rows) == 1:
        return listing.outcome(rows[0])
    states = [row.state for row in rows]
    print(f"delivered {states.count(DELIVERED)}, rejected {states.count(REJECTED)}, "
          f"pending {states.count(PENDING)}")
    return REJECTED_EXIT if REJECTED in states else NOT_YET if PENDING in states else OK


# -- settings -----------------------------------------------------------------------------------
def cmd_settings_gui(args: argparse.Namespace) -> int:
    if not args.gui:
        return cmd_settings_show(args)
    # Qt itself is imported by app.main: without it, QtMissingError says what to install (exit 2).
    from rendertally.ui import app

    return int(app.main(screenshot=args.screenshot) or OK)


def cmd_settings_show(args: argparse.Namespace) -> int:
    current = settings_mod.load()
    if getattr(args, "json", False):
        print(json.dumps({name: {"value": current.display(name), "source": current.sources[name],
                                 "fixed": name in current.fixed} for name in settings_mod.FIELDS}
                         | {"problems": list(current.problems)}, indent=2))
        return OK
    for name in settings_mod.FIELDS:
        fixed = "  (fixed)" if name in current.fixed else ""
        print(f"{name:<11} {current.display(name):<40} {current.sources[name]}{fixed}")
    for problem in current.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return OK


def cmd_settings_set(args: argparse.Namespace) -> int:
    value = args.value
    if value is None:
        value = _ask(args.name)
        if not value.strip():
            # An empty line must never clear a value by accident: removing is `unset`.
            print(f"error: no value given for {args.name}; nothing changed "
                  f"(to remove it: rendertally settings unset {args.name})", file=sys.stderr)
            return INVALID
    settings_mod.save({args.name: value})  # ValidationError/ConfigurationError → exit 2
    print(f"{args.name} saved to {settings_mod.user_file()}" if args.name != "key" else "key saved")
    return OK


def cmd_settings_unset(args: argparse.Namespace) -> int:
    settings_mod.save({args.name: None})
    print(f"{args.name} removed from your settings")
    return OK


def _ask(name: str, secret: Callable[[str], str] = getpass.getpass, visible: Callable[[str], str] = input) -> str:
    # Typing the Key on the command line would leave it in the shell history and `ps`; only the
    # Key is hidden while typed: the Id and e-mail are easier to get right when seen.
    if sys.stdin.isatty():
        return (secret if name == "key" else visible)(f"{name}: ")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_settings_path(args: argparse.Namespace) -> int:
    print(f"settings file: {settings_mod.user_file()}")
    print(f"outbox:        {settings_mod.home() / OUTBOX_FILE}")
    site = settings_mod.load().sources
    print(f"site config:   {next((s for s in site.values() if s.startswith('site config')), '-')}")
    return OK


# -- sandbox and build ----------------------------------------------------------------------------
def cmd_sandbox(args: argparse.Namespace) -> int:
    from .sandbox import Sandbox

    try:
        box = Sandbox(args.host, args.port, fault=args.fault, accept_id=args.accept_id,
                      accept_key=args.accept_key, log=lambda line: print(line, flush=True))
    except OSError as exc:
        raise ConfigurationError(f"Cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; "
                                 "choose another --port (0 picks a free one)") from exc
    box.start()
    print(f"RenderTally sandbox listening on {box.url} (fault: {args.fault}); Ctrl+C stops it", flush=True)
    box.serve_forever()
    return OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import run

    return run(as_json=args.json)


def cmd_test(args: argparse.Namespace) -> int:
    from .doctor import send_test

    return send_test(args.software, as_json=args.json)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
