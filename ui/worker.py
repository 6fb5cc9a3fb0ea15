"""Background calls: the work runs on a daemon thread, the answer arrives on the UI thread.

Why a plain daemon thread and not a QThread or QThreadPool: a network call may hang for as long
as the server likes. A QThread destroyed while still running aborts the whole process (inside
Maya, that is Maya), and QCoreApplication's destructor waits for the global QThreadPool. A daemon
thread can simply be abandoned, so closing the panel or the host never waits for a stuck request.
The thread touches no widget: it only emits a signal, which Qt queues to the UI thread.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from .qt import QObject, QTimer, Signal
from .sending import Outcome

log = logging.getLogger(__name__)


class BackgroundCall(QObject):
    """Runs one piece of work at a time and reports ``finished(ok, message)`` exactly once.

    If the work does not answer within ``timeout`` seconds, ``finished`` reports
    ``timeout_message`` and the call stops waiting; the late answer, if any, is ignored.
    """

    finished = Signal(bool, str)
    # Emitted from the worker thread; the connection is queued to this object's (the UI) thread.
    _answered = Signal(int, bool, str)

    def __init__(self, name: str, timeout: float, timeout_message: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.timeout = timeout
        self.timeout_message = timeout_message
        self._token = 0
        self._running = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self._answered.connect(self._on_answer)

    @property
    def running(self) -> bool:
        return self._running

    def start(self, work: Callable[[], Outcome]) -> bool:
        """Start ``work`` on a new daemon thread; False (and nothing started) if one is running."""
        if self._running:
            return False
        self._token += 1
        self._running = True
        self._timer.start(max(int(self.timeout * 1000), 1))
        thread = threading.Thread(target=self._run, args=(self._token, work),
                                  name=f"rendertally-ui-{self.name}", daemon=True)
        thread.start()
        return True

    def _run(self, token: int, work: Callable[[], Outcome]) -> None:
        try:
            ok, message = work()
        except Exception as exc:  # noqa: BLE001 - a person must see it; the thread must end cleanly
            log.exception("RenderTally: %s failed", self.name)
            ok, message = False, f"{self.name} failed unexpectedly ({type(exc).__name__})"
        try:
            self._answered.emit(token, ok, message)
        except RuntimeError:
            pass  # the panel was closed and deleted meanwhile: nobody waits for this answer

    def _on_answer(self, token: int, ok: bool, message: str) -> None:
        if self._running and token == self._token:
            self._finish(ok, message)

    def _on_timeout(self) -> None:
        if self._running:
            self._finish(False, self.timeout_message.format(seconds=self.timeout))

    def _finish(self, ok: bool, message: str) -> None:
        self._running = False
        self._timer.stop()
        self.finished.emit(ok, message)
