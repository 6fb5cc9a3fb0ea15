"""``rendertally doctor``: what is configured and from where, the outbox, and the API's reach."""
from __future__ import annotations

import socket
import ssl
from typing import Callable
from urllib.parse import urlsplit

from . import settings as settings_mod
from .client import Client
from .errors import RenderTallyError
from .outbox import Outbox
from .reporter import OUTBOX_FILE


def run(out: Callable[[str], None] = print) -> int:
    """Print the checks; 0 when everything needed to deliver works, else 75 (kept, not sent)."""
    current = settings_mod.load()
    good = True
    out("Settings")
    for name in settings_mod.FIELDS:
        out(f"  {name:<11} {current.display(name):<36} {current.sources[name]}")
    for problem in current.problems:
        out(f"  ! {problem}")
    try:
        current.credentials()
    except RenderTallyError as exc:
        out(f"  ! {exc}")
        good = False

    out("Outbox")
    try:
        box = Outbox(settings_mod.home() / OUTBOX_FILE)
        counts = box.counts()
        box.close()
        out(f"  {settings_mod.home() / OUTBOX_FILE}")
        out("  " + ", ".join(f"{state} {n}" for state, n in counts.items()))
        if counts["rejected"]:
            out("  ! rejected jobs wait for you: rendertally outbox list; then outbox retry --rejected")
    except RenderTallyError as exc:
        out(f"  ! {exc}")
        good = False

    out("API")
    good = _reach(current, out) and good
    out("All good." if good else "Something needs attention (see the lines marked !).")
    return 0 if good else 75


def _reach(current: settings_mod.Settings, out: Callable[[str], None]) -> bool:
    parts = urlsplit(current.url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
        out(f"  DNS   {host} -> {', '.join(sorted(addresses))}")
    except OSError as exc:
        out(f"  ! DNS   {host}: {exc}")
        return False
    if parts.scheme == "https" and not current.proxy:
        try:
            context = ssl.create_default_context(cafile=current.ca_bundle)
            with socket.create_connection((host, port), timeout=5) as raw:
                with context.wrap_socket(raw, server_hostname=host) as tls:
                    out(f"  TLS   {tls.version()} certificate verified")
        except (OSError, ssl.SSLError) as exc:
            out(f"  ! TLS   {exc}")
            return False
    try:
        client = Client(current.url, proxy=current.proxy, ca_bundle=current.ca_bundle)
        status = client.probe()
        client.close()
    except RenderTallyError as exc:
        out(f"  ! HTTP  {exc}")
        return False
    out(f"  HTTP  {client.url} answered {status} to a GET (no job was posted)")
    return status < 500
