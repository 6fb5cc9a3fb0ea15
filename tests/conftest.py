"""Shared fixtures: every test gets its own settings home, outbox and RENDERTALLY_* environment."""
from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from rendertally.core import guard, keystore, reporter
from rendertally.core.job import RenderJob

# Every test of the run is scanned for the Key: log records, captured output, files it wrote.
pytest_plugins = ["tests.faults.keyscan"]

SECRET_KEY = "K3y-d0-not-leak-7f1c9e"  # distinctive, so a scan for it cannot match by accident
TEST_ID = "170200123"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Isolate settings, outbox, keyring and RENDERTALLY_* environment; fail on swallowed errors."""
    for name in list(os.environ):
        if name.startswith("RENDERTALLY_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    monkeypatch.setenv("RENDERTALLY_HOME", str(home))
    monkeypatch.setenv("RENDERTALLY_KEYRING", "0")
    keystore.reset()
    reporter.reset_reporter()
    yield home
    reporter.reset_reporter()
    keystore.reset()
    # The CLI's main() configures logging for its process; undo that for the next test.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("rendertally"):
            logging.getLogger(name).setLevel(logging.NOTSET)


class Swallowed(list):
    """Errors the host guard kept from the host during one test."""

    expected = False


@pytest.fixture(autouse=True)
def swallowed_errors() -> Iterator[Swallowed]:
    """Turn errors swallowed by the host guard back into test failures."""
    caught = Swallowed()
    remove = guard.on_swallowed(caught.append)
    yield caught
    remove()
    if caught and not caught.expected:
        raise AssertionError(f"the host guard swallowed errors: {caught!r}") from caught[0]


@pytest.fixture
def expect_swallowed(swallowed_errors: Swallowed) -> Swallowed:
    """For tests of the guard itself: swallowed errors are expected and inspected by the test."""
    swallowed_errors.expected = True
    return swallowed_errors


@pytest.fixture
def make_job() -> Callable[..., RenderJob]:
    """Factory for valid jobs; keyword arguments override fields."""

    def make(**overrides: Any) -> RenderJob:
        values: dict[str, Any] = {
            "frames": 12,
            "render_hours": 0.25,
            "software": "BLD",
            "software_version": "5.0.1",
            "render_engine": "Cycles",
            "run_date": dt.datetime(2025, 12, 4, 6, 57, 36, tzinfo=dt.timezone.utc),
            "email": "larry@newmedia.com",
            "mission_id": "1234",
        }
        values.update(overrides)
        return RenderJob(**values)

    return make


@pytest.fixture
def credentials_env(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Point RenderTally at ``url`` with the test Id and Key (through the environment)."""

    def configure(url: str) -> None:
        monkeypatch.setenv("RENDERTALLY_URL", url)
        monkeypatch.setenv("RENDERTALLY_ID", TEST_ID)
        monkeypatch.setenv("RENDERTALLY_KEY", SECRET_KEY)

    return configure
