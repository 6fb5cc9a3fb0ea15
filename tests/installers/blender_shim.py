"""A stand-in for the ``blender`` executable, for the installer tests: the real bpy module runs Blender's
own ``--command extension`` handler (bl_pkg's ``cli_extension_handler``, the code the binary runs).

    python blender_shim.py --version
    python blender_shim.py [--online-mode] --command extension ARGS...

Like the binary (and unlike the bare module), it loads the user's preferences first, so a
repository added by one call is there for the next.
"""
import sys

args = sys.argv[1:]
import bpy  # noqa: E402

if args[:1] == ["--version"]:
    print(f"Blender {bpy.app.version_string}")
    sys.exit(0)
bpy.ops.wm.read_userpref()
if args[:1] == ["--online-mode"]:
    bpy.context.preferences.system.use_online_access = True
    args = args[1:]
if args[:2] != ["--command", "extension"]:
    sys.exit(f"blender_shim: only --version and --command extension are supported, not {args}")
from bl_pkg import bl_extension_cli  # noqa: E402

sys.exit(bl_extension_cli.cli_extension_handler(args[2:]))
