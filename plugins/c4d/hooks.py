"""The hooks: the plugins C4D calls, each entry inside the host guard.

- a MessageData whose timer (``GetTimer`` → ms; ``CoreMessage`` with ``MSG_TIMER``) ticks the
  watcher on C4D's main thread;
- a CommandData "RenderTally Settings…" (Extensions menu) opening the dialog;
- the optional VideoPostData effect "RenderTally" (:mod:`.effect`; off until a user adds it to the
  render settings) whose facts the timer hands to the recorder;
- ``plugin_message``: the .pyp's ``PluginMessage`` — C4DPL_COMMANDLINEARGS, C4DPL_ENDPROGRAM.
https://developers.maxon.net/docs/py/2025_0_0/modules/c4d.plugins/BaseData/MessageData/index.html
"""
from __future__ import annotations

import logging
import sys
from typing import Any

from rendertally.core.guard import guarded
from rendertally.core.job import JobStatus

from . import commandline, delivery, dialog, effect
from .recorder import Recorder
from .scene import SceneFacts, describe, frame_count, software_version
from .watcher import Watcher

log = logging.getLogger(__name__)

# Plugin ids: PLACEHOLDERS from Maxon's test range until RenderTally registers its own with
# Maxon's plugin ID generator (https://developers.maxon.net/forum/pid); replace before shipping.
WATCHER_ID = 1000001  # placeholder
SETTINGS_ID = 1000002  # placeholder
EFFECT_ID = 1000003  # placeholder
EFFECT_NAME = "RenderTally"
TIMER_MS = 500

state: dict[str, Any] = {"watcher": None, "commandline": None, "dialog": None}


def register() -> None:
    """Register the watcher and the settings command; start sending."""
    import c4d

    tally = effect.Tally()
    recorder = Recorder(software_version(c4d.GetC4DVersion()), tally)
    state["watcher"] = Watcher(recorder)
    guarded(delivery.start)()

    class RenderTallyWatcher(c4d.plugins.MessageData):
        def GetTimer(self) -> int:  # noqa: N802 - C4D's name
            return TIMER_MS

        def CoreMessage(self, id: int, bc: Any) -> bool:  # noqa: A002, N802
            if id == c4d.MSG_TIMER:
                guarded(tick)()
            return True

    class RenderTallySettings(c4d.plugins.CommandData):
        def Execute(self, doc: Any) -> bool:  # noqa: N802
            guarded(open_dialog)()
            return True

    c4d.plugins.RegisterMessagePlugin(WATCHER_ID, "RenderTally watcher", 0, RenderTallyWatcher())
    c4d.plugins.RegisterCommandPlugin(SETTINGS_ID, "RenderTally Settings...", 0, None,
                                      "Id, Key and e-mail for RenderTally", RenderTallySettings())
    guarded(_register_effect)(tally)


def _register_effect(tally: effect.Tally) -> None:
    """The "RenderTally" render effect; without it every render is still reported from the timer."""
    import c4d

    # info 0: an effect that neither renders (PLUGINFLAG_VIDEOPOST_ISRENDERER) nor may be added twice
    # (PLUGINFLAG_VIDEOPOST_MULTIPLE); disklevel 0 (it stores no parameters), priority 0.
    # https://developers.maxon.net/docs/cpp/2025_0_1/classcinema_1_1_video_post_data.html
    if not c4d.plugins.RegisterVideoPostPlugin(EFFECT_ID, EFFECT_NAME, 0, effect.make_effect_class(tally),
                                               effect.DESCRIPTION, 0, 0):
        log.warning("RenderTally: the render effect did not register (is the plugin's res folder there?); "
                    "renders are still reported from the timer")


def tick() -> None:
    watcher: Watcher | None = state["watcher"]
    if watcher is None:
        return
    if state["commandline"] is None:
        watcher.tick()
    watcher.recorder.tick()  # the effect's facts, also during a Commandline render


def open_dialog() -> None:
    import c4d

    if state["dialog"] is None:
        state["dialog"] = dialog.make_dialog_class()()
    state["dialog"].Open(c4d.DLG_TYPE_ASYNC, SETTINGS_ID, -1, -1, 420, 0)


@guarded
def plugin_message(message: int, data: Any) -> bool:
    import c4d

    watcher: Watcher | None = state["watcher"]
    if watcher is None:
        return False
    if message == c4d.C4DPL_COMMANDLINEARGS:
        render = commandline.parse(sys.argv)
        if render is not None:
            state["commandline"] = render
            watcher.recorder.start(_commandline_facts(render))
        return True
    if message == c4d.C4DPL_ENDPROGRAM:
        if state["commandline"] is not None:
            # Commandline quits after its render; one the effect saw still open was cut short
            watcher.recorder.finish(JobStatus.DONE, unclosed=JobStatus.FAILED)
        else:
            watcher.recorder.process_exit()
        delivery.close(delivery.exit_wait())
        return True
    return False


def _commandline_facts(render: commandline.Render) -> SceneFacts:
    import c4d

    doc = c4d.documents.LoadDocument(render.scene, c4d.SCENEFILTER_NONE)
    facts = describe(doc, render.take) if doc is not None else SceneFacts(engine="unknown", expected_frames=0)
    if render.frames is not None:
        facts = SceneFacts(engine=facts.engine, expected_frames=frame_count(*render.frames))
    return facts
