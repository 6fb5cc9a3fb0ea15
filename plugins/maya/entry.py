"""RenderTally: reports every render to the render service (Maya plug-in, Python API 2.0).

installers/maya.py ships this file as ``plug-ins/rendertally_maya.py`` in the RenderTally module.
The adapter is in the module's private ``lib`` folder, appended to ``sys.path`` so the host's own
copies of shared packages (requests, ...) win over ours.
https://help.autodesk.com/cloudhelp/2025/ENU/Maya-SDK/Maya-Python-API/Using-the-Maya-Python-API/
"""
import os
import sys

maya_useNewAPI = True  # noqa: N816 - the name Maya looks for (API 2.0 plug-in)
VENDOR, VERSION = "RenderTally", "0"  # VERSION is written by installers/maya.py


def _lib():
    lib = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib")
    if lib not in sys.path:
        sys.path.append(lib)


def initializePlugin(plugin):  # noqa: N802
    from maya.api import OpenMaya

    OpenMaya.MFnPlugin(plugin, VENDOR, VERSION)
    _lib()
    from rendertally.plugins import maya

    maya.register()


def uninitializePlugin(plugin):  # noqa: N802
    from maya.api import OpenMaya

    OpenMaya.MFnPlugin(plugin)
    from rendertally.plugins import maya

    maya.unregister()
