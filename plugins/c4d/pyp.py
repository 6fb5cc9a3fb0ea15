"""rendertally.pyp — RenderTally for Cinema 4D (installers/c4d.py ships this file under that name).

C4D loads ``.pyp`` files from its plugins folders and ignores PYTHONPATH, so the plugin appends
its own ``lib`` folder (our packages and pure-Python dependencies) to sys.path: C4D's own
modules and other plugins' copies win over ours.
"""
import os
import sys

_LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib")
if _LIB not in sys.path:
    sys.path.append(_LIB)

from rendertally.plugins.c4d import hooks  # noqa: E402


def PluginMessage(id, data):  # noqa: A002, N802 - C4D's name
    return hooks.plugin_message(id, data) or False


if __name__ == "__main__":
    hooks.register()
