"""The ledger: which farm jobs were reported already, so a restarted reporter sends nothing twice.

It is a small SQLite file beside the outbox (``farm-ledger.sqlite3`` in the RenderTally home).
A job is queued in the outbox first and written to the ledger right after; a reporter killed
between the two writes reports that one job again on restart — the same at-least-once window
as delivery itself (docs/farm.md).
"""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from rendertally.core.errors import OutboxError

LEDGER_FILE = "farm-ledger.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS reported (
    key         TEXT PRIMARY KEY,
    outbox_row  INTEGER,
    at          REAL NOT NULL
);
"""


class Ledger:
    """Farm job keys (``manager:job id``) that are in the outbox already."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise OutboxError(f"Cannot open the farm ledger {self.path}: {exc}") from exc

    def seen(self, key: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM reported WHERE key = ?", (key,)).fetchone() is not None

    def record(self, key: str, outbox_row: int | None) -> None:
        try:
            with self._lock:
                self._db.execute("INSERT OR IGNORE INTO reported (key, outbox_row, at) VALUES (?, ?, ?)",
                                 (key, outbox_row, time.time()))
        except sqlite3.Error as exc:
            raise OutboxError(f"Cannot write the farm ledger {self.path}: {exc}") from exc

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM reported").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
