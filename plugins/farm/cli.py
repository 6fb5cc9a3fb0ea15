"""``rendertally farm …``: the farm managers' reporters as long-running services (or one pass).

- ``rendertally farm opencue --show S [--show T] [--interval 60] [--once]``: pycue finds Cuebot as
  on any studio machine (``CUEBOT_HOSTS`` or OpenCue's config file).
- ``rendertally farm deadline-cloud --farm-id F --queue-id Q [--interval 60] [--once]``: boto3
  finds credentials and region as the AWS CLI does.
- ``rendertally farm deadline-cloud --event FILE``: one EventBridge "Job Lifecycle Status Change"
  event (JSON), e.g. from a Lambda or an SQS consumer.

SIGINT/SIGTERM stop a service cleanly: the poll in progress ends, queued reports get a bounded
flush, and whatever is not delivered stays in the outbox for the next run.
"""
from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
from pathlib import Path
from typing import Any, Callable

from rendertally.core.errors import ConfigurationError
from rendertally.core.reporter import get_reporter

OK, INVALID = 0, 2
log = logging.getLogger(__name__)


def add_commands(sub: argparse._SubParsersAction) -> None:
    farm = sub.add_parser("farm", help="report farm jobs from a farm manager (one report per farm job)")
    which = farm.add_subparsers(dest="manager", required=True, metavar="MANAGER")
    cue = which.add_parser("opencue", help="poll OpenCue's Cuebot for finished jobs")
    cue.add_argument("--show", action="append", required=True, help="a show to watch (repeatable)")
    _service_options(cue)
    cue.set_defaults(func=cmd_opencue)
    dc = which.add_parser("deadline-cloud", help="poll an AWS Deadline Cloud queue, or take one event")
    dc.add_argument("--farm-id")
    dc.add_argument("--queue-id")
    dc.add_argument("--event", help="a JSON file holding one EventBridge job status event")
    dc.add_argument("--region", help="AWS region (default: as the AWS CLI finds it)")
    _service_options(dc)
    dc.set_defaults(func=cmd_deadline_cloud)


def _service_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between polls (default 60)")
    parser.add_argument("--once", action="store_true", help="one poll, deliver, exit")
    parser.add_argument("--wait", type=float, default=30.0, help="seconds to deliver at exit (default 30)")


def cmd_opencue(args: argparse.Namespace) -> int:
    from .opencue import OpenCuePoller, OpenCueSource

    source = _imported(OpenCueSource, "opencue")
    return _serve(OpenCuePoller(args.show, source=source, interval=args.interval), args)


def cmd_deadline_cloud(args: argparse.Namespace) -> int:
    from .deadline_cloud import DeadlineCloudPoller, DeadlineCloudSource, job_from_event
    from .reporter import FarmReporter

    if not args.event and not (args.farm_id and args.queue_id):
        raise ConfigurationError("give --farm-id and --queue-id (or --event FILE)")
    source = _imported(lambda: DeadlineCloudSource(_boto3_client(args.region)), "boto3")
    if args.event:
        try:
            event = json.loads(Path(args.event).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"Cannot read the event {args.event}: {exc}") from exc
        facts = source.describe(*job_from_event(event))
        rows = FarmReporter().report_all([facts] if facts is not None else [])
        print(f"{len(rows)} farm job(s) queued")
        return _deliver(args.wait)
    poller = DeadlineCloudPoller(args.farm_id, args.queue_id, source=source, interval=args.interval)
    return _serve(poller, args)


def _boto3_client(region: str | None) -> Any:
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        return boto3.client("deadline", **({"region_name": region} if region else {}))
    except BotoCoreError as exc:  # no region, no credentials file: a set-up problem, said plainly
        raise ConfigurationError(f"AWS: {exc} (set AWS_REGION or --region; credentials as for the AWS CLI)") from exc


def _imported(factory: Callable[[], Any], package: str) -> Any:
    try:
        return factory()
    except ImportError as exc:
        raise ConfigurationError(f"{package} is not installed: pip install 'rendertally[farm]'") from exc


def _serve(poller: Any, args: argparse.Namespace) -> int:
    reporter = get_reporter()
    reporter.start_sending()
    if args.once:
        rows = poller.poll_once()
        print(f"{len(rows)} farm job(s) queued")
        return _deliver(args.wait)
    stop = lambda *_: poller.stop()  # noqa: E731
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    print(f"RenderTally farm reporter running (every {args.interval:g} s); Ctrl+C or SIGTERM stops it", flush=True)
    poller.run()
    return _deliver(args.wait)


def _deliver(wait: float) -> int:
    reporter = get_reporter()
    reporter.start_sending()
    reporter.flush(wait, force=True)
    counts = reporter.outbox.counts()
    print(f"pending {counts['pending']}, delivered {counts['delivered']}, rejected {counts['rejected']}")
    return OK if not counts["pending"] else 75
