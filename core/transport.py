"""Transport: one job → one HTTP attempt, with the settings in force at that moment.

It joins settings (URL, format, proxy, CA bundle, credentials), the wire form and the client.
The client is rebuilt only when a connection setting changes, so connections are reused.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable

from . import settings as settings_mod
from .errors import ConfigurationError, DeliveryError
from .job import RenderJob
from .settings import Settings
from .wire import Answer, encode, mask_text

if TYPE_CHECKING:
    from .client import Client


class Transport:
    """Sends jobs with whatever settings ``load_settings`` returns at the time of sending."""

    def __init__(self, load_settings: Callable[[], Settings] = settings_mod.load, **client_options: float) -> None:
        self._load = load_settings
        self._client_options = client_options
        self._client: Client | None = None
        self._client_key: tuple | None = None
        self._lock = threading.Lock()

    def settings(self) -> Settings:
        return self._load()

    def blocked_reason(self, current: Settings | None = None) -> str | None:
        """Why nothing can be sent now (missing Id/Key, bad URL), or None."""
        current = current or self._load()
        try:
            current.credentials()
            self._client_for(current)
        except ConfigurationError as exc:
            return str(exc)
        return None

    def send(self, job: RenderJob) -> Answer:
        """One attempt. Returns the "00" answer or raises a :class:`DeliveryError`."""
        current = self._load()
        credentials = current.credentials()
        body, content_type = encode(job, credentials, current.format, email=current.email)
        try:
            return self._client_for(current).post(body, content_type)
        except DeliveryError as exc:
            # A ModelState error may quote the Key back; it must not reach logs or the outbox.
            exc.args = tuple(mask_text(a, credentials.key) if isinstance(a, str) else a for a in exc.args)
            for name in ("description", "location"):
                if isinstance(getattr(exc, name, None), str):
                    setattr(exc, name, mask_text(getattr(exc, name), credentials.key))
            raise

    def _client_for(self, current: Settings) -> Client:
        # Imported here: requests costs a host ~0.1 s of start-up, and is needed only to send.
        from .client import Client

        key = (current.url, current.proxy, current.ca_bundle)
        with self._lock:
            if self._client is None or key != self._client_key:
                if self._client is not None:
                    self._client.close()
                self._client = Client(current.url, proxy=current.proxy, ca_bundle=current.ca_bundle,
                                      **self._client_options)
                self._client_key = key
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
