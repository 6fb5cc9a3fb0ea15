"""Fake ``maya.api.OpenMaya`` (API 2.0): MSceneMessage / MMessage with a real callback registry.

Constant values are Maya's own (Python API 2.0 reference, OpenMaya.MSceneMessage, "Static
Public Attributes"):
https://help.autodesk.com/cloudhelp/2027/ENU/MAYA-API-REF/py_ref/class_open_maya_1_1_m_scene_message.html
"""
from __future__ import annotations

import itertools
from typing import Any, Callable

_ids = itertools.count(0x1000)
# id -> (message, function, clientData, kind)
_registry: dict[int, tuple[int, Callable[..., Any], Any, str]] = {}


class MCallbackId(int):
    """What the add*Callback functions return (an opaque id; ours are ints)."""


class MObject:
    """The plug-in's MObject handed to initializePlugin/uninitializePlugin."""

    def __init__(self, name: str = "") -> None:
        self._name = name


class MFnPlugin:
    """Only the constructor (plug-in object, vendor, version) and name()."""

    def __init__(self, obj: MObject, vendor: str = "", version: str = "", apiVersion: str = "Any") -> None:  # noqa: N803
        if not isinstance(obj, MObject):
            raise TypeError("MFnPlugin() argument 1 must be OpenMaya.MObject")
        self.obj, self.vendor, self._version = obj, vendor, version

    def name(self) -> str:
        return self.obj._name

    def version(self) -> str:
        return self._version


class MMessage:
    @staticmethod
    def removeCallback(id: int) -> None:  # noqa: A002, N802 - Maya's names
        if id not in _registry:
            raise RuntimeError("(kInvalidParameter): Object is incompatible with this method")
        del _registry[id]

    @staticmethod
    def removeCallbacks(ids: Any) -> None:  # noqa: N802
        for one in list(ids):
            MMessage.removeCallback(one)


class MSceneMessage(MMessage):
    kSceneUpdate = 0
    kBeforeNew = 1
    kAfterNew = 2
    kBeforeImport = 3
    kAfterImport = 4
    kBeforeOpen = 5
    kAfterOpen = 6
    kBeforeFileRead = 7
    kAfterFileRead = 8
    kBeforeExport = 10
    kAfterExport = 11
    kBeforeSave = 12
    kAfterSave = 13
    kBeforeSoftwareRender = 24
    kAfterSoftwareRender = 25
    kBeforeSoftwareFrameRender = 26
    kAfterSoftwareFrameRender = 27
    kSoftwareRenderInterrupted = 28
    kMayaInitialized = 29
    kMayaExiting = 30
    kBeforePluginLoad = 40
    kAfterPluginLoad = 41
    kBeforePluginUnload = 42
    kAfterPluginUnload = 43

    @staticmethod
    def addCallback(message: int, function: Callable[..., Any], clientData: Any = None) -> MCallbackId:  # noqa: N802, N803
        if message in (MSceneMessage.kBeforePluginLoad, MSceneMessage.kAfterPluginLoad,
                       MSceneMessage.kBeforePluginUnload, MSceneMessage.kAfterPluginUnload):
            raise RuntimeError("(kInvalidParameter): plug-in messages need addStringArrayCallback")
        return _add(message, function, clientData, "basic")

    @staticmethod
    def addStringArrayCallback(message: int, function: Callable[..., Any], clientData: Any = None) -> MCallbackId:  # noqa: N802, N803
        if message not in (MSceneMessage.kBeforePluginLoad, MSceneMessage.kAfterPluginLoad,
                           MSceneMessage.kBeforePluginUnload, MSceneMessage.kAfterPluginUnload):
            raise RuntimeError("(kInvalidParameter): not a string-array message")
        return _add(message, function, clientData, "strings")


def _add(message: int, function: Callable[..., Any], client_data: Any, kind: str) -> MCallbackId:
    if not isinstance(message, int) or not callable(function):
        raise TypeError("addCallback(message: int, function: callable, clientData=None)")
    callback_id = MCallbackId(next(_ids))
    _registry[callback_id] = (message, function, client_data, kind)
    return callback_id


# -- the fake's control surface (not Maya's) -------------------------------------------------------
def _fire(message: int, strings: list[str] | None = None) -> int:
    """Call every callback registered for ``message`` as Maya would; returns how many ran."""
    ran = 0
    for _id, (msg, function, client_data, kind) in list(_registry.items()):
        if msg != message:
            continue
        if kind == "strings":
            function(list(strings or []), client_data)
        else:
            function(client_data)
        ran += 1
    return ran


def _count(message: int | None = None) -> int:
    return sum(1 for msg, *_ in _registry.values() if message is None or msg == message)


def __getattr__(name: str) -> Any:
    raise AttributeError(f"the fake maya.api.OpenMaya has no {name!r} (not used by RenderTally)")
