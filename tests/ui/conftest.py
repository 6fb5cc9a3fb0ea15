"""Qt tests run on the offscreen platform: no display needed, nothing pops up."""
from __future__ import annotations

import os

# Read once, when pytest-qt creates the QApplication; so it must be set before any test runs.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
