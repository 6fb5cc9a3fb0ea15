"""RenderTally: reports every render to the render service (Blender extension entry file).

installers/blender.py ships this file as the extension's ``__init__.py``. The add-on itself is
in the bundled ``rendertally`` wheel, which Blender unpacks and puts on ``sys.path``.
"""
import os
import sys


def _find_bundled_library():
    # Blender installs the manifest's wheels itself; if it did not, import them from the zip files.
    try:
        import rendertally.plugins.blender  # noqa: F401
    except ImportError:
        folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wheels")
        for name in sorted(os.listdir(folder) if os.path.isdir(folder) else ()):
            if name.endswith(".whl") and os.path.join(folder, name) not in sys.path:
                sys.path.append(os.path.join(folder, name))


def register():
    _find_bundled_library()
    from rendertally.plugins import blender

    blender.register(__package__)


def unregister():
    from rendertally.plugins import blender

    blender.unregister()
