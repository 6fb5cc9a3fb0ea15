"""RenderTally: load the plug-in at start, in the GUI, mayabatch and ``Render`` (module scripts/userSetup.py).

Loaded here rather than by Maya's autoload preference, which render nodes do not share.
``maya.utils.executeDeferred`` does not run in batch mode, so batch loads at once.
https://help.autodesk.com/cloudhelp/2027/ENU/Maya-Scripting/files/GUID-640C1383-3FB8-410F-AE18-987A812B5914.htm
"""


def _load_rendertally():
    from maya import cmds

    try:
        # https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/loadPlugin.html
        cmds.loadPlugin("rendertally_maya", quiet=True)
    except RuntimeError as exc:
        print("RenderTally: the plug-in could not be loaded: " + str(exc))


def _start():
    from maya import cmds, utils  # pyright: ignore[reportAttributeAccessIssue]  (no maya.utils in the stubs)

    if cmds.about(batch=True):
        _load_rendertally()
    else:
        utils.executeDeferred(_load_rendertally)


_start()
