"""RenderTally core: host-free model, wire format, client, outbox, sender, settings and CLI."""
from __future__ import annotations

import logging

__version__ = "0.1.0"

# The host owns logging configuration; the library only ever adds a NullHandler.
logging.getLogger("rendertally").addHandler(logging.NullHandler())
