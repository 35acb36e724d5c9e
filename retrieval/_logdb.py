"""Opening the query-log database safely when several processes open it at once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from kernel.database import BUSY_TIMEOUT_S, open_shared

QUERIES = "queries"
FEEDBACK = "feedback"


def open_for_writing(path: Path) -> sqlite_utils.Database:
    """The log at `path`, created with its schema if new, in WAL mode."""
    return open_shared(path, _prepare)


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
    db.execute("PRAGMA foreign_keys = ON")
    create_schema(db)


def create_schema(db: sqlite_utils.Database) -> None:
    """The two tables of docs/design.md, created explicitly so the schema lives here only.

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
