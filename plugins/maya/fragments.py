"""Our MEL fragments in the render globals: put in, taken out, the user's own scripts intact.

Arnold, V-Ray, RenderMan, Maya Hardware 2.0 and the rest send no ``MSceneMessage``; what every
renderer runs, in the GUI and in batch ``Render``, are the render-globals MEL attributes (Redshift
has its own on ``redshiftOptions``). They are *scene* attributes, so each fragment is marked,
written in front of the user's script (a user script ending in a ``//`` comment cannot swallow
it), taken out before a save and put back after, so saved scenes never carry it.

A fragment calls Python only if our hooks module is already imported, so a scene opened where
RenderTally is not loaded runs the user's script as before and no error stops it.
"""
from __future__ import annotations

import logging
import re
from typing import Callable

from maya import cmds

log = logging.getLogger(__name__)

HOOKS_MODULE = "rendertally.plugins.maya.hooks"
BEGIN, END = "/*RenderTally{*/", "/*}RenderTally*/"
# (node, attribute, event). defaultRenderGlobals: preMel/postMel once per render, the layer
# scripts per render layer, preRenderMel/postRenderMel per frame.
# https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/Nodes/renderGlobals.html
# Redshift runs its own per-frame scripts, redshiftOptions.preRenderMel/postRenderMel, not the
# render globals' ones (from Redshift's Render Options ▸ Common tab; not confirmed in its docs).
SLOTS = (
    ("defaultRenderGlobals", "preMel", "render_start"),
    ("defaultRenderGlobals", "postMel", "render_end"),
    ("defaultRenderGlobals", "preRenderLayerMel", "layer_start"),
    ("defaultRenderGlobals", "preRenderMel", "frame_start"),
    ("defaultRenderGlobals", "postRenderMel", "frame_end"),
    ("redshiftOptions", "preRenderMel", "redshift_frame_start"),
    ("redshiftOptions", "postRenderMel", "redshift_frame_end"),
)
_OURS = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.DOTALL)


def fragment(event: str) -> str:
    """The marked MEL for ``event``: a no-op unless our hooks module is loaded."""
    python = (f"[m.mel_event('{event}') for m in [__import__('sys').modules.get('{HOOKS_MODULE}')] if m]")
    return f'{BEGIN}python("{python}");{END}\n'


def strip(script: str | None) -> str:
    """``script`` without any fragment of ours (the user's own text exactly as they wrote it)."""
    return _OURS.sub("", script or "")


def with_fragment(script: str | None, event: str) -> str:
    return fragment(event) + strip(script)


def install() -> int:
    """Put our fragment in every slot whose node exists; returns how many were written."""
    return _each(with_fragment)


def remove() -> int:
    """Take every fragment of ours out; returns how many attributes changed."""
    return _each(lambda value, event: strip(value))


def present() -> dict[str, bool]:
    """``node.attribute`` → whether it holds our fragment (for tests and the doctor)."""
    found = {}
    for node, attribute, _ in SLOTS:
        if cmds.objExists(node):
            found[f"{node}.{attribute}"] = BEGIN in (cmds.getAttr(f"{node}.{attribute}") or "")
    return found


def _each(change: Callable[[str, str], str]) -> int:
    changed = 0
    for node, attribute, event in SLOTS:
        # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/objExists.html
        if not cmds.objExists(node):
            continue  # redshiftOptions exists only once Redshift is the renderer
        plug = f"{node}.{attribute}"
        before = cmds.getAttr(plug) or ""
        after = change(before, event)
        if after != before:
            # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/setAttr.html
            cmds.setAttr(plug, after, type="string")
            changed += 1
    return changed
