"""The Key in the OS keyring, where one works — never blocking the caller.

``keyring`` is optional. Some backends (Secret Service over D-Bus with no session, a locked
macOS keychain prompting a render node nobody watches) can hang, so every call runs in a daemon
thread with a short timeout; one time-out or failure turns the keyring off for this process and
the caller falls back to the user's settings file.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Any, Callable

log = logging.getLogger(__name__)

SERVICE = "RenderTally"
ACCOUNT = "api-key"
TIMEOUT = 3.0

_broken = False
_cache: dict[str, str | None] = {}
_generation = 0  # changes whenever the Key this process knows may have changed


def generation() -> int:
    """A number that changes when the stored Key may have (settings.load's cache checks it)."""
    return _generation


def enabled() -> bool:
    """Whether the keyring may be used: not turned off, importable, a real backend, not broken."""
    if _broken or os.environ.get("RENDERTALLY_KEYRING", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    try:
        import keyring  # noqa: F401 (optional dependency)
        from keyring.backends import fail
    except Exception:  # noqa: BLE001 - any import problem means "no keyring"
        return False
    backend = _call(keyring.get_keyring)
    return backend is not None and not isinstance(backend, fail.Keyring)


def get_key() -> str | None:
    """The stored Key, or None (not stored, or the keyring is unusable)."""
    if ACCOUNT in _cache:
        return _cache[ACCOUNT]
    if not enabled():
        return None
    import keyring

    key = _call(lambda: keyring.get_password(SERVICE, ACCOUNT))
    if not _broken:
        _cache[ACCOUNT] = key
    return key


def set_key(key: str | None) -> bool:
    """Store (or with None, delete) the Key; True if the keyring now holds the truth."""
    if not enabled():
        return False
    import keyring

    if key is None:
        _call(lambda: _delete(keyring))
    else:
        _call(lambda: keyring.set_password(SERVICE, ACCOUNT, key))
    global _generation
    _generation += 1
    if _broken:
        return False
    _cache[ACCOUNT] = key
    return True


def reset() -> None:
    """Forget the cache and any failure (tests, and after the user fixed their keyring)."""
    global _broken, _generation
    _broken = False
    _generation += 1
    _cache.clear()


def _delete(keyring: Any) -> None:
    try:
        keyring.delete_password(SERVICE, ACCOUNT)
    except keyring.errors.PasswordDeleteError:
        pass


def _call(func: Callable[[], Any]) -> Any:
    global _broken
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = func()
        except Exception as exc:  # noqa: BLE001 - every backend error means "fall back"
            result["error"] = exc

    worker = threading.Thread(target=run, name="rendertally-keyring", daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    if worker.is_alive() or "error" in result:
        _broken = True
        reason = "timed out" if worker.is_alive() else type(result["error"]).__name__
        log.warning("The OS keyring is not usable (%s); the Key is kept in the settings file", reason)
        return None
    return result.get("value")
