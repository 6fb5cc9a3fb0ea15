"""Where the API is: the job-data URL under a base URL, and which hosts count as loopback.

Kept apart from :mod:`.client` so that settings can be validated without importing
``requests`` (about a tenth of a second of a host's start-up).
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .errors import ConfigurationError

ENDPOINT = "api/v1/render/jobdata"


def endpoint_url(base_url: str) -> str:
    """The job-data URL under ``base_url``; plain http is refused except on loopback."""
    base = (base_url or "").strip()
    try:
        parts = urlsplit(base)
        parts.port  # noqa: B018 - raises ValueError for a port that cannot be
    except ValueError as exc:
        raise ConfigurationError(f"The API URL {base!r} is malformed ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"The API URL {base!r} is not an http(s) URL like https://api.example.com")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigurationError(
            f"The API URL {base!r} uses plain http; the Key must travel over https "
            "(http is allowed only for 127.0.0.1, ::1 and localhost)"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigurationError(f"The API URL {base!r} must not carry a user, query or fragment")
    return base.rstrip("/") + "/" + ENDPOINT


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
