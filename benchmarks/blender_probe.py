"""Runs inside a Python with the bpy module; driven by blender_bench.py. Prints one ``RESULT {json}`` line.

Modes: ``install ZIP`` (Blender's own extension installer, once), ``startup`` (a fresh process:
import bpy, then enable the add-on = import + register, then disable = unregister) and
``render BLOCKS PER_BLOCK ANIMATIONS OUT`` (32x32 Cycles stills with the add-on disabled and
enabled, in alternating blocks, then ANIMATIONS 10-frame animations written to OUT; the time
spent inside RenderTally's handlers per still and per animation).
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
    import importlib

    import addon_utils

    bpy.context.preferences.system.use_online_access = online
    # Blender's extension system does its own work on enable (it syncs the extensions' wheels
    # into its site-packages); RenderTally's part is the entry's register(): the add-on's own
    # imports, classes, handlers and starting to send. Both are timed.
    ours = [0.0]
    real_import = importlib.import_module

    def import_module(name, package=None):  # addon_utils imports the entry this way, then registers
        module = real_import(name, package)
        if name == MODULE and not getattr(module.register, "_timed", False):
            register = module.register

            def timed_register():
                began = time.perf_counter()
                try:
                    register()
                finally:
                    ours[0] = time.perf_counter() - began

            timed_register._timed = True
            module.register = timed_register
        return module

    importlib.import_module = import_module
    before = time.perf_counter()
    addon_utils.enable(MODULE, default_set=True, handle_error=_raise)
    enabled = time.perf_counter()
    importlib.import_module = real_import
    # default_set=False: the preferences keep it, so Blender leaves the extracted wheels (and the
    # bytecode written for them) in place, as at every later start of an artist's Blender.
    addon_utils.disable(MODULE, default_set=False, handle_error=_raise)
    disabled = time.perf_counter()
    import rendertally.plugins.blender as adapter

    result(bpy_import=imported - started, enable=enabled - before, register=ours[0], disable=disabled - enabled,
           online=online, adapter=adapter.__file__, version=".".join(str(n) for n in bpy.app.version),
           python=f"{sys.version_info[0]}.{sys.version_info[1]}")


def _raise(exc):
    raise exc


def render(blocks, per_block, animations, out):
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
        _time_handlers(timed)
        for _ in range(per_block):
            inside[0] = 0.0
            on.append(one())
            handlers.append(inside[0])
        from rendertally.core.reporter import get_reporter

        get_reporter().flush(30)
        addon_utils.disable(MODULE, default_set=True, handle_error=_raise)
    addon_utils.enable(MODULE, default_set=True, handle_error=_raise)
    _time_handlers(timed)
    scene = bpy.context.scene
    scene.frame_start, scene.frame_end, scene.frame_step = 1, 10, 1
    scene.render.filepath = os.path.join(out, "frame_")
    per_animation = []
    for _ in range(animations):
        inside[0] = 0.0
        bpy.ops.render.render(animation=True)
        per_animation.append(inside[0])
    from rendertally.core.reporter import get_reporter

    get_reporter().flush(30)
    result(off=off, on=on, handlers=handlers, animations=per_animation, counts=get_reporter().outbox.counts())


def _time_handlers(timed):
    import bpy

    for name in ("render_init", "render_post", "render_write", "render_complete", "render_cancel"):
        functions = getattr(bpy.app.handlers, name)
        for i, func in enumerate(functions):
            if getattr(func, MARK, False):
                functions[i] = timed(func)


if __name__ == "__main__":
    hide_checkout()
    mode = sys.argv[1]
    if mode == "install":
        install(sys.argv[2])
    elif mode == "startup":
        startup(sys.argv[2] == "online")
    elif mode == "render":
        render(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        raise SystemExit(f"unknown mode {mode!r}")
