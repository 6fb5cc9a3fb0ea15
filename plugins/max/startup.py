"""RenderTally's 3ds Max start-up script (the bundle's post-start-up component).

installers/max.py ships this file as ``Contents/rendertally_startup.py`` in RenderTally.bundle.
The adapter lives in the bundle's private ``Contents/lib`` folder, *appended* to ``sys.path`` so
Max's own copies of shared packages win over ours; nothing is set globally (no PYTHONPATH).
"""
import os
import sys


def _start():
    lib = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib")
    if lib not in sys.path:
        sys.path.append(lib)
    from rendertally.plugins import max as adapter

    adapter.register()


_start()
