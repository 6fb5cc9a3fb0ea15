"""Fake ``maya.cmds``: only the commands RenderTally calls, with their real long flag names.

Each command takes keyword-only flags and no ``**kwargs``, so a flag Maya does not have (or one
we do not use) is a ``TypeError``, as in Maya. Any other command is an ``AttributeError``.
Flag sets from the Maya 2025 Python command reference (one page per command):
https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/index_all.html
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from . import _scene
from .api import OpenMaya as _om

_S = _scene.scene
SM = _om.MSceneMessage
RENDERERS = {  # renderer id -> UI name, for `renderer -q -rendererUIName`
    "mayaSoftware": "Maya Software", "mayaHardware2": "Maya Hardware 2.0", "arnold": "Arnold Renderer",
    "vray": "V-Ray", "redshift": "Redshift", "renderman": "RenderMan", "cycles4maya": "Cycles for Maya",
}
ABOUT = {"version": "2025", "apiVersion": 20250300, "batch": True}
_ui: dict[str, dict[str, Any]] = {}  # menus and menu items
_plugins: dict[str, dict[str, Any]] = {}  # loaded plug-ins: name -> {"path", "module"}
_ui_counter = [0]


# -- attributes ------------------------------------------------------------------------------
def getAttr(attribute: str, *, asString: bool = False) -> Any:  # noqa: N802, N803
    attrs, name = _S.plug(attribute)
    return attrs[name]


def setAttr(attribute: str, *values: Any, type: str | None = None) -> None:  # noqa: A002, N802
    attrs, name = _S.plug(attribute)
    if len(values) != 1:
        raise RuntimeError(f"setAttr: wrong number of values for {attribute}")
    value = values[0]
    if isinstance(attrs[name], str):
        if type != "string" or not isinstance(value, str):
            raise RuntimeError(f"setAttr: {attribute} is a string attribute: use type='string'")
    elif type is not None:
        raise RuntimeError(f"setAttr: {attribute} is not a {type}")
    attrs[name] = value


def objExists(name: str) -> bool:  # noqa: N802
    return name.partition(".")[0] in _S.nodes and ("." not in name or name.partition(".")[2] in
                                                   _S.nodes[name.partition(".")[0]]["attrs"])


def ls(*names: str, type: str | list[str] | None = None) -> list[str]:  # noqa: A002
    wanted = [type] if isinstance(type, str) else type
    found = [n for n, node in sorted(_S.nodes.items()) if wanted is None or node["type"] in wanted]
    return [n for n in found if not names or n in names]


def fileInfo(*args: str, query: bool = False, remove: str | None = None) -> Any:  # noqa: N802
    """``fileInfo(key, value)``; ``fileInfo(query=True)`` → [k, v, k, v...]; ``fileInfo(key, query=True)`` → [v];
    ``fileInfo(remove=key)``."""
    if remove is not None:
        _S.file_info.pop(remove, None)
        return None
    if query:
        if args:
            return [_S.file_info[args[0]]] if args[0] in _S.file_info else []
        return [item for key in _S.file_info for item in (key, _S.file_info[key])]
    if len(args) != 2:
        raise RuntimeError("fileInfo: give a keyword and a value")
    _S.file_info[str(args[0])] = str(args[1])
    return None


# -- facts -----------------------------------------------------------------------------------
def about(*, version: bool = False, apiVersion: bool = False, batch: bool = False) -> Any:  # noqa: N803
    chosen = [name for name, on in (("version", version), ("apiVersion", apiVersion), ("batch", batch)) if on]
    if len(chosen) != 1:
        raise RuntimeError("about: give exactly one flag")
    return ABOUT[chosen[0]]


def renderer(name: str, *, query: bool = False, rendererUIName: bool = False, exists: bool = False) -> Any:  # noqa: N803
    if exists:
        return name in RENDERERS
    if not (query and rendererUIName):
        raise RuntimeError("renderer: only -query -rendererUIName is faked")
    if name not in RENDERERS:
        raise RuntimeError(f"renderer: {name} is not a registered renderer")
    return RENDERERS[name]


def currentTime(*args: float, query: bool = False, edit: bool = False, update: bool = True) -> Any:  # noqa: N802
    if query:
        return _S.time
    if len(args) != 1:
        raise RuntimeError("currentTime: give a time")
    _S.time = float(args[0])
    return _S.time


def editRenderLayerGlobals(*, query: bool = False, currentRenderLayer: Any = None) -> Any:  # noqa: N802, N803
    if query and currentRenderLayer:
        return _S.layer
    if not query and isinstance(currentRenderLayer, str):
        if currentRenderLayer not in _S.nodes or _S.nodes[currentRenderLayer]["type"] != "renderLayer":
            raise RuntimeError(f"editRenderLayerGlobals: no render layer {currentRenderLayer}")
        _S.layer = currentRenderLayer
        return None
    raise RuntimeError("editRenderLayerGlobals: query it, or set currentRenderLayer")


# -- UI --------------------------------------------------------------------------------------
def _new_ui(name: str | None, kind: str, **fields: Any) -> str:
    _ui_counter[0] += 1
    name = name or f"{kind}{_ui_counter[0]}"
    if name in _ui:
        raise RuntimeError(f"Object's name '{name}' is not unique.")
    _ui[name] = dict(fields, kind=kind)
    return name


def menu(name: str | None = None, *, label: str | None = None, parent: str | None = None, tearOff: bool = False,  # noqa: N803
         exists: bool = False) -> Any:
    if exists:
        return name in _ui and _ui[name]["kind"] == "menu"
    if parent != "MayaWindow":
        raise RuntimeError(f"menu: parent {parent!r} not found (the main menu bar is 'MayaWindow')")
    return _new_ui(name, "menu", label=label, parent=parent, tearOff=tearOff)


def menuItem(name: str | None = None, *, label: str | None = None, command: Callable[..., Any] | str | None = None,  # noqa: N802
             parent: str | None = None, divider: bool = False, annotation: str | None = None) -> str:
    if parent not in _ui or _ui[parent]["kind"] != "menu":
        raise RuntimeError(f"menuItem: no menu {parent!r}")
    return _new_ui(name, "menuItem", label=label, command=command, parent=parent, divider=divider,
                   annotation=annotation)


def deleteUI(*names: str, menu: bool = False) -> None:  # noqa: N802
    for name in names:
        if name not in _ui or (menu and _ui[name]["kind"] != "menu"):
            raise RuntimeError(f"deleteUI: Object '{name}' not found.")
        for child in [n for n, item in _ui.items() if item.get("parent") == name]:
            del _ui[child]
        del _ui[name]


# -- plug-ins and files ----------------------------------------------------------------------
def _plugin_path() -> list[str]:
    return [p for p in os.environ.get("MAYA_PLUG_IN_PATH", "").split(os.pathsep) if p]


def loadPlugin(name: str, *, quiet: bool = False) -> list[str]:  # noqa: N802
    base = os.path.splitext(os.path.basename(name))[0]
    if base in _plugins:
        return [] if quiet else [base]
    path = name if os.path.isabs(name) else next(
        (os.path.join(d, base + ".py") for d in _plugin_path() if os.path.isfile(os.path.join(d, base + ".py"))), None)
    if path is None or not os.path.isfile(path):
        raise RuntimeError(f"Plug-in, \"{name}\", was not found on MAYA_PLUG_IN_PATH.")
    namespace: dict[str, Any] = {"__name__": base, "__file__": path}
    with open(path, encoding="utf-8") as handle:
        exec(compile(handle.read(), path, "exec"), namespace)  # noqa: S102 - what Maya does with a .py plug-in
    if "maya_useNewAPI" not in namespace:
        raise RuntimeError(f"{base}: API 2.0 plug-ins define maya_useNewAPI")
    namespace["initializePlugin"](_om.MObject(base))
    _plugins[base] = {"path": path, "namespace": namespace}
    _om._fire(SM.kAfterPluginLoad, [path, base])
    return [base]


def unloadPlugin(name: str, *, force: bool = False) -> list[str]:  # noqa: N802
    if name not in _plugins:
        raise RuntimeError(f"Plug-in, \"{name}\", is not loaded.")
    _plugins.pop(name)["namespace"]["uninitializePlugin"](_om.MObject(name))
    return [name]


def pluginInfo(name: str, *, query: bool = False, loaded: bool = False) -> bool:  # noqa: N802
    if not (query and loaded):
        raise RuntimeError("pluginInfo: only -query -loaded is faked")
    return name in _plugins


def file(path: str | None = None, *, save: bool = False, open: bool = False, newFile: bool = False,  # noqa: A001, A002, N803
         force: bool = False, rename: str | None = None, type: str | None = None,  # noqa: A002
         exportAll: bool = False) -> Any:  # noqa: N803
    """``file(rename=p)``, ``file(save=True)``, ``file(p, open=True, force=True)``, ``file(newFile=True, force=True)``,
    ``file(p, exportAll=True, type="mayaAscii")``."""
    if exportAll and path:
        _om._fire(SM.kBeforeExport)
        Path(path).write_text(_S.to_json())
        _om._fire(SM.kAfterExport)
        return path
    if rename is not None:
        _S.name = rename
        return rename
    if save:
        if not _S.name:
            raise RuntimeError("file: the scene has no name; rename it first")
        _om._fire(SM.kBeforeSave)
        _S.save(_S.name)
        _om._fire(SM.kAfterSave)
        return _S.name
    if open and path:
        _om._fire(SM.kBeforeOpen)
        _S.open(path)
        _om._fire(SM.kAfterOpen)
        return path
    if newFile:
        _om._fire(SM.kBeforeNew)
        _S.reset()
        _om._fire(SM.kAfterNew)
        return "untitled"
    raise RuntimeError("file: that use is not faked")


def __getattr__(name: str) -> Any:
    raise AttributeError(f"the fake maya.cmds has no command {name!r} (not used by RenderTally)")
