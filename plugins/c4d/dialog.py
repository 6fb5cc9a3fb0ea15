"""The settings dialog: a native GeDialog over the shared settings store (C4D ships no Qt).

Id, Key (a password field), e-mail, job type, mission id; Save, Send test report, and the
pending/rejected counts. Values are saved with :func:`rendertally.core.settings.save` — the Key
never goes into C4D's world container or the document. GeDialog (Maxon's Python SDK,
https://developers.maxon.net/docs/py/2025_0_0/modules/c4d.gui/GeDialog/index.html): CreateLayout,
InitValues, Command, AddStaticText, AddEditText (EDITTEXT_PASSWORD), AddButton, SetString,
GetString, SetTitle.
"""
from __future__ import annotations

import logging
from typing import Any

from rendertally.core import settings as settings_mod
from rendertally.core.doctor import send_test
from rendertally.core.errors import RenderTallyError
from rendertally.core.reporter import get_reporter

from . import delivery

log = logging.getLogger(__name__)

# Gadget ids (ours; any ints unique within the dialog).
FIELDS = {"id": 1001, "key": 1002, "email": 1003, "job_type": 1004, "mission_id": 1005}
LABELS = {"id": "Id", "key": "Key", "email": "E-mail", "job_type": "Job type (economy, normal, test)",
          "mission_id": "Mission id"}
SAVE, TEST, STATUS, COUNTS = 2001, 2002, 2003, 2004


def make_dialog_class() -> type:
    """The dialog class, built on the running C4D's ``gui.GeDialog``."""
    import c4d


    class SettingsDialog(c4d.gui.GeDialog):
        def CreateLayout(self) -> bool:  # noqa: N802 - C4D's name
            self.SetTitle("RenderTally settings")
            self.GroupBegin(0, c4d.BFH_SCALEFIT, 2, 0, "")
            for name, gadget in FIELDS.items():
                self.AddStaticText(0, c4d.BFH_LEFT, 0, 0, LABELS[name])
                flags = c4d.EDITTEXT_PASSWORD if name == "key" else 0
                self.AddEditText(gadget, c4d.BFH_SCALEFIT, 300, 0, flags)
            self.GroupEnd()
            self.AddButton(SAVE, c4d.BFH_LEFT, 0, 0, "Save")
            self.AddButton(TEST, c4d.BFH_LEFT, 0, 0, "Send test report")
            self.AddStaticText(STATUS, c4d.BFH_SCALEFIT, 0, 0, "")
            self.AddStaticText(COUNTS, c4d.BFH_SCALEFIT, 0, 0, "")
            return True

        def InitValues(self) -> bool:  # noqa: N802
            current = settings_mod.load()
            for name, gadget in FIELDS.items():
                self.SetString(gadget, "" if name == "key" else (getattr(current, name) or ""))
            self.SetString(STATUS, "Key saved (hidden); type a new one to replace it" if current.key else "")
            self._show_counts()
            return True

        def Command(self, id: int, msg: Any) -> bool:  # noqa: A002, N802 - C4D's names
            if id == SAVE:
                self.save()
            elif id == TEST:
                self.SetString(STATUS, "Sending a test report…")
                self.answer = None
                delivery.in_background(self._test)
                self.SetTimer(250)  # C4D's GUI is touched on its own thread only: Timer shows the answer
            return True

        def Timer(self, msg: Any) -> None:  # noqa: N802
            answer = getattr(self, "answer", None)
            if answer is not None:
                self.SetString(STATUS, answer)
                self.SetTimer(0)
                self._show_counts()

        def save(self) -> bool:
            changes = {name: self.GetString(gadget) for name, gadget in FIELDS.items()}
            if not changes["key"]:
                changes.pop("key")  # an empty Key field keeps the saved Key
            try:
                settings_mod.save(changes)
            except RenderTallyError as exc:
                self.SetString(STATUS, f"Not saved: {exc}")
                return False
            self.SetString(STATUS, "Saved.")
            self.SetString(FIELDS["key"], "")
            return True

        def _test(self) -> None:  # on a worker thread: no GUI calls here
            lines: list[str] = []
            try:
                send_test("C4D", out=lines.append)
            except RenderTallyError as exc:
                lines.append(str(exc))
            self.answer = lines[-1] if lines else ""

        def _show_counts(self) -> None:
            counts = get_reporter().outbox.counts()
            self.SetString(COUNTS, f"{counts['pending']} pending, {counts['rejected']} rejected, "
                                   f"{counts['delivered']} delivered")

    return SettingsDialog
