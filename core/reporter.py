"""The reporter: what a host adapter holds — one outbox, one sender, sessions, flush.

One reporter per process (:func:`get_reporter`). Creating it costs one SQLite open; the sender
thread starts only when asked (Blender with online access off never starts it).
"""
from __future__ import annotations

import atexit
import logging
import threading
from pathlib import Path
from typing import Any

from . import farmtask
from . import settings as settings_mod
from .job import RenderJob, Software
from .outbox import Outbox
from .sender import DEFAULT_BACKOFF, Backoff, Sender
from .session import RenderSession
from .transport import Transport

log = logging.getLogger(__name__)

OUTBOX_FILE = "outbox.sqlite3"
EXIT_FLUSH_SECONDS = 5.0


class Reporter:
    """Outbox + sender + session factory for one process."""

    def __init__(self, home: Path | None = None, *, transport: Transport | None = None,
                 backoff: Backoff = DEFAULT_BACKOFF) -> None:
        self.home = Path(home) if home is not None else settings_mod.home()
        self.outbox = Outbox(self.home / OUTBOX_FILE)
        self.transport = transport or Transport()
        self.sender = Sender(self.outbox, self.transport, backoff=backoff)
        self.outbox.on_submit(self.sender.wake)
        self.sending = False
        # A host may start sending from a background thread (Blender's register) while its main
        # thread starts or stops it too: one at a time.
        self._control = threading.Lock()

    def start_sending(self) -> None:
        """Report renders that a dead process left open, then start the background sender."""
        with self._control:
            self.outbox.recover_orphans()
            self.sender.start()
            self.sending = True

    def session(self, software: Software | str, software_version: str) -> RenderSession:
        """A host's session; inside a farm task whose farm reports the job, one that records nothing."""
        farm = farmtask.reported_by_farm(settings_mod.load(with_key=False).farm_reporting)
        return RenderSession(self.outbox, software=software, software_version=software_version,
                             reported_by=farm)

    def job_defaults(self) -> dict[str, Any]:
        """Job type, mission id and e-mail from the settings, for :meth:`RenderSession.start`."""
        current = settings_mod.load(with_key=False)  # runs on the host's render path
        return {"job_type": current.job_type, "mission_id": current.mission_id, "email": current.email}

    def paused_reason(self) -> str | None:
        """Why sending is paused (the server refused the Id/Key), or None."""
        if not self.sender.pause.path.exists():
            return None  # the usual case, answered without reading the settings (or a keyring)
        return self.sender.pause.reason(self.transport.settings())

    def retry_rejected(self) -> int:
        """Queue every rejected job again and lift a pause: a person says the cause is fixed."""
        self.sender.pause.clear()
        return self.outbox.retry_rejected()

    def submit(self, job: RenderJob) -> int:
        return self.outbox.submit(job)

    def flush(self, timeout: float, *, force: bool = False) -> bool:
        """Deliver what is due within ``timeout`` seconds; only if sending is on."""
        if not self.sending:
            return False
        return self.sender.flush(timeout, force=force)

    def stop_sending(self) -> None:
        """Stop the sender without waiting; a request in flight is left to its daemon thread."""
        with self._control:
            if self.sending:
                self.sender.stop(0)
                self.sending = False

    def close(self, timeout: float = EXIT_FLUSH_SECONDS) -> None:
        """Bounded flush, then stop the sender without joining a thread stuck in I/O."""
        if self.sending:
            self.sender.flush(timeout)
            self.stop_sending()

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        # Commands have waited as long as they were asked to already: stop, do not wait again.
        # The outbox stays open: a request still in flight records its outcome when it ends.
        self.stop_sending()


_lock = threading.Lock()
_reporter: Reporter | None = None


def get_reporter() -> Reporter:
    """The process's reporter, created on first use."""
    global _reporter
    with _lock:
        if _reporter is None:
            _reporter = Reporter()
            # A bounded courtesy flush; durability never depends on it (jobs are on disk already).
            atexit.register(_close_at_exit)
        return _reporter


def reset_reporter() -> None:
    """Forget the process's reporter (tests; settings home changed)."""
    global _reporter
    with _lock:
        if _reporter is not None:
            _reporter.close(timeout=0)
            _reporter.outbox.close()
        _reporter = None


def _close_at_exit() -> None:
    from . import delivery

    delivery.run_exit_hooks()  # hosts close their open renders first: one flush sends those too
    try:
        if _reporter is not None:
            _reporter.close()
    except Exception:  # noqa: BLE001 - never raise during interpreter shutdown
        log.exception("RenderTally: closing at exit failed")
