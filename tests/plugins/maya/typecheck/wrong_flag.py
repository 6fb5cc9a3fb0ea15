"""Deliberately wrong: `ls` has no flag `typ` (the type check must report it)."""
from maya import cmds

cmds.ls(typ="camera")
