"""Qt tests run on the offscreen platform: no display needed, nothing pops up."""
from __future__ import annotations

import os
from collections.abc import Iterator

# Read once, when pytest-qt creates the QApplication; so it must be set before any test runs.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from rendertally.core.sandbox import Sandbox  # noqa: E402


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A running local API; tests switch its fault with ``set_fault``."""
    with Sandbox(fault="none") as box:
        yield box

