"""Delivery for host adapters: the sender while the host runs, bounded waits where it may exit.

Every adapter needs the same four things; only *when* it calls them is host-specific:

- :func:`start`: begin background sending (idempotent);
- :func:`exit_wait`: how long a host may wait for delivery before it exits
  (``RENDERTALLY_EXIT_WAIT`` seconds, default 10, clamped to 0–600);
- :func:`close`: deliver what is due within a bounded wait, never joining a thread stuck in I/O;
  what is not delivered stays in the outbox and goes out from the next process;
- :func:`in_background` / :func:`send_now`: work that may wait on the network, off the host's
  thread (a host's UI never waits);
- :func:`at_exit`: a host's own exit step (close an open render), run before the reporter's
  exit flush whichever was registered first.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
from typing import TYPE_CHECKING, Any, Callable

from .guard import guarded

if TYPE_CHECKING:
    from .reporter import Reporter

log = logging.getLogger(__name__)

EXIT_WAIT_ENV = "RENDERTALLY_EXIT_WAIT"
DEFAULT_EXIT_WAIT = 10.0
MAX_EXIT_WAIT = 600.0
SEND_NOW_WAIT = 60.0

_exit_hooks: list[Callable[[], None]] = []
_exit_lock = threading.Lock()
_exit_registered = False


def _reporter(reporter: Reporter | None) -> Reporter:
    # Imported on first use: the reporter brings the outbox (sqlite3), the settings and the
    # sender, none of which a host's start-up should pay for before it renders or sends.
    from .reporter import get_reporter

    return reporter or get_reporter()


def start(reporter: Reporter | None = None) -> None:
    reporter = _reporter(reporter)
    if not reporter.sending:
        reporter.start_sending()


def exit_wait() -> float:
    """Seconds a host waits at exit (or after a batch render) for its reports to go out."""
    raw = os.environ.get(EXIT_WAIT_ENV, "").strip()
    if not raw:
        return DEFAULT_EXIT_WAIT
    try:
        value = float(raw)
    except ValueError:
        log.warning("RenderTally: %s=%r is not a number of seconds; using %s", EXIT_WAIT_ENV, raw, DEFAULT_EXIT_WAIT)
        return DEFAULT_EXIT_WAIT
    return min(max(value, 0.0), MAX_EXIT_WAIT)


def close(wait: float, *, stop: bool = True, reporter: Reporter | None = None) -> bool:
    """Deliver what is due within ``wait`` seconds; with ``stop``, stop sending afterwards.

    True if a whole pass ended in time. Nothing happens when sending was never started (a host
    that keeps reports local, e.g. Blender with online access off).
    """
    reporter = _reporter(reporter)
    if not reporter.sending:
        return False
    done = reporter.flush(wait)
    if stop:
        reporter.stop_sending()
    return done


def in_background(work: Callable[..., Any], *args: Any, name: str = "rendertally-work") -> threading.Thread:
    """Run ``work(*args)`` on a daemon thread, inside the host guard."""
    thread = threading.Thread(target=guarded(work), args=args, name=name, daemon=True)
    thread.start()
    return thread


def send_now(wait: float = SEND_NOW_WAIT, reporter: Reporter | None = None) -> threading.Thread:
    """Send every pending job now, on a background thread."""
    return in_background(_send_all, _reporter(reporter), wait, name="rendertally-send-now")


def _send_all(reporter: Reporter, wait: float) -> None:
    start(reporter)
    reporter.flush(wait, force=True)


def at_exit(hook: Callable[[], None]) -> None:
    """Run ``hook`` at interpreter exit, before the reporter's own bounded flush.

    A host adapter closes its open render here, so the job it records goes out in that flush.
    ``atexit`` runs last-registered first, and the reporter registers its flush when it is
    created, which may be after the host registered (Blender creates it at the first render):
    the reporter's exit handler therefore runs these hooks itself before flushing.
    """
    global _exit_registered
    with _exit_lock:
        if hook not in _exit_hooks:
            _exit_hooks.append(hook)
        if not _exit_registered:
            atexit.register(run_exit_hooks)
            _exit_registered = True


def remove_at_exit(hook: Callable[[], None]) -> None:
    with _exit_lock:
        if hook in _exit_hooks:
            _exit_hooks.remove(hook)


def run_exit_hooks() -> None:
    """Run (once) the hooks given to :func:`at_exit`, last added first, each inside the guard."""
    while True:
        with _exit_lock:
            if not _exit_hooks:
                return
            hook = _exit_hooks.pop()
        guarded(hook)()
