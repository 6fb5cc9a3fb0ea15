"""Render docs/panel.png: the settings panel over sample reports of the hosts that exist.

Runs in a throw-away RenderTally home (nothing of yours is read or written), offscreen.
Usage: python scripts/panel_screenshot.py [PATH]
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "panel.png"


def main(path: Path = OUT) -> int:
    home = tempfile.mkdtemp(prefix="rendertally-screenshot-")
    os.environ.update(RENDERTALLY_HOME=home, RENDERTALLY_KEYRING="0", QT_QPA_PLATFORM="offscreen")
    from rendertally.core import settings
    from rendertally.core.outbox import Outbox
    from rendertally.core.reporter import OUTBOX_FILE
    from rendertally.ui import app

    settings.save({"id": "170200123", "key": "sample-key-not-real", "email": "larry@newmedia.com",
                   "mission_id": "1234"})
    box = Outbox(Path(home) / OUTBOX_FILE)
    from rendertally.core.job import RenderJob

    day = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.timezone.utc)
    samples = [
        ("BLD", "4.2.3", "Cycles", 1, 0.05, "done", -20, "delivered"),
        ("MAY", "2025", "V-Ray 6 Hotfix 3 (GPU, RTX, out-of-core)", 100, 3.2, "done", -2, "rejected"),
        ("MAY", "2026", "Arnold", 87, 0.6, "aborted", -1, "delivered"),
        ("BLD", "5.0.1", "EEVEE", 250, 0.42, "done", 0, "pending"),
    ]
    for software, version, engine, frames, hours, status, hours_ago, state in samples:
        row = box.submit(RenderJob(frames=frames, render_hours=hours, software=software, software_version=version,
                                   render_engine=engine, status=status, run_date=day + dt.timedelta(hours=hours_ago)))
        if state == "delivered":
            box.mark_delivered(row, "00", "Job data recorded.", 200)
        elif state == "rejected":
            box.mark_rejected(row, "01 Invalid MissionId.", kind="rejected", status=200, code="01",
                              description="Invalid MissionId.")
    box.close()
    return app.main(screenshot=str(path))


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
