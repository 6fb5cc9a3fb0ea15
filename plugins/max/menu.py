"""The RenderTally menu: Settings… and Send pending now, in Max's main menu bar.

Menu items run macroScripts (category "RenderTally") that call back into Python. Two menu systems:

- 3ds Max 2023–2024: ``menuMan`` (MAXScript Help, "Interface: menuMan"): a menu made with
  ``createMenu``, action items with ``createActionItem <macro> <category>``, hung in the main menu
  bar with ``createSubMenuItem`` and ``updateMenuBar``; removed with ``unRegisterMenu``.
- 3ds Max 2025+: the menu system is built at start-up from ``#cuiRegisterMenus`` callbacks, whose
  ``callbacks.notificationParam()`` is the menu manager: ``mainMenuBar.CreateSubMenu <id> <title>``,
  ``CreateAction <id> 647394 "<macro>`<category>"`` (647394: the macroScript action table).
  Such a callback must exist before Max builds its menus, so it comes from a *pre-start-up*
  MAXScript component of the bundle (:func:`menus_script`, written by installers/max.py), not
  from the post-start-up Python that registers everything else (MAXScript Help, "The Menu
  System": https://help.autodesk.com/cloudhelp/2025/ENU/MAXScript-Help/files/MAXScript-Tools-and-Interaction/Interacting-with-the-3ds-Max/GUID-FF48D0EC-6669-4EC7-AB43-E9998A14A198.html).
"""
from __future__ import annotations

import logging
from typing import Any

from rendertally.core.guard import guarded

from . import delivery

log = logging.getLogger(__name__)

TITLE = "RenderTally"
CATEGORY = "RenderTally"
MACROS = {"RenderTallySettings": ("Settings…", "settings"), "RenderTallySendNow": ("Send pending now", "send_now")}
MACRO_ACTION_TABLE = 647394
MENU_ID = "4c6f1f1e-9a52-4d0e-9d8e-52a7d2b0e001"  # our own ids for the 2025+ menu system
ACTION_IDS = {"RenderTallySettings": "4c6f1f1e-9a52-4d0e-9d8e-52a7d2b0e002",
              "RenderTallySendNow": "4c6f1f1e-9a52-4d0e-9d8e-52a7d2b0e003"}
NEW_MENUS_FROM = 2025


def _macros_text() -> str:
    return "\n".join(
        f'macroScript {name} category:"{CATEGORY}" buttonText:"{label}" tooltip:"{label}"\n'
        f'(\n    python.Execute "from rendertally.plugins.max import menu; menu.{call}()"\n)'
        for name, (label, call) in MACROS.items())


def menus_script() -> str:
    """The bundle's pre-start-up MAXScript (3ds Max 2025+): our macroScripts and the menu callback."""
    actions = "\n".join(f'    menu.CreateAction "{ACTION_IDS[name]}" {MACRO_ACTION_TABLE} "{name}`{CATEGORY}"'
                         for name in MACROS)
    return (f"-- RenderTally: the menu for 3ds Max 2025+ (written by installers/max.py)\n{_macros_text()}\n"
            f"fn rendertallyRegisterMenus =\n(\n    local manager = callbacks.notificationParam()\n"
            f'    local menu = manager.mainMenuBar.CreateSubMenu "{MENU_ID}" "{TITLE}"\n{actions}\n)\n'
            "callbacks.removeScripts #cuiRegisterMenus id:#rendertallyMenus\n"
            "callbacks.addScript #cuiRegisterMenus rendertallyRegisterMenus id:#rendertallyMenus\n")


def add(rt: Any, year: int) -> None:
    rt.execute(_macros_text())
    if year >= NEW_MENUS_FROM:
        return  # the pre-start-up script registered the menu before Max built its menus
    remove(rt, year)
    menu = rt.menuMan.createMenu(TITLE)
    for name in MACROS:
        menu.addItem(rt.menuMan.createActionItem(name, CATEGORY), -1)
    rt.menuMan.getMainMenuBar().addItem(rt.menuMan.createSubMenuItem(TITLE, menu), -1)
    rt.menuMan.updateMenuBar()


def remove(rt: Any, year: int) -> None:
    """Take our menu out (≤2024; from 2025 the menu lives until Max rebuilds its menus)."""
    if year >= NEW_MENUS_FROM:
        return
    existing = rt.menuMan.findMenu(TITLE)
    if existing is not None:
        rt.menuMan.unRegisterMenu(existing)
        rt.menuMan.updateMenuBar()


@guarded
def settings() -> None:
    """Settings…: the shared Qt panel, a tool window of Max's main window."""
    import qtmax
    from pymxs import runtime as rt
    from rendertally.ui import show_panel

    from . import scene

    show_panel(qtmax.GetQMaxMainWindow(), software="MAX", software_version=scene.software_version(rt.maxVersion()))


@guarded
def send_now() -> None:
    delivery.send_now()
