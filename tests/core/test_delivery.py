"""core.delivery: a host's exit step runs before the reporter's exit flush, whatever the order."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rendertally.core import delivery

SCRIPT = textwrap.dedent("""
    import sys
    from rendertally.core import delivery, reporter

    def hook():
        print("host closes its render", flush=True)

    def make_reporter():
        r = reporter.get_reporter()
        r.close = lambda timeout=0: print("reporter flushes", flush=True)

    steps = {"hook": lambda: delivery.at_exit(hook), "reporter": make_reporter}
    for name in sys.argv[1:]:
        steps[name]()
""")


@pytest.mark.parametrize("order", [["hook", "reporter"], ["reporter", "hook"]])
def test_the_host_exit_step_runs_before_the_reporters_flush(order: list[str], isolated: Path) -> None:
    """Registered before or after the reporter exists, the host's exit step runs first, and once."""
    env = dict(os.environ, RENDERTALLY_HOME=str(isolated))
    done = subprocess.run([sys.executable, "-c", SCRIPT, *order], env=env, capture_output=True, text=True,
                          timeout=60, check=False)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["host closes its render", "reporter flushes"]


def test_a_removed_exit_step_does_not_run() -> None:
    """A hook removed again (an add-on unregistered) is not run at exit."""
    ran: list[str] = []
    delivery.at_exit(lambda: ran.append("first"))
    second = lambda: ran.append("second")  # noqa: E731
    delivery.at_exit(second)
    delivery.remove_at_exit(second)

    delivery.run_exit_hooks()
    delivery.run_exit_hooks()

    assert ran == ["first"]


def test_a_failing_exit_step_is_swallowed_and_the_others_still_run(expect_swallowed) -> None:
    """An exit step that raises is logged and swallowed; the next one still runs."""
    ran: list[str] = []
    delivery.at_exit(lambda: ran.append("ran"))
    delivery.at_exit(lambda: 1 / 0)

    delivery.run_exit_hooks()

    assert ran == ["ran"]
    assert [type(exc) for exc in expect_swallowed] == [ZeroDivisionError]
