"""Fake ``c4d.plugins``: registration of message and command plugins; FindPlugin for video posts."""
from __future__ import annotations

registered: dict[int, tuple[str, object]] = {}


class BaseData:
    pass


class MessageData(BaseData):
    def GetTimer(self):  # noqa: N802
        return 0

    def CoreMessage(self, id, bc):  # noqa: A002, N802
        return True


class CommandData(BaseData):
    def Execute(self, doc):  # noqa: N802
        return True


def _register(plugin_id, name, data, kind):
    if not isinstance(plugin_id, int) or plugin_id in registered:
        raise RuntimeError(f"plugin id {plugin_id!r} is invalid or taken")
    if not isinstance(data, kind):
        raise TypeError(f"{name}: the data must be a {kind.__name__} instance")
    registered[plugin_id] = (name, data)
    return True


def RegisterMessagePlugin(id, str, info, dat):  # noqa: A002, N802
    return _register(id, str, dat, MessageData)


def RegisterCommandPlugin(id, str, info, icon, help, dat):  # noqa: A002, N802
    return _register(id, str, dat, CommandData)


class _Plugin:
    def __init__(self, name):
        self._name = name

    def GetName(self):  # noqa: N802
        return self._name


video_posts: dict[int, str] = {}


def FindPlugin(id, type=0):  # noqa: A002, N802
    name = video_posts.get(id)
    return _Plugin(name) if name is not None else None


def _reset():
    registered.clear()
    video_posts.clear()


def __getattr__(name):
    raise AttributeError(f"module 'c4d.plugins' has no attribute {name!r}")
