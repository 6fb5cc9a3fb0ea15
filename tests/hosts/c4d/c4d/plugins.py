"""Fake ``c4d.plugins``: registration of message, command and video post plugins; FindPlugin.

RegisterVideoPostPlugin(id, str, info, g, description, disklevel, priority) takes the class ``g``
(C4D allocates one instance per video post node), as every NodeData registration does; Maxon's
C++ implementation refuses a plugin whose description resource does not load
(``if (description.IsPopulated() && !RegisterDescription(id, description)) return false``), and
so does this fake when it knows the plugin's folder (``_plugin_folder``: C4D knows which folder
each .pyp came from).
"""
from __future__ import annotations

import builtins
import os
import re

registered: dict[int, tuple[str, object]] = {}
_plugin_folder: list[str | None] = [None]


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


class NodeData(BaseData):
    pass


class VideoPostData(NodeData):
    def Execute(self, node, vps):  # noqa: N802
        import c4d

        return c4d.RENDERRESULT_OK


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


def RegisterVideoPostPlugin(id, str, info, g, description, disklevel, priority):  # noqa: A002, N802
    if not isinstance(g, type) or not issubclass(g, VideoPostData):
        raise TypeError(f"{str}: g must be a VideoPostData class (C4D allocates the instances)")
    if not all(isinstance(v, int) for v in (info, disklevel, priority)) or not isinstance(description, builtins.str):
        raise TypeError("RegisterVideoPostPlugin(int id, str str, int info, type g, str description, "
                        "int disklevel, int priority)")
    if description and _plugin_folder[0] is not None and not _description_loads(description):
        return False
    _register(id, str, g, type)
    video_posts[id] = str
    return True


def _description_loads(name):
    """res/description/<name>.res (CONTAINER <name>), its .h and a string table: what C4D loads."""
    res = os.path.join(_plugin_folder[0], "res")
    base = name.lower()
    paths = [os.path.join(res, "description", base + ext) for ext in (".res", ".h")]
    tables = [os.path.join(res, folder, "description", base + ".str") for folder in ("strings_us", "strings_en-US")]
    if not all(os.path.isfile(p) for p in paths) or not any(os.path.isfile(p) for p in tables):
        return False
    with open(paths[0], encoding="utf-8") as f:
        text = f.read()
    return re.search(r"CONTAINER\s+" + re.escape(name) + r"\b", text) is not None


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
    _plugin_folder[0] = None


def __getattr__(name):
    raise AttributeError(f"module 'c4d.plugins' has no attribute {name!r}")
