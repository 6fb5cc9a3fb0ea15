"""Runs inside a Python with the bpy module; driven by blender_bench.py. Prints one ``RESULT {json}`` line.

Modes: ``install ZIP`` (Blender's own extension installer, once), ``startup`` (a fresh process:
import bpy, then enable the add-on = import + register, then disable = unregister) and
``render BLOCKS PER_BLOCK`` (32x32 Cycles renders with the add-on disabled and enabled, in
alternating blocks, and the time spent inside RenderTally's handlers).
"""
import json
import os
import sys
import time

MODULE = "bl_ext.user_default.rendertally"
MARK = "_rendertally_handler"


def hide_checkout():
    """Only the extension's own wheel may provide ``rendertally`` (not the editable checkout)."""
    editable = "__editable__"
    sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith(editable)]
    sys.path[:] = [p for p in sys.path if not p.startswith(editable)]
    sys.path_hooks[:] = [h for h in sys.path_hooks if not getattr(h, "__module__", "").startswith(editable)]
    for name in [m for m in sys.modules if m == "rendertally" or m.startswith("rendertally.")]:
        del sys.modules[name]


def result(**data):
    print("RESULT " + json.dumps(data), flush=True)


def install(zip_path):
    import bpy  # first: it puts Blender's own modules (addon_utils) on the path

    # isort: split
    import addon_utils

    done = bpy.ops.extensions.package_install_files(filepath=zip_path, repo="user_default", enable_on_install=False)
    result(installed=sorted(done), check=list(addon_utils.check(MODULE)))


def startup(online):
    started = time.perf_counter()
    import bpy

    imported = time.perf_counter()
    import addon_utils

    bpy.context.preferences.system.use_online_access = online
    before = time.perf_counter()
    addon_utils.enable(MODULE, default_set=True, handle_error=_raise)
    enabled = time.perf_counter()
    addon_utils.disable(MODULE, default_set=True, handle_error=_raise)
    disabled = time.perf_counter()
    import rendertally.plugins.blender as adapter

    result(bpy_import=imported - started, enable=enabled - before, disable=disabled - enabled,
           online=online, adapter=adapter.__file__)


def _raise(exc):
    raise exc


def render(blocks, per_block):
    import bpy

    # isort: split
    import addon_utils

    bpy.context.preferences.system.use_online_access = True
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
    from blender_scene import tiny_cycles_scene

    tiny_cycles_scene(bpy, samples=16)
    inside = [0.0]

    def timed(func):
        @bpy.app.handlers.persistent
        def wrapper(*args):
            began = time.perf_counter()
            try:
                return func(*args)
            finally:
                inside[0] += time.perf_counter() - began

        setattr(wrapper, MARK, True)  # still ours: unregister takes it out
        return wrapper

    def one():
        began = time.perf_counter()
        bpy.ops.render.render(write_still=False)
        return time.perf_counter() - began

    for _ in range(3):
        one()  # warm Cycles' kernels and caches
    off, on, handlers = [], [], []
    for _ in range(blocks):
        off += [one() for _ in range(per_block)]
        addon_utils.enable(MODULE, default_set=True, handle_error=_raise)
        for name in ("render_init", "render_post", "render_write", "render_complete", "render_cancel"):
            functions = getattr(bpy.app.handlers, name)
            for i, func in enumerate(functions):
                if getattr(func, MARK, False):
                    functions[i] = timed(func)
        for _ in range(per_block):
            inside[0] = 0.0
            on.append(one())
            handlers.append(inside[0])
        from rendertally.core.reporter import get_reporter

        get_reporter().flush(30)
        addon_utils.disable(MODULE, default_set=True, handle_error=_raise)
    from rendertally.core.reporter import get_reporter

    result(off=off, on=on, handlers=handlers, counts=get_reporter().outbox.counts())


if __name__ == "__main__":
    hide_checkout()
    mode = sys.argv[1]
    if mode == "install":
        install(sys.argv[2])
    elif mode == "startup":
        startup(sys.argv[2] == "online")
    elif mode == "render":
        render(int(sys.argv[2]), int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
