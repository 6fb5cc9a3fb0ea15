"""One Blender scenario, run by test_blender.py in a fresh Python with the real bpy module.

Usage: ``python harness.py SCENARIO ZIP [WORKDIR]`` with ``BLENDER_USER_RESOURCES``, ``RENDERTALLY_HOME``
and ``RENDERTALLY_*`` in the environment. The add-on is installed from ZIP with Blender's own
installer and enabled; the checkout's editable install is hidden first, so every
``rendertally`` module used here is the one from the extension's wheel. Prints one line
``RESULT {json}``; exits 70 if RenderTally's guard swallowed any error (at any time, exit too).
"""
import atexit
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request

SWALLOWED = []


def _fail_on_swallowed():
    # Registered before `import bpy`: runs after bpy's own exit hook (which unregisters add-ons).
    if SWALLOWED:
        print("SWALLOWED " + json.dumps(SWALLOWED), flush=True)
        os._exit(70)


atexit.register(_fail_on_swallowed)


def _hide_checkout():
    """Take the editable install's import hooks away: only the zip's wheel may provide rendertally."""
    sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path[:] = [p for p in sys.path if not p.startswith("__editable__")]
    sys.path_hooks[:] = [h for h in sys.path_hooks if not getattr(h, "__module__", "").startswith("__editable__")]
    for name in [m for m in sys.modules if m == "rendertally" or m.startswith("rendertally.")]:
        del sys.modules[name]


_hide_checkout()
assert os.environ.get("BLENDER_USER_RESOURCES"), "set BLENDER_USER_RESOURCES before starting"

import bpy  # noqa: E402  (first: it puts Blender's own modules such as addon_utils on the path)

# isort: split
import addon_utils  # noqa: E402

USER = os.environ["BLENDER_USER_RESOURCES"]
MODULE = "bl_ext.user_default.rendertally"
HANDLER_SECONDS = [0.0]


# -- set-up ---------------------------------------------------------------------------------------
def install(zip_path):
    """Install and enable the extension with Blender's installer; hook the guard; time our handlers."""
    result = bpy.ops.extensions.package_install_files(filepath=zip_path, repo="user_default", enable_on_install=True)
    assert result == {"FINISHED"}, result
    assert addon_utils.check(MODULE) == (True, True), addon_utils.check(MODULE)
    import rendertally.plugins.blender as adapter
    from rendertally.core import guard

    assert os.path.realpath(adapter.__file__).startswith(os.path.realpath(USER)), adapter.__file__
    guard.on_swallowed(lambda exc: SWALLOWED.append(f"{type(exc).__name__}: {exc}"))
    _time_our_handlers()
    return adapter


def _time_our_handlers():
    from rendertally.plugins.blender import handlers

    for name in handlers.HANDLERS:
        functions = getattr(bpy.app.handlers, name)
        for i, func in enumerate(functions):
            if getattr(func, handlers.MARK, False):
                functions[i] = _timed(func, handlers.MARK)


def _timed(func, mark):
    @bpy.app.handlers.persistent
    def timed(*args):
        started = time.perf_counter()
        try:
            return func(*args)
        finally:
            HANDLER_SECONDS[0] += time.perf_counter() - started

    setattr(timed, mark, True)  # still ours: unregister takes it out
    return timed


def online(on):
    bpy.context.preferences.system.use_online_access = on
    assert bpy.app.online_access == on


def make_scene():
    # The module starts with the factory startup scene: cube, camera, light. (Not
    # read_factory_settings(): it resets the preferences too, which disables every add-on.)
    assert {"Cube", "Camera", "Light"} <= set(bpy.data.objects.keys())
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts"))
    from blender_scene import tiny_cycles_scene

    return tiny_cycles_scene(bpy)


def render_animation(scene, folder, start, end, step=1):
    scene.frame_start, scene.frame_end, scene.frame_step = start, end, step
    scene.render.filepath = os.path.join(folder, "frame_")
    started = time.monotonic()
    error = None
    try:
        bpy.ops.render.render(animation=True)
    except RuntimeError as exc:
        error = str(exc).strip()
    return time.monotonic() - started, error


def render_still(scene, path):
    scene.render.filepath = path
    started = time.monotonic()
    bpy.ops.render.render(write_still=True)
    return time.monotonic() - started


def outbox_counts():
    from rendertally.core.reporter import get_reporter

    return get_reporter().outbox.counts()


def sandbox_jobs():
    with urllib.request.urlopen(os.environ["RENDERTALLY_URL"] + "/_sandbox/jobs", timeout=5) as answer:  # noqa: S310
        return json.loads(answer.read())


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def result(**data):
    data["blender_version"] = ".".join(str(n) for n in bpy.app.version)
    data["handler_seconds"] = HANDLER_SECONDS[0]
    data["script_end"] = time.time()
    print("RESULT " + json.dumps(data), flush=True)


class RecordingLayout:
    """A stand-in for bpy.types.UILayout with exactly the calls our draw code makes.

    It checks what a real layout would refuse (an unknown property or operator) and records
    the texts, so a test can read what the preferences show without a window.
    """

    def __init__(self, lines=None):
        self.lines = [] if lines is None else lines
        self.enabled = True
        self.alert = False
        self.active = True
        self.use_property_split = False

    def _child(self):
        return RecordingLayout(self.lines)

    def box(self):
        return self._child()

    def row(self, align=False):
        return self._child()

    def column(self, align=False):
        return self._child()

    def separator(self):
        pass

    def label(self, text="", icon="NONE"):
        assert icon in bpy.types.UILayout.bl_rna.functions["label"].parameters["icon"].enum_items, icon
        self.lines.append(("label", text, self.enabled))

    def prop(self, data, name, text=None, icon="NONE", emboss=True):
        assert name in data.bl_rna.properties, name
        assert icon in bpy.types.UILayout.bl_rna.functions["prop"].parameters["icon"].enum_items, icon
        self.lines.append(("prop", name, self.enabled))

    def operator(self, idname, text="", icon="NONE"):
        group, _, name = idname.partition(".")
        assert hasattr(getattr(bpy.ops, group), name), idname
        self.lines.append(("operator", idname, self.enabled))


# -- scenarios ------------------------------------------------------------------------------------
def scenario_report(zip_path, out):
    """An animation with a frame step, then a still with per-scene overrides."""
    install(zip_path)
    online(True)
    scene = make_scene()
    animation_seconds, error = render_animation(scene, os.path.join(out, "anim"), 1, 5, 2)
    assert error is None, error
    scene.rendertally.mission_id = "M-77"
    scene.rendertally.job_type = "TEST"
    still_seconds = render_still(scene, os.path.join(out, "still.png"))
    result(animation_seconds=animation_seconds, still_seconds=still_seconds,
           files=sorted(os.listdir(os.path.join(out, "anim"))))


def scenario_write_failure(zip_path, out):
    """Output folder blocked from the start, then blocked after frame 3 of 1, 3, 5."""
    install(zip_path)
    online(True)
    scene = make_scene()
    blocker = os.path.join(out, "blocker")
    with open(blocker, "w") as handle:
        handle.write("a file where the output folder should be")
    _, first_error = render_animation(scene, os.path.join(blocker, "sub"), 1, 3)

    folder = os.path.join(out, "late")

    @bpy.app.handlers.persistent
    def block_after_frame_3(scene, *_):
        if scene.frame_current == 3:
            shutil.rmtree(folder)
            with open(folder, "w") as handle:
                handle.write("blocked")

    bpy.app.handlers.render_write.append(block_after_frame_3)
    _, second_error = render_animation(scene, folder, 1, 5, 2)
    bpy.app.handlers.render_write.remove(block_after_frame_3)

    # As in the UI (the module is always in background mode, and Esc cannot be pressed here):
    # Blender's render_init then render_cancel, handed to our handlers as Blender would.
    from rendertally.plugins.blender import handlers

    handlers._recorder.background = False
    for folder in (os.path.join(out, "fine"), os.path.join(blocker, "again")):
        scene.render.filepath = os.path.join(folder, "frame_")
        handlers.on_render_init(scene, None)
        handlers.on_render_cancel(scene, None)
    result(first_error=first_error, second_error=second_error)


def as_blender_binary(argv):
    """What register() does in a real `blender` process, whose sys.argv is Blender's command line.

    The bpy module has no Blender binary (bpy.app.binary_path is "") and rightly ignores argv,
    so the batch scenarios give the recorder the command line the binary would have had.
    """
    from rendertally.plugins.blender import handlers
    from rendertally.plugins.blender.batch import blender_command_line
    from rendertally.plugins.blender.recorder import Recorder

    assert blender_command_line(sys.argv, bpy.app.binary_path).steps == ()  # the module's own rule
    handlers.remove()
    handlers.add(Recorder(blender_command_line(argv, "/opt/blender/blender")))


def render_like_blender(scene, kind, frames):
    """One init/complete pair as the command line makes it: `-f N` is RE_RenderAnim(N, N), `-a` the range."""
    scene.frame_start, scene.frame_end = (frames, frames) if kind == "-f" else frames
    bpy.ops.render.render(animation=True)


def scenario_batch_rule(zip_path, out):
    """`-S A -a -S B -a`, `-f 1..2 -f 1..2` and `-S A -f 1 -S B -f 1`: a frame rendered again counts again."""
    install(zip_path)
    online(True)
    scene = make_scene()
    scene.render.filepath = os.path.join(out, "f_####")
    blend = os.path.join(out, "shot.blend")
    lines = {
        "A": (["-S", "A", "-a", "-S", "B", "-a"], [("-a", (1, 3)), ("-a", (1, 3))]),
        "B": (["-f", "1..2", "-f", "1..2"], [("-f", 1), ("-f", 2), ("-f", 1), ("-f", 2)]),
        "C": (["-S", "A", "-f", "1", "-S", "B", "-f", "1"], [("-f", 1), ("-f", 1)]),
    }
    for mission, (args, renders) in lines.items():
        scene.rendertally.mission_id = mission
        scene.frame_start, scene.frame_end = renders[0][1] if renders[0][0] == "-a" else (1, 250)
        as_blender_binary(["blender", "-b", blend, *args])
        for kind, frames in renders:
            render_like_blender(scene, kind, frames)
    from rendertally.core.reporter import get_reporter

    assert get_reporter().flush(30)
    result(counts=outbox_counts())


def scenario_module_script(zip_path, out):
    """`python script.py --inner -b shot.blend -f 1..3` in the bpy module: its own argv, two renders."""
    sys.argv = ["script.py", "--inner", "-b", os.path.join(out, "shot.blend"), "-f", "1..3"]
    install(zip_path)
    online(True)
    scene = make_scene()
    render_animation(scene, out, 1, 3)
    render_still(scene, os.path.join(out, "still.png"))
    from rendertally.core.reporter import get_reporter

    assert get_reporter().flush(30)
    result(counts=outbox_counts())


def scenario_batch(zip_path, out):
    """`blender -b scene.blend -f 1..3`: one init/complete pair per frame, as the CLI does."""
    install(zip_path)
    as_blender_binary(["blender", "-b", os.path.join(out, "scene.blend"), "-f", "1..3"])
    online(True)
    scene = make_scene()
    scene.render.filepath = os.path.join(out, "f_####")
    seconds = 0.0
    after_each = []
    for frame in (1, 2, 3):
        scene.frame_start = scene.frame_end = frame  # what `-f N` does: RE_RenderAnim(N, N)
        started = time.monotonic()
        bpy.ops.render.render(animation=True)
        seconds += time.monotonic() - started
        after_each.append(outbox_counts())
    result(seconds=seconds, after_each=after_each, files=sorted(os.listdir(out)))


def scenario_batch_cut_short(zip_path, out):
    """`-f 1..3`, but the process ends while frame 3 renders (init with no end): exit reports it."""
    install(zip_path)
    as_blender_binary(["blender", "-b", os.path.join(out, "scene.blend"), "-f", "1..3"])
    online(True)
    scene = make_scene()
    scene.render.filepath = os.path.join(out, "f_####")
    for frame in (1, 2):
        scene.frame_start = scene.frame_end = frame
        bpy.ops.render.render(animation=True)
    from rendertally.plugins.blender import handlers

    scene.frame_start = scene.frame_end = 3
    handlers.on_render_init(scene, None)  # frame 3 starts; then the process exits
    result(counts=outbox_counts())


LAZY = ("rendertally.core.reporter", "rendertally.core.outbox", "rendertally.core.settings",
        "rendertally.core.sender", "rendertally.core.wire", "sqlite3", "platformdirs", "requests")


def scenario_lazy_start(zip_path, out):
    """Register (online access off) imports and opens nothing; the first render does; a quick
    unregister right after a register with online access on leaves no sender running."""
    import threading

    online(False)
    install(zip_path)
    outbox_file = os.path.join(os.environ["RENDERTALLY_HOME"], "outbox.sqlite3")
    at_register = sorted(m for m in LAZY if m in sys.modules)
    outbox_at_register = os.path.exists(outbox_file)
    render_still(make_scene(), os.path.join(out, "still.png"))
    after_render = sorted(m for m in LAZY if m in sys.modules)
    counts = dict(outbox_counts())
    online(True)
    from rendertally.core import delivery as core_delivery

    start = core_delivery.start

    def slow_start(*args):  # a slow disk: the start is still under way when the add-on goes
        time.sleep(0.5)
        start(*args)

    core_delivery.start = slow_start
    addon_utils.disable(MODULE, default_set=True)
    addon_utils.enable(MODULE, default_set=True)  # starts sending from a thread
    addon_utils.disable(MODULE, default_set=True)  # at once: that start must not outlive this
    from rendertally.core.reporter import get_reporter

    sending_after_disable = get_reporter().sending
    time.sleep(1.0)  # past the slow start: a start that outlived the disable has started by now
    senders = [t.name for t in threading.enumerate() if t.name == "rendertally-sender" and t.is_alive()]
    result(at_register=at_register, outbox_at_register=outbox_at_register, after_render=after_render,
           counts=counts, sending_after_disable=sending_after_disable, senders=senders)


def scenario_versions(zip_path, out):
    """What differs between Blender versions: EEVEE's engine id, the render handlers' arguments,
    the manifest's minimum version (Blender's installer checks it) and the online switch."""
    install(zip_path)
    from rendertally.plugins.blender.scene import describe

    scene = make_scene()
    offered = [item.identifier for item in scene.render.bl_rna.properties["engine"].enum_items]
    engines = {}
    for engine_id in [i for i in offered if i.startswith("BLENDER_")] + ["CYCLES"]:
        scene.render.engine = engine_id
        engines[engine_id] = describe(scene).engine
    scene.render.engine = "CYCLES"
    arguments = []

    @bpy.app.handlers.persistent
    def count_arguments(*args):
        arguments.append(len(args))

    bpy.app.handlers.render_post.append(count_arguments)
    online(True)
    render_still(scene, os.path.join(out, "still.png"))
    bpy.app.handlers.render_post.remove(count_arguments)
    result(version=bpy.app.version_string, python=f"{sys.version_info[0]}.{sys.version_info[1]}", engines=engines,
           handler_arguments=arguments, has_online_access=hasattr(bpy.app, "online_access"),
           counts=outbox_counts())


def scenario_hang(zip_path, out):
    """The API never answers: renders are not slowed; the exit wait is bounded."""
    install(zip_path)
    online(True)
    scene = make_scene()
    seconds, error = render_animation(scene, os.path.join(out, "anim"), 1, 3)
    assert error is None, error
    still = render_still(scene, os.path.join(out, "still.png"))
    result(seconds=seconds + still, counts=outbox_counts())


def scenario_offline(zip_path, out):
    """Online access off: recorded, not sent; turned on: sent; turned off again: kept."""
    install(zip_path)
    from rendertally.plugins.blender import preferences, status

    scene = make_scene()
    render_still(scene, os.path.join(out, "one.png"))
    send_while_offline = sorted(bpy.ops.rendertally.send_pending())  # refused: online access is off
    time.sleep(1.5)
    sent_while_offline = len(sandbox_jobs())
    offline_lines = [text for _, text in status.snapshot(max_age=0).lines()]
    online(True)
    layout = RecordingLayout()
    preferences.draw(layout, preferences_of(), bpy.context)  # a redraw notices the switch
    delivered = wait_for(lambda: len(sandbox_jobs()) == 1, 15)
    # Off and on again at once (the sender thread of "off" has not ended yet): still sending.
    online(False)
    preferences.draw(RecordingLayout(), preferences_of(), bpy.context)
    online(True)
    preferences.draw(RecordingLayout(), preferences_of(), bpy.context)
    render_still(scene, os.path.join(out, "two.png"))
    delivered_after_toggle = wait_for(lambda: len(sandbox_jobs()) == 2, 15)
    buttons = [sorted(bpy.ops.rendertally.send_pending()), sorted(bpy.ops.rendertally.retry_rejected())]
    online(False)
    render_still(scene, os.path.join(out, "three.png"))
    result(sent_while_offline=sent_while_offline, offline_lines=offline_lines, delivered_after_online=delivered,
           delivered_after_toggle=delivered_after_toggle, counts=outbox_counts(),
           send_while_offline=send_while_offline, buttons=buttons)


def preferences_of():
    return bpy.context.preferences.addons[MODULE].preferences


def scenario_preferences(zip_path, out):
    """Settings through the preferences, the Key kept out of userpref.blend, registration."""
    install(zip_path)
    from rendertally.core import settings
    from rendertally.plugins.blender import handlers, overrides, preferences

    prefs = preferences_of()
    prefs.account_id = "4242"
    prefs.account_key = os.environ["TEST_SECRET_KEY"]
    prefs.email = "artist@example.com"
    prefs.job_type = "economy"
    prefs.mission_id = "M-1"
    prefs.wire_format = "xml"
    read_back = {name: getattr(prefs, name) for name in ("account_id", "email", "job_type", "mission_id", "wire_format")}
    key_matches = prefs.account_key == os.environ["TEST_SECRET_KEY"]

    prefs.email = "not an e-mail"  # must not raise into Blender, must not be saved
    email_after_bad = settings.load().email
    email_problem = preferences.problems.get("email")
    prefs.url = "https://elsewhere.example.com"  # fixed by RENDERTALLY_URL in the environment
    url_problem = preferences.problems.get("url")

    prefs.show_advanced = True
    layout = RecordingLayout()
    preferences.draw(layout, prefs, bpy.context)
    panel = RecordingLayout()
    overrides.draw(panel, bpy.context.scene)

    bpy.ops.wm.save_userpref()
    counts = [handlers.count()]
    addon_utils.disable(MODULE, default_set=True)
    counts.append(handlers.count())
    scene_property_after_disable = hasattr(bpy.types.Scene, "rendertally")
    addon_utils.enable(MODULE, default_set=True)
    counts.append(handlers.count())
    # Persistent: our handlers and the scene's overrides survive opening a .blend.
    bpy.context.scene.rendertally.mission_id = "M-saved"
    blend = os.path.join(out, "saved.blend")
    bpy.ops.wm.save_as_mainfile(filepath=blend)
    bpy.ops.wm.open_mainfile(filepath=blend)
    counts.append(handlers.count())
    mission_after_open = bpy.context.scene.rendertally.mission_id
    from rendertally.plugins.blender import handlers as handlers_again

    all_render_handlers = {name: [getattr(f, "__module__", "") for f in getattr(bpy.app.handlers, name)]
                           for name in handlers_again.HANDLERS}
    result(read_back=read_back, key_matches=key_matches, email_after_bad=email_after_bad,
           email_problem=email_problem, url_problem=url_problem, drawn=layout.lines, panel=panel.lines,
           counts=counts, scene_property_after_disable=scene_property_after_disable,
           mission_after_open=mission_after_open,
           all_render_handlers=all_render_handlers, userpref=os.path.join(USER, "config", "userpref.blend"))


if __name__ == "__main__":
    name, zip_file = sys.argv[1], sys.argv[2]
    workdir = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix=f"rt-{name}-")
    os.makedirs(workdir, exist_ok=True)
    globals()[f"scenario_{name}"](zip_file, workdir)
