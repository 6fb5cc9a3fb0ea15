"""The one exception tree of RenderTally.

Every error the library raises derives from :class:`RenderTallyError`. ``retryable`` says whether
sending the same job again later may succeed without anyone changing anything. Foreign exceptions
(requests, sqlite3, OSError) are translated where they arise, with ``raise ... from exc``.
No message ever carries the Key.
"""
from __future__ import annotations


class RenderTallyError(Exception):
    """Root of every RenderTally error."""

    retryable = False


class ValidationError(RenderTallyError, ValueError):
    """A value given to us is invalid; ``field`` names it and the message says what to do."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ConfigurationError(RenderTallyError):
    """Settings are missing or wrong (no Id/Key, a bad URL); fix the settings, then retry."""


class OutboxError(RenderTallyError):
    """The on-disk outbox could not be read or written (disk full, read-only, locked)."""


class DeliveryError(RenderTallyError):
    """Sending a job did not end in a delivered record."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RetryableError(DeliveryError):
    """Not delivered, nothing wrong with the job: send it again later."""

    retryable = True

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class TransportError(RetryableError):
    """No answer: refused, timed out, reset, truncated, TLS failure."""


class ServerBusyError(RetryableError):
    """The server answered 408, 429 or 5xx."""


class UnexpectedAnswerError(RetryableError):
    """A 2xx that is not the API's answer (a proxy page, HTML, a Message string)."""


class RedirectError(DeliveryError):
    """The API URL answers with a redirect. We never follow it with the Key: fix the URL."""

    retryable = True

    def __init__(self, message: str, *, status: int | None = None, location: str = "") -> None:
        super().__init__(message, status=status)
        self.location = location


class RejectedError(DeliveryError):
    """The server said no. Kept with the server's words; only a person retries it."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(message, status=status)
        self.code = code
        self.description = description


class CredentialsRejectedError(RejectedError):
    """401/403: the Id or Key is wrong. Sending pauses until the credentials change."""
