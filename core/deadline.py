"""Deadlines: one watchdog thread cuts every HTTP attempt that outlives its deadline.

requests' timeouts are per socket operation: a server (or proxy) that trickles its status line
and headers a byte at a time never trips them, and would hold the sender for ever. At the
deadline a :class:`Watchdog` shuts the attempt's socket down, which ends the blocked read.

A ``threading.Timer`` per attempt did the same, at the price of starting and ending a thread for
every job (about a fifth of the client's own cost per job). Here one daemon thread, started on
first use, waits for the earliest deadline of a heap; an attempt that ends in time only marks its
entry done (no wake-up: the thread's wait for the earliest deadline is still right, and the
next attempt clears ended entries off the top).
"""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time

_NAME = "rendertally-deadlines"


class Watchdog:
    """Armed for one attempt (``with Watchdog(seconds):``); ``fired`` tells whether it cut."""

    _current = threading.local()

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.sock: socket.socket | None = None
        self.fired = False
        self.done = False

    def __enter__(self) -> Watchdog:
        Watchdog._current.watchdog = self
        _deadlines.add(time.monotonic() + self.deadline, self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.done = True
        self.sock = None
        Watchdog._current.watchdog = None

    @classmethod
    def watch(cls, sock: socket.socket | None) -> None:
        """The connection the current thread's attempt is about to read from."""
        watchdog = getattr(cls._current, "watchdog", None)
        if watchdog is not None:
            watchdog.sock = sock

    def cut(self) -> None:
        if self.done:
            return
        self.fired = True
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Deadlines:
    """The heap of armed watchdogs and the one thread that fires them."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Watchdog]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, when: float, watchdog: Watchdog) -> None:
        with self._cond:
            # Attempts mostly end in the order they began: ended ones at the top go now, so the
            # heap holds about as many entries as attempts under way, not one per job sent.
            while self._heap and self._heap[0][2].done:
                heapq.heappop(self._heap)
            earliest = not self._heap or when < self._heap[0][0]
            heapq.heappush(self._heap, (when, next(self._order), watchdog))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=_NAME, daemon=True)
                self._thread.start()
            elif earliest:
                self._cond.notify()

    def pending(self) -> int:
        """Watchdogs armed and not yet ended (tests, benchmarks)."""
        with self._cond:
            return sum(1 for _, _, w in self._heap if not w.done)

    def _run(self) -> None:
        while True:
            with self._cond:
                due = self._next_due()
            if due is not None:
                due.cut()  # outside the lock: a shutdown() must not hold up add()

    def _next_due(self) -> Watchdog | None:
        # Called with the lock held: drop ended entries, wait for the earliest live deadline.
        while True:
            while self._heap and self._heap[0][2].done:
                heapq.heappop(self._heap)
            if not self._heap:
                self._cond.wait()
                continue
            left = self._heap[0][0] - time.monotonic()
            if left <= 0:
                return heapq.heappop(self._heap)[2]
            self._cond.wait(left)


_deadlines = _Deadlines()


def pending() -> int:
    return _deadlines.pending()
