"""Fixtures of the end-to-end fault suite: a healthy sandbox, scripted servers, child environments."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Callable

import pytest
from rendertally.core.sandbox import Sandbox

from ..conftest import SECRET_KEY
from ..servers import ScriptedServer
from .harness import child_env


@pytest.fixture
def sandbox_lines() -> list[str]:
    return []


@pytest.fixture
def healthy(sandbox_lines: list[str]) -> Iterator[Sandbox]:
    """The local stand-in for the API, answering normally; its log is checked for the Key."""
    with Sandbox(log=sandbox_lines.append) as box:
        yield box
    assert not any(SECRET_KEY in line for line in sandbox_lines)


@pytest.fixture
def home(isolated: Path) -> Path:
    """The RENDERTALLY_HOME every child process of the test shares (the autouse one)."""
    return isolated


@pytest.fixture
def env_for(home: Path) -> Callable[..., dict[str, str]]:
    """Factory: the environment of a child process pointed at ``url``."""
    return lambda url, **extra: child_env(home, url, **extra)


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedServer]]:
    """Factory: start a ScriptedServer (or subclass) answering with ``respond``; stopped at the end."""
    started: list[ScriptedServer] = []

    def start(respond, cls=ScriptedServer, **kwargs) -> ScriptedServer:
        server = cls(respond, **kwargs)
        server.__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)
