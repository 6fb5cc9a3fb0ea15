"""A faithful fake of 3ds Max's ``pymxs``: ``pymxs.runtime`` with only the MAXScript globals
RenderTally uses, with their real names and call shapes; anything else raises AttributeError.

Cited from MAXScript Help (3ds Max 2024/2025):
- "General Event Callback Mechanism": callbacks.addScript <name> <function> [id:<name>]
  [persistent:<bool>] (functions since 2021; persistent:true with a function fails),
  callbacks.removeScripts [<name>] [id:<name>], callbacks.notificationParam(),
  callbacks.broadcastCallback <name>.
- "Rendering Notifications": #preRender, #preRenderFrame, #postRenderFrame, #postRender; "System
  Notifications": #preSystemShutdown; 2025 menus: #cuiRegisterMenus.
- Render Scene Dialog globals: rendTimeType (1 single, 2 active segment, 3 range, 4 pickup),
  rendStart, rendEnd (Time), rendNThFrame, rendPickupFrames (string), rendSaveFile;
  animationRange (Interval); renderers.current; classOf; maxVersion(); GetQuietMode(); IsNetServer();
  execute <string>; "Interface: menuMan".
URLs: https://help.autodesk.com/cloudhelp/2024/ENU/MAXScript-Help/files/MAXScript-Tools-and-Interaction/Change-Handlers-and-Callbacks/GUID-C1F6495F-5831-4FC8-A00C-667C5F2EAE36.html
https://help.autodesk.com/cloudhelp/2023/ENU/MAXScript-Help/files/MAXScript-Tools-and-Interaction/Change-Handlers-and-Callbacks/General-Event-Callback-Mechanism/GUID-E5BE0058-2216-4E0B-88AF-680CA58AAC73.html
https://help.autodesk.com/cloudhelp/2023/ENU/MAXScript-Help/files/MAXScript-Tools-and-Interaction/Interacting-with-the-3ds-Max/Render-Scene-Dialog/GUID-30AF1E53-5A69-402D-84D6-4D6ECCDD6D20.html
"""
from __future__ import annotations

import inspect
import re

# The notification names a script may register for (a subset of Autodesk's table; RenderTally's
# and their neighbours). An unknown name is an error in Max ("Unknown callback type").
NOTIFICATIONS = frozenset({
    "preRender", "postRender", "preRenderFrame", "postRenderFrame", "preRenderEval", "preRendererChange",
    "postRendererChange", "preSystemShutdown", "postSystemShutdown", "postSystemStartup", "systemPostNew",
    "systemPostReset", "filePostOpen", "filePreSave", "filePostSave", "cuiRegisterMenus",
})


class Name(str):
    """A MAXScript name value (``#preRender``): compares case-insensitively, like MAXScript."""

    def __eq__(self, other):
        return isinstance(other, str) and self.lower() == other.lower()

    def __hash__(self):
        return hash(self.lower())


class Time:
    def __init__(self, frame):
        self.frame = float(frame)


class Interval:
    def __init__(self, start, end):
        self.start, self.end = Time(start), Time(end)


class RendererClass:
    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name

    def __call__(self):
        return _Renderer(self)


class _Renderer:
    def __init__(self, cls):
        self._class = cls


class _Renderers:
    def __init__(self):
        self.current = RendererClass("Default_Scanline_Renderer")()


class _Callbacks:
    def __init__(self):
        self.registered = []  # (Name, function, id Name or None)
        self._param = None

    def addScript(self, callback_type, script, id=None, persistent=False):  # noqa: A002, N802
        if not isinstance(callback_type, Name) or callback_type not in {Name(n) for n in NOTIFICATIONS}:
            raise RuntimeError(f"Unknown callback type: {callback_type!r}")
        if id is not None and not isinstance(id, Name):
            raise TypeError("id: must be a name (#rendertally)")
        if callable(script):
            if persistent:
                raise RuntimeError("Functions passed as callbacks cannot be persisted")
            required = [p for p in inspect.signature(script).parameters.values()
                        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            if required:
                raise RuntimeError("addScript() fails for a function that takes parameters")
        elif not isinstance(script, str):
            raise TypeError("addScript needs a function or a script string")
        self.registered.append((callback_type, script, id))

    def removeScripts(self, callback_type=None, id=None):  # noqa: A002, N802
        self.registered = [(n, s, i) for n, s, i in self.registered
                           if not ((callback_type is None or n == callback_type) and (id is None or i == id))]

    def notificationParam(self):  # noqa: N802
        return self._param

    def broadcastCallback(self, callback_type, param=None):  # noqa: N802
        self._param = param
        try:
            for name, script, _ in list(self.registered):
                if name == callback_type and callable(script):
                    script()
        finally:
            self._param = None


class _Menu:
    def __init__(self, title):
        self.title, self.items = title, []

    def addItem(self, item, position):  # noqa: N802
        self.items.append(item)


class _MenuMan:
    def __init__(self):
        self.main = _Menu("Main Menu Bar")
        self.menus = {}
        self.updates = 0

    def createMenu(self, title):  # noqa: N802
        self.menus[title] = _Menu(title)
        return self.menus[title]

    def createActionItem(self, macro, category):  # noqa: N802
        if (macro, category) not in runtime._macros:
            return None  # menuMan returns undefined for an unknown macroScript
        return ("action", macro, category)

    def createSubMenuItem(self, title, menu):  # noqa: N802
        return ("submenu", title, menu)

    def getMainMenuBar(self):  # noqa: N802
        return self.main

    def findMenu(self, title):  # noqa: N802
        return self.menus.get(title)

    def unRegisterMenu(self, menu):  # noqa: N802
        self.menus.pop(menu.title, None)
        self.main.items = [i for i in self.main.items if not (i[0] == "submenu" and i[2] is menu)]

    def updateMenuBar(self):  # noqa: N802
        self.updates += 1


_MACRO = re.compile(r'macroScript\s+(\w+)\s+category:"([^"]+)"')


class _Runtime:
    """``pymxs.runtime``: attribute access to MAXScript globals; unknown globals raise."""

    def __init__(self):
        self.reset()

    def reset(self, *, year=2026, quiet=False, net_server=False):
        self.__dict__.update(
            callbacks=_Callbacks(), renderers=_Renderers(), menuMan=_MenuMan(),
            rendTimeType=1, rendStart=Time(0), rendEnd=Time(100), rendNThFrame=1, rendPickupFrames="",
            rendSaveFile=False, animationRange=Interval(0, 100),
            _year=year, _quiet=quiet, _net_server=net_server, _macros=set(), _executed=[])

    def Name(self, text):  # noqa: N802
        return Name(text)

    def classOf(self, value):  # noqa: N802
        return value._class if isinstance(value, _Renderer) else type(value).__name__

    def maxVersion(self):  # noqa: N802
        # #(release, api, sdk, update, hotfix?, ..., product year, ...): 2026 is release 28000.
        release = (self._year - 1998) * 1000
        return [release, 55, 0, 0, 0, 0, 0, self._year, 0]

    def GetQuietMode(self):  # noqa: N802
        return self._quiet

    def IsNetServer(self):  # noqa: N802
        return self._net_server

    def execute(self, text):
        self._executed.append(text)
        self._macros.update(_MACRO.findall(text))
        return True

    def __getattr__(self, name):
        raise AttributeError(f"pymxs.runtime has no global {name!r} (the fake implements what RenderTally uses)")


runtime = _Runtime()


def __getattr__(name):
    raise AttributeError(f"module 'pymxs' has no attribute {name!r}")
