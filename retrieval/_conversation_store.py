"""Keeping the last turn of each conversation in the bot's database, so follow-ups survive a
restart.

The `conversations` table of `NEWSDESK_DB` (the query log's file) holds one row per key (an
answer thread's id or an answer message's id): the turn as JSON and when it was written; only
the most recently written `limit` keys are kept. A turn holds the question as asked and as
read, the words that answered and the first quote's text: what the `queries` table already
stores of that question, and no user id.

Nothing here raises: a database that cannot be opened or written is reported in one log line
(again only after it has worked in between), and the conversations go on in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
from collections.abc import Collection
from pathlib import Path

import sqlite_utils

from kernel.database import open_shared, with_retries
from retrieval._referents import Turn

log = logging.getLogger(__name__)

CONVERSATIONS = "conversations"


def turn_to_json(turn: Turn) -> str:
    """The turn as a JSON object, its as-of date an ISO day."""
    return json.dumps(
        {
            "question": turn.question,
            "read_as": turn.read_as,
            "as_of": turn.as_of.isoformat() if turn.as_of is not None else None,
            "answer_words": turn.answer_words,
            "answer_text": turn.answer_text,
            "referents": [list(pair) for pair in turn.referents],
        },
        ensure_ascii=False,
    )


def turn_from_json(text: str) -> Turn:
    """The turn `turn_to_json` wrote.

    Raises:
        ValueError: the text is not such a turn.
    """
    try:
        data = json.loads(text)
        as_of = data["as_of"]
        referents = tuple((str(p), str(r)) for p, r in data["referents"])
        return Turn(
            str(data["question"]),
            str(data["read_as"]),
            dt.date.fromisoformat(as_of) if as_of is not None else None,
            _optional_text(data["answer_words"]),
            _optional_text(data["answer_text"]),
            referents,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a conversation turn: {exc}") from exc


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


def _create_schema(db: sqlite_utils.Database) -> None:
    db.table(CONVERSATIONS).create(
        {"key": int, "turn": str, "updated": str},
        pk="key",
        not_null=["turn", "updated"],
        if_not_exists=True,
    )
    db.table(CONVERSATIONS).create_index(["updated"], if_not_exists=True)


def _now() -> str:
    # Microseconds: rows written one after another sort in the order they were written.
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class ConversationStore:
    """The last turn of each key in the `conversations` table; thread-safe, never raises."""

    def __init__(self, path: Path, *, limit: int = 1000) -> None:
        self.path = path
        self.limit = limit
        self._db: sqlite_utils.Database | None = None
        self._failing = False  # the last attempt failed (and was reported)
        self._closed = False
        self._lock = threading.Lock()

    def load(self, key: int) -> Turn | None:
        """The turn kept under `key`, or None (none kept, or the database cannot be read)."""
        with self._lock:
            try:
                db = self._open()
                rows = list(db.query(f"SELECT turn FROM {CONVERSATIONS} WHERE key = ?", [key]))
            except (sqlite3.Error, OSError) as exc:
                self._report(exc)
                return None
            self._failing = False
        if not rows:
            return None
        try:
            return turn_from_json(rows[0]["turn"])
        except ValueError as exc:
            log.warning("conversation %s is kept in a form not understood (%s)", key, exc)
            return None

    def save(self, keys: Collection[int], turn: Turn) -> bool:
        """Keep `turn` under each key and forget all but the newest `limit` keys.

        Returns:
            Whether it was written (a failure is logged, never raised).
        """
        if not keys:
            return True
        text, now = turn_to_json(turn), _now()
        rows = [{"key": key, "turn": text, "updated": now} for key in keys]
        with self._lock:
            try:
                db = self._open()
                with_retries(lambda: self._write(db, rows))
            except (sqlite3.Error, OSError) as exc:
                self._report(exc)
                return False
            self._failing = False
        return True

    def close(self) -> None:
        """Close the database file; later calls keep nothing."""
        with self._lock:
            self._closed = True
            if self._db is not None:
                self._db.close()
                self._db = None

    def _write(self, db: sqlite_utils.Database, rows: list[dict[str, object]]) -> None:
        with db.conn:
            db.table(CONVERSATIONS).upsert_all(rows, pk="key")
            db.execute(
                f"DELETE FROM {CONVERSATIONS} WHERE key IN (SELECT key FROM {CONVERSATIONS} "
                "ORDER BY updated DESC, key DESC LIMIT -1 OFFSET ?)",
                [self.limit],
            )

    def _open(self) -> sqlite_utils.Database:
        """The open database, opened on first use and after a failed open (lock held)."""
        if self._closed:
            raise sqlite3.ProgrammingError("the conversation store is closed")
        if self._db is None:
            self._db = open_shared(self.path, _create_schema)
        return self._db

    def _report(self, exc: Exception) -> None:
        """One warning when the database stops working, none while it goes on failing."""
        if not self._failing and not self._closed:
            log.warning(
                "conversations cannot be kept in %s (%s); they are kept in memory only",
                self.path,
                exc,
            )
        self._failing = True
