"""Opening an SQLite file that several processes write at once (the query log, the feeds)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlite_utils

T = TypeVar("T")
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


def open_shared(
    path: Path,
    create_schema: Callable[[sqlite_utils.Database], None],
    *,
    busy_timeout_s: float = BUSY_TIMEOUT_S,
) -> sqlite_utils.Database:
    """The database at `path` (created if new) in WAL mode, with its schema made sure of.

    `create_schema` must use `IF NOT EXISTS` statements, so that processes opening a new
    file at once all succeed; the WAL switch and the schema are retried while busy.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False, timeout=busy_timeout_s)
    db = sqlite_utils.Database(conn)

    def prepare() -> None:
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        db.enable_wal()
        create_schema(db)

    try:
        with_retries(prepare)
    except sqlite3.Error:
        conn.close()
        raise
    return db
