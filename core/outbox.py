"""The outbox: every job on local disk (SQLite, WAL) until the API has it, and after, as history.

Row states: ``open`` (a render in progress, journalled so a crash still reports it) →
``pending`` → ``delivered`` or ``rejected``. Several processes share one file: a sender *claims*
a row with a lease before sending it, so two processes do not send the same row, and a lease
held by a process that died is taken over. The Key is never written here.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Callable

from .errors import OutboxError
from .job import MAX_FRAMES, MAX_HOURS, JobStatus, RenderJob
from .process import pid_alive

log = logging.getLogger(__name__)

OPEN, PENDING, DELIVERED, REJECTED = "open", "pending", "delivered", "rejected"
STATES = (OPEN, PENDING, DELIVERED, REJECTED)
SCHEMA_VERSION = 1
# An open row whose owner never updated it for this long is taken as dead even if its pid
# was reused by another process.
STALE_OPEN_SECONDS = 48 * 3600.0
# The write-ahead log is copied back into the database past this size by our own threads (the
# sender after a pass, a session's heartbeat each second): a checkpoint writes and flushes the
# database file, and SQLite's own, at 1,000 pages (~4 MB), would run it at whichever commit
# crosses that line, a host's included. Kept short, the log is also reused from its start
# instead of growing: appending to a growing file makes every fsync flush its size as well.
CHECKPOINT_BYTES = 1024 * 1024

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    state         TEXT    NOT NULL CHECK (state IN ('open', 'pending', 'delivered', 'rejected')),
    job           TEXT    NOT NULL,
    created       REAL    NOT NULL,
    updated       REAL    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  REAL    NOT NULL DEFAULT 0,
    lease_until   REAL    NOT NULL DEFAULT 0,
    owner         TEXT,
    last_error    TEXT,
    error_kind    TEXT,
    http_status   INTEGER,
    code          TEXT,
    description   TEXT,
    delivered_at  REAL
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, next_attempt);
"""


@dataclasses.dataclass(frozen=True)
class Row:
    """One outbox row as read; ``job`` is the validated record, None if it cannot be read
    (such a row is set aside as rejected, kind "damaged", and still shown to people)."""

    id: int
    state: str
    job: RenderJob | None
    created: float
    updated: float
    attempts: int
    next_attempt: float
    last_error: str | None
    error_kind: str | None
    http_status: int | None
    code: str | None
    description: str | None
    delivered_at: float | None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["job"] = self.job.to_dict() if self.job is not None else None
        return data


# (row id, new state, column values): one attempt's outcome, for Outbox.settle.
Settlement = tuple[int, str, dict[str, Any]]


def delivered(row_id: int, code: str, description: str, status: int | None, when: float) -> Settlement:
    """The outcome of an attempt the API answered with its "00" answer."""
    return (row_id, DELIVERED, {"code": code, "description": description, "http_status": status,
                                "delivered_at": when, "last_error": None, "error_kind": None})


def process_token() -> str:
    """Who owns a lease or an open row: host, pid and a per-process nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{_NONCE}"


_NONCE = uuid.uuid4().hex[:8]


def _owner_dead(owner: str | None) -> bool:
    """True when ``owner`` names a process on this host that no longer runs."""
    if not owner:
        return True
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # another machine's process: only its lease expiry frees it
    if owner == process_token():
        return False
    return not pid_alive(int(pid_text))


def _is_damage(exc: Exception) -> bool:
    text = str(exc)
    return "not a database" in text or "malformed" in text


class Outbox:
    """A SQLite-backed queue of jobs, safe across threads and processes."""

    def __init__(self, path: os.PathLike[str] | str, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.RLock()
        self._listeners: list[Callable[[], None]] = []
        self._db = self._open()
        # A second connection for writes that need no disk flush of their own (see _write): a
        # connection's synchronous mode is its own, so neither ever switches back and forth.
        self._quick = self._connect_quick()
        self._checkpointer: sqlite3.Connection | None = None
        self._open_records: dict[int, dict[str, Any]] = {}  # open rows' records (see update_open)
        self._checkpoint_lock = threading.Lock()
        self._closed = False

    # -- connection -------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if not self.path.is_file() or not _is_damage(exc):
                raise OutboxError(f"Cannot open the outbox {self.path}: {exc}") from exc
            aside = self._move_aside(exc)
            try:
                db = self._connect()
            except sqlite3.Error as again:
                raise OutboxError(f"Cannot open the outbox {self.path}: {again}") from again
            self._salvage(aside, db)
            return db
        except (OSError, sqlite3.Error) as exc:
            raise OutboxError(f"Cannot open the outbox {self.path}: {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None, check_same_thread=False)
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA busy_timeout = 10000")
            db.execute("PRAGMA journal_mode = WAL")
            # FULL: a committed job survives power loss too, not only a killed process.
            db.execute("PRAGMA synchronous = FULL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise OutboxError(f"The outbox {self.path} was written by a newer RenderTally")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            # Reads every page once (a count(*) would be answered from an index alone): damage is
            # found now, while it can be set aside, not on some later write.
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise sqlite3.DatabaseError(f"database disk image is malformed ({verdict})")
        except BaseException:
            db.close()
            raise
        try:
            os.chmod(self.path, 0o600)
        except OSError:
            pass
        return db

    def _move_aside(self, exc: Exception) -> Path:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(self._clock())}")
        log.warning("The outbox %s is damaged (%s); moved aside to %s", self.path, exc, aside)
        os.replace(self.path, aside)
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return aside

    def _salvage(self, aside: Path, db: sqlite3.Connection) -> None:
        """Copy every row still readable in the damaged file into the new outbox (best effort)."""
        saved = 0
        try:
            old = sqlite3.connect(f"file:{aside}?mode=ro", uri=True)
            try:
                for state, job, created, attempts in old.execute(
                        "SELECT state, job, created, attempts FROM jobs ORDER BY id"):
                    db.execute(
                        "INSERT INTO jobs (state, job, created, updated, attempts) VALUES (?, ?, ?, ?, ?)",
                        (state, job, created, self._clock(), attempts))
                    saved += 1
            finally:
                old.close()
        except sqlite3.Error as exc:
            log.warning("Salvaging the damaged outbox stopped at row %s: %s", saved + 1, exc)
        if saved:
            log.warning("Salvaged %s job(s) from the damaged outbox %s", saved, aside)

    def _connect_quick(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA busy_timeout = 10000")
            db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            self._db.close()
            raise OutboxError(f"Cannot open the outbox {self.path}: {exc}") from exc
        return db

    def checkpoint(self, *, at_least: int | None = None) -> bool:
        """Copy the write-ahead log back into the database once it holds ``at_least`` bytes
        (default :data:`CHECKPOINT_BYTES`).

        For background threads only (the sender after a pass, a session's heartbeat each
        second): it writes and flushes the database file. It takes neither this object's lock
        nor the write lock (a passive checkpoint), so a host's writes go on meanwhile. True when
        a checkpoint ran. The last connection to close checkpoints too (SQLite's own rule).
        """
        limit = CHECKPOINT_BYTES if at_least is None else at_least
        try:
            if self._closed or os.stat(f"{self.path}-wal").st_size < limit:
                return False
        except OSError:
            return False
        with self._checkpoint_lock:
            try:
                if self._closed:
                    return False
                if self._checkpointer is None:
                    self._checkpointer = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None,
                                                         check_same_thread=False)
                self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error as exc:
                raise OutboxError(f"The outbox {self.path} could not be checkpointed: {exc}") from exc
        return True

    def close(self) -> None:
        self._closed = True
        with self._checkpoint_lock:
            if self._checkpointer is not None:
                self._checkpointer.close()
                self._checkpointer = None
        with self._lock:
            self._quick.close()
            self._db.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One durable write transaction, taken at once (BEGIN IMMEDIATE) so writers queue, not deadlock."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise OutboxError(f"The outbox {self.path} could not be written: {exc}") from exc

    def _write(self, sql: str, args: tuple[Any, ...], *, durable: bool = True) -> sqlite3.Cursor:
        """One statement, its own transaction (autocommit takes the write lock at once, as BEGIN
        IMMEDIATE does): the cheapest write, for the paths a host's thread pays for.

        ``durable=False`` is for an open render's progress (frames so far, heartbeats) and for
        delivery records between the sender's flushes: committed through the second connection,
        whose commits do not wait for the disk (WAL, synchronous=NORMAL). A killed process loses
        nothing (the OS has the write); a power cut can lose what was written since the last
        durable commit (any commit of the first connection flushes the whole log, these too).
        """
        with self._lock:
            try:
                return (self._db if durable else self._quick).execute(sql, args)
            except sqlite3.Error as exc:
                raise OutboxError(f"The outbox {self.path} could not be written: {exc}") from exc

    def _read(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, tuple(args)).fetchall()
            except sqlite3.Error as exc:
                raise OutboxError(f"The outbox {self.path} could not be read: {exc}") from exc

    # -- listeners ----------------------------------------------------------------------------
    def on_submit(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each job becomes pending (the sender's wake-up)."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- writing ------------------------------------------------------------------------------
    def submit(self, job: RenderJob) -> int:
        """Queue a finished job; one durable write. Returns the row id."""
        now = self._clock()
        cur = self._write("INSERT INTO jobs (state, job, created, updated, next_attempt) VALUES (?, ?, ?, ?, ?)",
                          (PENDING, _dump(job), now, now, now))
        self._notify()
        return int(cur.lastrowid)

    def open(self, job: RenderJob, *, durable: bool = True) -> int:
        """Journal a render that has started: if this process dies, the next one reports it.

        ``durable=False``: without a disk flush of its own (a killed process loses nothing; the
        caller makes it durable soon after, off the host's thread, with :meth:`heartbeat`).
        """
        now = self._clock()
        record = job.to_dict()
        cur = self._write("INSERT INTO jobs (state, job, created, updated, owner) VALUES (?, ?, ?, ?, ?)",
                          (OPEN, _dump_dict(record), now, now, process_token()), durable=durable)
        row_id = int(cur.lastrowid)
        with self._lock:
            self._open_records[row_id] = record
        return row_id

    def update_open(self, row_id: int, frames: int, hours: float) -> None:
        """Record progress of an open render (frames so far, hours so far); no fsync (see _write).

        The host's thread pays this once per frame, so the record is the one journalled at
        :meth:`open` with the two numbers replaced (clamped to what a record may hold, so the
        journal stays readable whatever the count), not a job built and checked again.
        """
        with self._lock:
            record = self._open_records.get(row_id)
        if record is None:
            record = self._open_record(row_id)
        record = {**record, "frames": min(max(int(frames), 0), MAX_FRAMES),
                  "render_hours": min(max(float(hours), 0.0), MAX_HOURS)}
        self._write("UPDATE jobs SET job = ?, updated = ? WHERE id = ? AND state = ?",
                    (_dump_dict(record), self._clock(), row_id, OPEN), durable=False)

    def _open_record(self, row_id: int) -> dict[str, Any]:
        # Opened by another Outbox object on this file (the one that opened it caches it).
        rows = self._read("SELECT job FROM jobs WHERE id = ? AND state = ?", (row_id, OPEN))
        if not rows:
            raise OutboxError(f"Job {row_id} is no longer an open render")
        record = _load(rows[0]["job"]).to_dict()
        with self._lock:
            self._open_records[row_id] = record
        return record

    def heartbeat(self, row_id: int, *, durable: bool = False) -> None:
        """An open render is still running: if its process dies, its hours reach at least now.

        ``durable=True`` flushes the log to disk, and with it every write before it (the row's
        opening and its progress so far): what a power cut can lose ends there.
        """
        self._write("UPDATE jobs SET updated = ? WHERE id = ? AND state = ?", (self._clock(), row_id, OPEN),
                    durable=durable)

    def close_open(self, row_id: int, job: RenderJob) -> None:
        """The render ended: its final record becomes pending (a durable write)."""
        now = self._clock()
        with self._lock:
            self._open_records.pop(row_id, None)
        cur = self._write("UPDATE jobs SET job = ?, state = ?, updated = ?, next_attempt = ?, owner = NULL "
                          "WHERE id = ? AND state = ?", (_dump(job), PENDING, now, now, row_id, OPEN))
        if cur.rowcount != 1:
            raise OutboxError(f"Job {row_id} is no longer an open render")
        self._notify()

    def recover_orphans(self) -> int:
        """Open renders whose process is gone become pending, as Failed. Returns how many."""
        now = self._clock()
        rows = self._read("SELECT id, job, owner, created, updated FROM jobs WHERE state = ?", (OPEN,))
        dead = [r for r in rows if _owner_dead(r["owner"]) or now - r["updated"] > STALE_OPEN_SECONDS]
        for row in dead:
            job = _load(row["job"])
            # The last sign of life (a frame or a heartbeat) bounds how long it rendered: a render
            # killed mid-frame still reports the time it ran, not only its finished frames'.
            seen_hours = max(row["updated"] - row["created"], 0.0) / 3600.0
            job = job.replace(status=JobStatus.FAILED, render_hours=max(job.render_hours, seen_hours))
            with self._tx() as db:
                db.execute(
                    "UPDATE jobs SET job = ?, state = ?, updated = ?, next_attempt = ?, owner = NULL, "
                    "last_error = ? WHERE id = ? AND state = ?",
                    (_dump(job), PENDING, now, now, "the rendering process ended without finishing",
                     row["id"], OPEN),
                )
            log.warning("Job %s: its render process ended mid-render; reporting it as Failed", row["id"])
        if dead:
            self._notify()
        return len(dead)

    # -- sending ------------------------------------------------------------------------------
    def claim(self, lease: float) -> Row | None:
        """Take the oldest due pending row for ``lease`` seconds, counting the attempt; or None."""
        rows = self.claim_batch(lease, 1)
        return rows[0] if rows else None

    def claim_batch(self, lease: float, limit: int) -> list[Row]:
        """Take up to ``limit`` of the oldest due pending rows for ``lease`` seconds, in one
        transaction (one disk flush for the batch); each attempt is counted."""
        now = self._clock()
        token = process_token()
        taken: dict[int, RenderJob] = {}
        with self._tx() as db:
            candidates = db.execute(
                "SELECT id, lease_until, owner, job FROM jobs WHERE state = ? AND next_attempt <= ? "
                "ORDER BY id LIMIT ?",
                (PENDING, now, max(limit, 50)),
            ).fetchall()
            for cand in candidates:
                if len(taken) >= limit:
                    break
                if cand["lease_until"] > now and not _owner_dead(cand["owner"]):
                    continue
                job, damage = _parse(cand["job"])
                if job is None:
                    # One damaged record must not stop every later job: set it aside for a person.
                    db.execute(
                        "UPDATE jobs SET state = ?, error_kind = 'damaged', last_error = ?, updated = ? "
                        "WHERE id = ?", (REJECTED, f"the stored record cannot be read: {damage}", now, cand["id"]))
                    log.error("Job %s in the outbox cannot be read; set aside as rejected", cand["id"])
                    continue
                taken[cand["id"]] = job
            db.executemany(
                "UPDATE jobs SET lease_until = ?, owner = ?, attempts = attempts + 1, updated = ? WHERE id = ?",
                [(now + lease, token, now, row_id) for row_id in taken],
            )
            rows = db.execute(f"SELECT * FROM jobs WHERE id IN ({', '.join('?' * len(taken))}) "  # noqa: S608
                              "ORDER BY id", list(taken)).fetchall() if taken else []
        return [_row(r, taken[r["id"]]) for r in rows]

    def renew(self, row_ids: Iterable[int], lease: float) -> set[int]:
        """Extend the lease of the rows this process still holds; returns their ids (a row whose
        lease ran out may have been taken by another sender, and is no longer ours to send)."""
        ids = list(row_ids)
        if not ids:
            return set()
        now = self._clock()
        marks = ", ".join("?" * len(ids))
        with self._tx() as db:
            ours = [r["id"] for r in db.execute(
                f"SELECT id FROM jobs WHERE id IN ({marks}) AND state = ? AND owner = ? AND lease_until > ?",  # noqa: S608
                (*ids, PENDING, process_token(), now))]
            db.executemany("UPDATE jobs SET lease_until = ? WHERE id = ?", [(now + lease, i) for i in ours])
        return set(ours)

    def mark_delivered(self, row_id: int, code: str, description: str, status: int | None) -> None:
        self.settle(delivered(row_id, code, description, status, self._clock()))

    def mark_rejected(self, row_id: int, error: str, *, kind: str, status: int | None = None,
                      code: str | None = None, description: str | None = None) -> None:
        self.settle((row_id, REJECTED, {"last_error": error, "error_kind": kind, "http_status": status,
                                        "code": code, "description": description}))

    def mark_retry(self, row_id: int, error: str, *, kind: str, next_attempt: float,
                   status: int | None = None) -> None:
        self.settle((row_id, PENDING, {"last_error": error, "error_kind": kind, "http_status": status,
                                       "next_attempt": next_attempt}))

    def release(self, row_id: int) -> None:
        """Give a claimed row back untried (e.g. the settings turned out to be incomplete)."""
        self.release_many([row_id])

    def release_many(self, row_ids: Iterable[int]) -> None:
        """Give claimed rows back untried: due again at once, their attempt not counted."""
        with self._tx() as db:
            db.executemany(
                "UPDATE jobs SET lease_until = 0, owner = NULL, attempts = max(attempts - 1, 0) "
                "WHERE id = ? AND state = ?",
                [(row_id, PENDING) for row_id in row_ids],
            )

    def settle(self, outcome: Settlement, *, durable: bool = True) -> None:
        """Record one attempt's outcome, ``(row id, state, values)``.

        ``durable=False``: committed without a disk flush. A killed process loses nothing (the
        OS has the write); a power cut can lose it, until the next durable commit flushes the
        log with it (the sender makes one per batch).
        """
        row_id, state, values = outcome
        columns = {**values, "state": state, "updated": self._clock(), "lease_until": 0, "owner": None}
        assignments = ", ".join(f"{name} = ?" for name in columns)
        self._write(f"UPDATE jobs SET {assignments} WHERE id = ?", (*columns.values(), row_id),  # noqa: S608
                    durable=durable)

    def make_due(self) -> int:
        """Every pending job becomes due now (a person asked to send now)."""
        with self._tx() as db:
            cur = db.execute("UPDATE jobs SET next_attempt = 0 WHERE state = ?", (PENDING,))
        return cur.rowcount

    def retry(self, row_id: int) -> bool:
        """A person asks to send a rejected (or waiting) job again now. False if no such job."""
        with self._tx() as db:
            cur = db.execute(
                "UPDATE jobs SET state = ?, next_attempt = 0, lease_until = 0, owner = NULL, "
                "updated = ? WHERE id = ? AND state IN (?, ?)",
                (PENDING, self._clock(), row_id, PENDING, REJECTED),
            )
        if cur.rowcount:
            self._notify()
        return bool(cur.rowcount)

    def retry_rejected(self) -> int:
        """Move every rejected job back to pending; returns how many."""
        with self._tx() as db:
            cur = db.execute(
                "UPDATE jobs SET state = ?, next_attempt = 0, updated = ? WHERE state = ?",
                (PENDING, self._clock(), REJECTED),
            )
        if cur.rowcount:
            self._notify()
        return cur.rowcount

    # -- reading ------------------------------------------------------------------------------
    def get(self, row_id: int) -> Row | None:
        """The row, or None if there is none."""
        rows = self._read("SELECT * FROM jobs WHERE id = ?", (row_id,))
        return _row(rows[0]) if rows else None

    def list(self, states: Iterable[str] = STATES, limit: int = 100) -> list[Row]:
        """Newest first."""
        wanted = tuple(states)
        marks = ", ".join("?" for _ in wanted)
        rows = self._read(
            f"SELECT * FROM jobs WHERE state IN ({marks}) ORDER BY id DESC LIMIT ?",  # noqa: S608
            (*wanted, limit),
        )
        return [_row(r) for r in rows]

    def counts(self) -> dict[str, int]:
        rows = self._read("SELECT state, count(*) AS n FROM jobs GROUP BY state")
        found = {r["state"]: r["n"] for r in rows}
        return {state: found.get(state, 0) for state in STATES}

    def next_due(self) -> float | None:
        """When the earliest pending row becomes due (epoch seconds), or None."""
        rows = self._read(
            "SELECT min(max(next_attempt, lease_until)) AS due FROM jobs WHERE state = ?", (PENDING,)
        )
        return rows[0]["due"] if rows and rows[0]["due"] is not None else None


def _dump(job: RenderJob) -> str:
    return _dump_dict(job.to_dict())


def _dump_dict(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True)


def _load(text: str) -> RenderJob:
    return RenderJob.from_dict(json.loads(text))


def _parse(text: str) -> tuple[RenderJob | None, str]:
    """The stored job record, or None and why it cannot be read."""
    try:
        return _load(text), ""
    except (ValueError, TypeError, KeyError) as exc:  # ValidationError is a ValueError
        return None, str(exc)[:200]


def _row(r: sqlite3.Row, job: RenderJob | None = None) -> Row:
    if job is None:
        job = _parse(r["job"])[0]
    return Row(
        id=r["id"], state=r["state"], job=job, created=r["created"], updated=r["updated"],
        attempts=r["attempts"], next_attempt=r["next_attempt"], last_error=r["last_error"],
        error_kind=r["error_kind"], http_status=r["http_status"], code=r["code"],
        description=r["description"], delivered_at=r["delivered_at"],
    )
