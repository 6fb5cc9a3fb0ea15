"""core.deadline: one thread cuts attempts that outlive their deadline; ended ones cost nothing."""
from __future__ import annotations

import socket
import threading
import time

from rendertally.core import deadline
from rendertally.core.deadline import Watchdog


def test_a_read_that_outlives_its_deadline_is_cut() -> None:
    """A blocked read on a silent peer ends soon after the deadline, and the watchdog says it fired."""
    ours, peer = socket.socketpair()
    try:
        started = time.monotonic()
        with Watchdog(0.2) as watchdog:
            Watchdog.watch(ours)
            data = ours.recv(10)  # the peer never writes: only the cut ends this
        assert (data, watchdog.fired) == (b"", True)
        assert time.monotonic() - started < 10  # generous: only "it ended", not how fast
    finally:
        ours.close()
        peer.close()


def test_attempts_that_end_in_time_are_not_cut_and_share_one_thread() -> None:
    """A thousand attempts that end in time: none fired, none left armed, one watchdog thread."""
    watchdogs = []
    for _ in range(1000):
        with Watchdog(30) as watchdog:
            pass
        watchdogs.append(watchdog)

    assert not any(w.fired for w in watchdogs)
    assert deadline.pending() == 0
    assert len(deadline._deadlines._heap) <= 1  # ended entries are cleared off the top
    assert [t.name for t in threading.enumerate()].count("rendertally-deadlines") == 1


def test_an_earlier_deadline_armed_later_still_fires_first() -> None:
    """A short deadline armed after a long one wakes the thread: it is not held up by the long one."""
    long_one = Watchdog(60).__enter__()
    short_one = Watchdog(0.1)
    with short_one:
        waited = 0.0
        while not short_one.fired and waited < 10:
            time.sleep(0.02)
            waited += 0.02
    long_one.__exit__()

    assert short_one.fired and not long_one.fired
