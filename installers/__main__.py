"""``python -m rendertally.installers install maya``: the installer alone (stdlib; any Python 3.9+)."""
from __future__ import annotations

import sys

from .commands import main

sys.exit(main())
