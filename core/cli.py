"""The ``rendertally`` command. Exit codes are a contract other tools rely on.

0 delivered / done · 2 invalid input or configuration (nothing queued) · 3 rejected by the
server (kept) · 75 not delivered yet (kept; it goes out later) · 1 an unexpected error.
"""
from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
import time
from collections.abc import Sequence
from typing import Callable

from . import __version__
from . import settings as settings_mod
from .errors import RenderTallyError, ValidationError
from .job import JobStatus, JobType, RenderJob, Software
from .outbox import DELIVERED, OPEN, PENDING, REJECTED, Row
from .reporter import OUTBOX_FILE, Reporter
from .wire import Credentials, encode, mask

OK, FAILED, INVALID, REJECTED_EXIT, NOT_YET = 0, 1, 2, 3, 75
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
    parser = argparse.ArgumentParser(prog="rendertally", description="Report finished renders to the render service.")
    parser.add_argument("--version", action="version", version=f"RenderTally {__version__}")
    parser.add_argument("--debug", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_report, _add_outbox, _add_settings, _add_tools):
        add(sub)
    return parser


def _add_report(sub: argparse._SubParsersAction) -> None:
    rep = sub.add_parser("report", help="report one render job")
    rep.add_argument("--frames", type=int, required=True)
    rep.add_argument("--render-hours", required=True)
    rep.add_argument("--software", required=True, type=str.upper, choices=[s.value for s in Software])
    rep.add_argument("--software-version", required=True)
    rep.add_argument("--engine", required=True)
    rep.add_argument("--status", default="done", type=str.lower, choices=[s.name.lower() for s in JobStatus])
    rep.add_argument("--job-type", type=str.lower, choices=[t.name.lower() for t in JobType])
    rep.add_argument("--mission-id")
    rep.add_argument("--run-date", help="'YYYY-MM-DD HH:MM:SS' in UTC (default: now)")
    rep.add_argument("--wait", type=float, default=10.0, help="seconds to wait for delivery (0: only queue)")
    rep.set_defaults(func=cmd_report)


def _add_outbox(sub: argparse._SubParsersAction) -> None:
    box = sub.add_parser("outbox", help="what was reported and what is waiting").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    lst = box.add_parser("list", help="jobs not yet delivered (--all: with the history)")
    lst.add_argument("--all", action="store_true")
    lst.add_argument("--json", action="store_true")
    lst.add_argument("--limit", type=int, default=100)
    lst.set_defaults(func=cmd_outbox_list)
    show = box.add_parser("show", help="one job and the exact body that would be sent (Key masked)")
    show.add_argument("id", type=int)
    show.set_defaults(func=cmd_outbox_show)
    flush = box.add_parser("flush", help="send every pending job now")
    flush.add_argument("--wait", type=float, default=30.0)
    flush.set_defaults(func=cmd_outbox_flush)
    retry = box.add_parser("retry", help="send a rejected job again (after fixing what the server said)")
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("id", type=int, nargs="?")
    which.add_argument("--rejected", action="store_true", help="every rejected job")
    retry.add_argument("--wait", type=float, default=10.0)
    retry.set_defaults(func=cmd_outbox_retry)


def _add_settings(sub: argparse._SubParsersAction) -> None:
    cfg = sub.add_parser("settings", help="show or change the settings")
    cfg.add_argument("--gui", action="store_true", help="open the settings panel")
    cfg.add_argument("--screenshot", metavar="PATH", help="with --gui: render the panel to a PNG and exit")
    cfg.set_defaults(func=cmd_settings_gui)
    cfg_sub = cfg.add_subparsers(dest="action", metavar="ACTION")
    cfg_sub.add_parser("show", help="every value and where it came from").set_defaults(func=cmd_settings_show)
    st = cfg_sub.add_parser("set", help="change a value (no VALUE for the key: you are asked)")
    st.add_argument("name", choices=list(settings_mod.FIELDS))
    st.add_argument("value", nargs="?")
    st.set_defaults(func=cmd_settings_set)
    cfg_sub.add_parser("path", help="where settings and the outbox live").set_defaults(func=cmd_settings_path)


def _add_tools(sub: argparse._SubParsersAction) -> None:
    sbx = sub.add_parser("sandbox", help="run a local stand-in for the API")
    sbx.add_argument("--host", default="127.0.0.1")
    sbx.add_argument("--port", type=int, default=0)
    sbx.add_argument("--fault", default="none")
    sbx.add_argument("--accept-id")
    sbx.add_argument("--accept-key")
    sbx.set_defaults(func=cmd_sandbox)

    doc = sub.add_parser("doctor", help="check settings, outbox and the API connection")
    doc.set_defaults(func=cmd_doctor)

    # build / install / uninstall / status live with the installers (rendertally.installers.cli);
    # a host's bundle ships the core without them, and its CLI simply has no such commands.
    try:
        from rendertally.installers.cli import add_commands
    except ImportError:
        return
    add_commands(sub)


# -- report -------------------------------------------------------------------------------------
def cmd_report(args: argparse.Namespace) -> int:
    current = settings_mod.load()
    current.credentials()  # ConfigurationError → exit 2, nothing queued
    job = RenderJob(
        frames=args.frames, render_hours=args.render_hours, software=args.software,
        software_version=args.software_version, render_engine=args.engine, status=args.status,
        job_type=args.job_type or current.job_type, mission_id=args.mission_id or current.mission_id,
        email=current.email, **({"run_date": args.run_date} if args.run_date else {}),
    )
    with Reporter() as reporter:
        reason = reporter.transport.blocked_reason(current)
        if reason:
            print(f"error: {reason}", file=sys.stderr)
            return INVALID
        row_id = reporter.submit(job)
        if args.wait <= 0:
            print(f"Queued as job {row_id}; it will be sent in the background (rendertally outbox flush).")
            return NOT_YET
        reporter.start_sending()
        return _print_outcome(_wait_for(reporter, row_id, args.wait))


def _wait_for(reporter: Reporter, row_id: int, wait: float) -> Row:
    deadline = time.monotonic() + wait
    while True:
        reporter.flush(max(deadline - time.monotonic(), 0.0))
        row = reporter.outbox.get(row_id)
        assert row is not None
        if row.state != PENDING or row.attempts > 0 or time.monotonic() >= deadline:
            return row


def _print_outcome(row: Row) -> int:
    if row.state == DELIVERED:
        print(f"Delivered (job {row.id}): {row.code} {row.description}")
        return OK
    if row.state == REJECTED:
        print(f"Rejected (job {row.id}): {row.last_error}\nThe job is kept; fix the cause, then run "
              f"`rendertally outbox retry {row.id}`.", file=sys.stderr)
        return REJECTED_EXIT
    reason = row.last_error or "not sent within the wait"
    print(f"Not delivered yet (job {row.id}): {reason}\nThe job is kept in the outbox and will be sent "
          "later (or now: `rendertally outbox flush`).", file=sys.stderr)
    return NOT_YET


# -- outbox -------------------------------------------------------------------------------------
def cmd_outbox_list(args: argparse.Namespace) -> int:
    states = (OPEN, PENDING, REJECTED, DELIVERED) if args.all else (OPEN, PENDING, REJECTED)
    with Reporter() as reporter:
        rows = reporter.outbox.list(states, limit=args.limit)
    if args.json:
        print(json.dumps([row.to_dict() for row in rows], indent=2))
        return OK
    if not rows:
        print("No jobs." if args.all else "Nothing waiting: every job was delivered (--all shows them).")
        return OK
    print(f"{'ID':>5}  {'STATE':<9} {'RUN DATE (UTC)':<19}  {'SW':<3} {'ENGINE':<12} {'FRAMES':>6} "
          f"{'HOURS':>8}  {'STATUS':<7} {'TRIES':>5}  ANSWER")
    for row in rows:
        job = row.job
        answer = f"{row.code} {row.description}" if row.code else (row.last_error or "")
        if job is None:
            print(f"{row.id:>5}  {row.state:<9} {'(the stored record cannot be read)':<66} "
                  f"{row.attempts:>5}  {answer[:70]}")
            continue
        print(f"{row.id:>5}  {row.state:<9} {job.run_date:%Y-%m-%d %H:%M:%S}  {job.software.value:<3} "
              f"{job.render_engine[:12]:<12} {job.frames:>6} {job.render_hours:>8.3f}  "
              f"{job.status.name.lower():<7} {row.attempts:>5}  {answer[:70]}")
    return OK


def cmd_outbox_show(args: argparse.Namespace) -> int:
    with Reporter() as reporter:
        row = reporter.outbox.get(args.id)
    if row is None:
        print(f"error: no job {args.id} in the outbox (rendertally outbox list --all)", file=sys.stderr)
        return INVALID
    current = settings_mod.load()
    info = row.to_dict()
    info.pop("job")
    print(json.dumps(info, indent=2))
    if row.job is None:
        print("\nThe stored record of this job cannot be read, so there is no body to show.")
        return OK
    credentials = Credentials(current.id or "<Id not set>", current.key or "<Key not set>")
    body, content_type = encode(row.job, credentials, current.format, email=current.email)
    print(f"\nPOST {current.url.rstrip('/')}/api/v1/render/jobdata\nContent-Type: {content_type}\n")
    print(mask(body, current.key or "").decode("utf-8"))
    return OK


def cmd_outbox_flush(args: argparse.Namespace) -> int:
    with Reporter() as reporter:
        reason = reporter.transport.blocked_reason()
        if reason:
            print(f"error: {reason}", file=sys.stderr)
            return INVALID
        reporter.start_sending()
        reporter.flush(args.wait, force=True)
        counts = reporter.outbox.counts()
        print(f"delivered {counts[DELIVERED]}, pending {counts[PENDING]}, rejected {counts[REJECTED]}")
        if counts[PENDING]:
            print(f"Not everything went out: {reporter.sender.last_error or 'still sending'}", file=sys.stderr)
            return NOT_YET
    return OK


def cmd_outbox_retry(args: argparse.Namespace) -> int:
    with Reporter() as reporter:
        if args.rejected:
            print(f"{reporter.outbox.retry_rejected()} rejected job(s) queued again.")
        elif not reporter.outbox.retry(args.id):
            print(f"error: job {args.id} is not pending or rejected (rendertally outbox list)", file=sys.stderr)
            return INVALID
        if args.wait > 0 and not reporter.transport.blocked_reason():
            reporter.start_sending()
            reporter.flush(args.wait)
        row = reporter.outbox.get(args.id) if args.id is not None else None
    return _print_outcome(row) if row is not None else OK


# -- settings -----------------------------------------------------------------------------------
def cmd_settings_gui(args: argparse.Namespace) -> int:
    if not args.gui:
        return cmd_settings_show(args)
    try:
        from rendertally.ui import app
    except ImportError as exc:
        print(f"error: the settings panel needs Qt ({exc}); install it with "
              "`pip install 'rendertally[qt]'`", file=sys.stderr)
        return INVALID
    return int(app.main(screenshot=args.screenshot) or OK)


def cmd_settings_show(args: argparse.Namespace) -> int:
    current = settings_mod.load()
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
    try:
        settings_mod.save({args.name: value})
    except ValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return INVALID
    print(f"{args.name} saved to {settings_mod.user_file()}" if args.name != "key" else "key saved")
    return OK


def _ask(name: str, prompt: Callable[[str], str] = getpass.getpass) -> str:
    # Typing the Key on the command line would leave it in the shell history and `ps`.
    if sys.stdin.isatty():
        return prompt(f"{name}: ")
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

    box = Sandbox(args.host, args.port, fault=args.fault, accept_id=args.accept_id,
                  accept_key=args.accept_key, log=lambda line: print(line, flush=True))
    box.start()
    print(f"RenderTally sandbox listening on {box.url} (fault: {args.fault}); Ctrl+C stops it", flush=True)
    box.serve_forever()
    return OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import run

    return run()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
