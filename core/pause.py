"""The pause: after the server refused the Id/Key (401/403), no process sends with them again.

Kept on disk beside the outbox (``paused.json``) so that every process — a host's sender, the
CLI, the panel — sees it and can say so, until the Id or Key changes or a person asks for a
retry (``rendertally outbox retry --rejected``). The file never holds the Key: it holds a salted,
deliberately slow hash of Id, Key and URL, enough to tell "still the refused ones".
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import threading
from pathlib import Path

from .errors import ConfigurationError
from .settings import Settings, write_private

log = logging.getLogger(__name__)

FILE_NAME = "paused.json"
_ITERATIONS = 100_000  # pbkdf2: a short Key must not be recoverable from the file
_cache: dict[tuple[str, str], str] = {}
_cache_lock = threading.Lock()


def _digest(current: Settings, salt: str) -> str:
    material = f"{current.id}\0{current.key}\0{current.url}"
    token = (hashlib.sha256(material.encode()).hexdigest(), salt)  # memory only
    with _cache_lock:
        if token not in _cache:
            _cache[token] = hashlib.pbkdf2_hmac("sha256", material.encode(), salt.encode(), _ITERATIONS).hex()
        return _cache[token]


class Pause:
    """The pause file of one RenderTally home."""

    def __init__(self, home: Path) -> None:
        self.path = Path(home) / FILE_NAME

    def set(self, current: Settings, reason: str) -> None:
        """Pause sending with these credentials (the server refused them)."""
        salt = os.urandom(16).hex()
        data = {"since": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "reason": reason, "salt": salt, "credentials": _digest(current, salt)}
        try:
            write_private(self.path, json.dumps(data, indent=2) + "\n")
        except ConfigurationError as exc:
            log.warning("Could not record the pause in %s: %s", self.path, exc)

    def clear(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("Could not remove %s: %s", self.path, exc)

    def reason(self, current: Settings) -> str | None:
        """What to tell people while these credentials are paused; None when sending may go on."""
        data = self._read()
        if data is None:
            return None
        if _digest(current, str(data.get("salt", ""))) != data.get("credentials"):
            self.clear()  # the Id, Key or URL changed since: try them
            return None
        return (f"Sending is paused: the server refused the Id/Key on {data.get('since', '?')}; fix them, "
                "then `rendertally outbox retry --rejected`")

    def _read(self) -> dict | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("The pause file %s cannot be read (%s); sending goes on", self.path, exc)
            return None
        return data if isinstance(data, dict) else None
