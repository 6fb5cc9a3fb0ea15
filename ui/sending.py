"""What the panel's buttons send, as plain functions that run on a background thread.

No Qt here: each function returns ``(ok, message)`` for a person to read, and never raises for
an outcome that a person should see. Messages come from core's errors, which never carry the
Key; the panel still scrubs every message it shows (see ``panel.redact``).
"""
from __future__ import annotations

from rendertally.core import settings as settings_mod
from rendertally.core.errors import RejectedError, RenderTallyError
from rendertally.core.job import JobStatus, JobType, RenderJob
from rendertally.core.reporter import Reporter
from rendertally.core.settings import Settings
from rendertally.core.transport import Transport

Outcome = tuple[bool, str]

TEST_ENGINE = "RenderTally test report"
# The version a test report names when the panel runs outside a host (the standalone window).
STANDALONE_VERSION = "standalone"


def build_test_job(current: Settings, software: str = "BLD", software_version: str = "") -> RenderJob:
    """A clearly labelled Test job: JobType 3, zero frames, zero hours, Done."""
    return RenderJob(
        frames=0,
        render_hours=0,
        software=software,
        software_version=software_version or STANDALONE_VERSION,
        render_engine=TEST_ENGINE,
        status=JobStatus.DONE,
        job_type=JobType.TEST,
        mission_id=current.mission_id,
        email=current.email,
    )


def send_test_report(software: str = "BLD", software_version: str = "") -> Outcome:
    """Post one Test job straight to the API with the saved settings.

    It goes through :class:`Transport`, not the outbox, so a test report never lands in the
    person's history and is never retried behind their back.
    """
    current = settings_mod.load()
    # The job and the request use one snapshot of the settings, not two reads of the file.
    transport = Transport(lambda: current)
    try:
        answer = transport.send(build_test_job(current, software, software_version))
    except RejectedError as exc:
        return False, rejection_text(exc)
    except RenderTallyError as exc:
        return False, f"Test report not delivered: {exc}"
    finally:
        transport.close()
    return True, f"Test report delivered. The server answered Code {answer.code}: {answer.description}"


def rejection_text(exc: RejectedError) -> str:
    """The server's Code and Description when it gave them, else what core made of its answer."""
    if exc.code is not None:
        return f"The server rejected the test report: Code {exc.code}: {exc.description or '(no description)'}"
    text = f"The server rejected the test report: {exc}"
    if exc.description and exc.description not in text:
        text += f" ({exc.description})"
    return text


def send_pending(reporter: Reporter, timeout: float) -> Outcome:
    """Send every pending job now through the reporter's own sender, waiting at most ``timeout``."""
    try:
        before = reporter.outbox.counts()
        reporter.start_sending()
        finished = reporter.flush(timeout, force=True)
        after = reporter.outbox.counts()
    except RenderTallyError as exc:
        return False, f"Could not send: {exc}"
    if not finished:
        return False, (f"Still sending after {timeout:g} s; the jobs stay queued and go out "
                       "in the background.")
    rejected = after["rejected"] - before["rejected"]
    if after["pending"]:
        reason = reporter.sender.last_error or "the server did not take them yet"
        return False, f"{after['pending']} job(s) still waiting: {reason}"
    if rejected > 0:
        return False, f"{rejected} job(s) rejected by the server; select one to see its answer."
    return True, "Every pending job was delivered."
