"""Opening the query-log database safely when several processes open it at once."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlite_utils

log = logging.getLogger(__name__)

T = TypeVar("T")
QUERIES = "queries"
FEEDBACK = "feedback"
BUSY_TIMEOUT_S = 10.0
_ATTEMPTS = 6
_FIRST_PAUSE_S = 0.05


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether `exc` is SQLite saying another connection holds the lock (worth a retry)."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def with_retries(action: Callable[[], T]) -> T:
    """Run `action`, again after a growing pause while the database is busy.

    The busy timeout covers most waits; some steps (switching to WAL, a lock upgrade in a
    deferred transaction) fail at once instead of waiting, and these need the retries.
    """
    pause = _FIRST_PAUSE_S
    for attempt in range(_ATTEMPTS):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or attempt == _ATTEMPTS - 1:
                raise
            time.sleep(pause)
            pause *= 2
    raise AssertionError("unreachable")


def open_for_writing(path: Path) -> sqlite_utils.Database:
    """The log at `path`, created with its schema if new, in WAL mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    try:
        db = sqlite_utils.Database(conn)
        with_retries(lambda: _prepare(db))
    except sqlite3.Error:
        conn.close()
        raise
    return db


def open_for_reading(path: Path) -> sqlite_utils.Database:
    """The existing log at `path`, read-only: nothing in the file is changed.

    Raises:
        sqlite3.DatabaseError: the file is not an SQLite database.
        LookupError: it is one, but not a newsdesk query log.
    """
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro",
        uri=True,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_S,
    )
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.Error:
        conn.close()
        raise
    if not {QUERIES, FEEDBACK} <= tables:
        conn.close()
        raise LookupError(f"it has no {QUERIES} and {FEEDBACK} tables")
    return sqlite_utils.Database(conn)


def _prepare(db: sqlite_utils.Database) -> None:
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    create_schema(db)


def create_schema(db: sqlite_utils.Database) -> None:
    """The two tables of DESIGN.md, created explicitly so the schema lives here only.

    Every statement is `IF NOT EXISTS`, so processes that create it at once all succeed.
    """
    db.table(QUERIES).create(
        {
            "id": int,
            "ts": str,
            "interface": str,
            "guild_id": int,
            "channel_id": int,
            "user_hash": str,
            "question": str,
            "answered": int,
            "answer": str,
            "sources": str,
            "top_score": float,
            "latency_ms": float,
            "index_version": str,
        },
        pk="id",
        not_null=["ts", "interface", "question", "answered", "latency_ms"],
        if_not_exists=True,
    )
    db.table(FEEDBACK).create(
        {"query_id": int, "user_hash": str, "vote": int, "ts": str},
        pk=("query_id", "user_hash"),
        foreign_keys=[("query_id", QUERIES, "id")],
        not_null=["vote", "ts"],
        if_not_exists=True,
    )
    db.table(QUERIES).create_index(["ts"], if_not_exists=True)
    db.table(QUERIES).create_index(["answered"], if_not_exists=True)
