"""Fake ``c4d.gui.GeDialog``: gadgets that hold values, a timer flag, Open."""
from __future__ import annotations


class GeDialog:
    def __init__(self):
        self._strings, self._gadgets, self._title, self._timer, self._opened = {}, [], "", 0, False

    def SetTitle(self, title):  # noqa: N802
        self._title = title

    def GroupBegin(self, id, flags, cols=0, rows=0, title=""):  # noqa: A002, N802
        return True

    def GroupEnd(self):  # noqa: N802
        return True

    def AddStaticText(self, id, flags, initw=0, inith=0, name="", borderstyle=0):  # noqa: A002, N802
        self._gadgets.append(("text", id, flags))
        if id:
            self._strings[id] = name
        return True

    def AddEditText(self, id, flags, initw=80, inith=0, editflags=0):  # noqa: A002, N802
        self._gadgets.append(("edit", id, editflags))
        self._strings[id] = ""
        return True

    def AddButton(self, id, flags, initw=80, inith=0, name=""):  # noqa: A002, N802
        self._gadgets.append(("button", id, name))
        return True

    def SetString(self, id, value, tristate=False, flags=0):  # noqa: A002, N802
        if not isinstance(value, str):
            raise TypeError("SetString(int id, str value)")
        self._strings[id] = value
        return True

    def GetString(self, id):  # noqa: A002, N802
        return self._strings[id]

    def SetTimer(self, value):  # noqa: N802
        self._timer = value

    def Open(self, dlgtype, pluginid=0, xpos=-1, ypos=-1, defaultw=0, defaulth=0, subid=0):  # noqa: N802
        self._opened = True
        self.CreateLayout()
        self.InitValues()
        return True


def __getattr__(name):
    raise AttributeError(f"module 'c4d.gui' has no attribute {name!r}")
