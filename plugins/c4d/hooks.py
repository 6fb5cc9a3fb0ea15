"""The hooks: the plugins C4D calls, each entry inside the host guard.

- a MessageData whose timer (``GetTimer`` → ms; ``CoreMessage`` with ``MSG_TIMER``) ticks the
  watcher on C4D's main thread;
- a CommandData "RenderTally Settings…" (Extensions menu) opening the dialog;
- ``plugin_message``: the .pyp's ``PluginMessage`` — C4DPL_COMMANDLINEARGS, C4DPL_ENDPROGRAM.
https://developers.maxon.net/docs/py/2025_0_0/modules/c4d.plugins/BaseData/MessageData/index.html
"""
from __future__ import annotations

import logging
import sys
from typing import Any

from rendertally.core.guard import guarded
from rendertally.core.job import JobStatus

from . import commandline, delivery, dialog
from .recorder import Recorder
from .scene import SceneFacts, describe, frame_count, software_version
from .watcher import Watcher

log = logging.getLogger(__name__)

# Plugin ids: PLACEHOLDERS from Maxon's test range until RenderTally registers its own with
# Maxon's plugin ID generator (https://developers.maxon.net/forum/pid); replace before shipping.
WATCHER_ID = 1000001  # placeholder
SETTINGS_ID = 1000002  # placeholder
TIMER_MS = 500

state: dict[str, Any] = {"watcher": None, "commandline": None, "dialog": None}


def register() -> None:
    """Register the watcher and the settings command; start sending."""
    import c4d

    recorder = Recorder(software_version(c4d.GetC4DVersion()))
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


def tick() -> None:
    if state["commandline"] is None and state["watcher"] is not None:
        state["watcher"].tick()


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
            watcher.recorder.finish(JobStatus.DONE)  # Commandline quits after its render
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
