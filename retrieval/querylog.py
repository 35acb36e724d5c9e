"""The query log: every question, its answer and every vote, in SQLite through sqlite-utils."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from kernel.database import with_retries
from kernel.errors import NewsdeskError
from retrieval._logdb import FEEDBACK, QUERIES, open_for_reading, open_for_writing
from retrieval.answer import Answer

log = logging.getLogger(__name__)

_QUERIES = QUERIES
_FEEDBACK = FEEDBACK


class QueryLogUnavailable(NewsdeskError):
    """The query log cannot be opened or read."""


@dataclass(frozen=True)
class LoggedQuery:
    """One logged question and what was answered."""

    query_id: int
    ts: str
    interface: str  # "slash", "mention" or "cli"
    question: str
    answered: bool
    answer: str | None
    quote_texts: tuple[str, ...]
    top_score: float | None
    latency_ms: float
    index_version: str | None


@dataclass(frozen=True)
class UnansweredQuestion:
    """A question the articles did not answer, and how often it was asked."""

    question: str
    count: int
    last_ts: str


@dataclass(frozen=True)
class LogStats:
    """Totals over the whole log."""

    questions: int
    answered: int
    median_latency_ms: float | None
    votes_up: int
    votes_down: int

    @property
    def answered_share(self) -> float | None:
        """The share of questions answered, 0..1, or None before the first question."""
        return self.answered / self.questions if self.questions else None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


class QueryLog:
    """Records questions and votes; safe to call from several threads and processes at once.

    Writing never raises: a failure is logged as a warning and the caller goes on, because
    a lost log line must never cost a user their answer; a log that could not be opened is
    tried again on the next write, so one bad moment never silences it for good. Reading
    raises `QueryLogUnavailable` when the log cannot be read. A log opened with
    `readonly=True` must exist already, and nothing in its file is ever changed.
    """

    def __init__(
        self,
        path: Path,
        *,
        salt: str = "newsdesk",
        raw_user_ids: bool = False,
        readonly: bool = False,
    ) -> None:
        self.path = path
        self._salt = salt.encode("utf-8")
        self._raw_user_ids = raw_user_ids
        self._readonly = readonly
        self._lock = threading.Lock()
        self._db: sqlite_utils.Database | None = None
        self._closed = False
        if readonly:
            self._db = self._open_readonly()
            return
        try:
            self._db = open_for_writing(path)
        except (sqlite3.Error, OSError) as exc:
            log.warning("query log %s cannot be opened yet (%s); will retry", path, exc)

    def _open_readonly(self) -> sqlite_utils.Database:
        where = f"The query log at {self.path}"
        try:
            return open_for_reading(self.path)
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc):
                raise QueryLogUnavailable(
                    f"{where} is not an SQLite database; point NEWSDESK_DB at newsdesk's log."
                ) from exc
            raise QueryLogUnavailable(f"{where} cannot be read ({exc}).") from exc
        except LookupError as exc:
            raise QueryLogUnavailable(
                f"{where} is an SQLite database but not a newsdesk query log ({exc}); "
                "point NEWSDESK_DB at newsdesk's log."
            ) from exc
        except OSError as exc:
            raise QueryLogUnavailable(f"{where} cannot be opened ({exc.strerror}).") from exc

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._closed = True
            if self._db is not None:
                self._db.close()
                self._db = None

    def user_hash(self, user_id: int | str | None) -> str | None:
        """What the log stores for a user: a salted hash, or the raw id when so configured."""
        if user_id is None:
            return None
        if self._raw_user_ids:
            return str(user_id)
        digest = hmac.new(self._salt, str(user_id).encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()[:24]

    def record(
        self,
        answer: Answer,
        *,
        interface: str,
        guild_id: int | None = None,
        channel_id: int | None = None,
        user_id: int | str | None = None,
    ) -> int | None:
        """Log one question and its answer; never raises.

        Returns:
            The query id, or None when the log could not be written.
        """
        row = {
            "ts": _now(),
            "interface": interface,
            "guild_id": guild_id,
            "channel_id": channel_id,
            "user_hash": self.user_hash(user_id),
            "question": answer.question,
            "answered": int(answer.answered),
            "answer": answer.answer,
            "sources": json.dumps([q.to_json() for q in answer.quotes], ensure_ascii=False),
            "top_score": answer.top_score,
            "latency_ms": round(answer.latency_ms, 2),
            "index_version": answer.index_version,
        }
        try:
            with self._lock:
                db = self._require()
                pk = with_retries(lambda: db.table(_QUERIES).insert(row).last_pk)
            return int(pk) if pk is not None else None
        except (sqlite3.Error, QueryLogUnavailable) as exc:
            log.warning("could not log the question (%s)", exc)
            return None

    def vote(self, query_id: int, user_id: int | str, vote: int) -> bool:
        """Record a user's vote (+1 or -1) on an answer, replacing their earlier vote.

        Returns:
            True when the vote was stored; False when it could not be (logged, never raised).
        """
        if vote not in (1, -1):
            raise ValueError(f"a vote is +1 or -1, not {vote!r}")
        row = {
            "query_id": query_id,
            "user_hash": self.user_hash(user_id),
            "vote": vote,
            "ts": _now(),
        }
        try:
            with self._lock:
                db = self._require()
                with_retries(lambda: db.table(_FEEDBACK).upsert(row, pk=("query_id", "user_hash")))
            return True
        except (sqlite3.Error, QueryLogUnavailable) as exc:
            log.warning("could not record the vote on query %s (%s)", query_id, exc)
            return False

    def get(self, query_id: int) -> LoggedQuery | None:
        """One logged question, or None when there is no such id."""
        rows = self._query(f"SELECT * FROM {_QUERIES} WHERE id = ?", [query_id])
        return _logged(rows[0]) if rows else None

    def tail(self, n: int = 10) -> list[LoggedQuery]:
        """The `n` latest questions, newest first."""
        rows = self._query(f"SELECT * FROM {_QUERIES} ORDER BY id DESC LIMIT ?", [n])
        return [_logged(row) for row in rows]

    def unanswered(self, n: int = 10) -> list[UnansweredQuestion]:
        """The `n` most frequent questions the articles did not answer (case-insensitive)."""
        rows = self._query(
            f"SELECT question, COUNT(*) AS count, MAX(ts) AS last_ts FROM {_QUERIES} "
            "WHERE answered = 0 GROUP BY lower(trim(question)) "
            "ORDER BY count DESC, last_ts DESC LIMIT ?",
            [n],
        )
        return [UnansweredQuestion(r["question"], int(r["count"]), r["last_ts"]) for r in rows]

    def stats(self) -> LogStats:
        """Totals: questions, answered, median latency and votes."""
        totals = self._query(
            f"SELECT COUNT(*) AS questions, COALESCE(SUM(answered), 0) AS answered FROM {_QUERIES}"
        )[0]
        questions = int(totals["questions"])
        median = None
        if questions:
            middle = self._query(
                f"SELECT latency_ms FROM {_QUERIES} ORDER BY latency_ms LIMIT ? OFFSET ?",
                [2 - questions % 2, (questions - 1) // 2],
            )
            median = sum(r["latency_ms"] for r in middle) / len(middle)
        votes = self._query(
            f"SELECT COALESCE(SUM(vote = 1), 0) AS up, COALESCE(SUM(vote = -1), 0) AS down "
            f"FROM {_FEEDBACK}"
        )[0]
        return LogStats(
            questions, int(totals["answered"]), median, int(votes["up"]), int(votes["down"])
        )

    def _require(self) -> sqlite_utils.Database:
        """The open database, opening it again if an earlier attempt failed (lock held)."""
        if self._db is None and not self._readonly and not self._closed:
            try:
                self._db = open_for_writing(self.path)
            except (sqlite3.Error, OSError) as exc:
                raise QueryLogUnavailable(
                    f"The query log at {self.path} could not be opened ({exc}); check that "
                    "its folder exists and is writable."
                ) from exc
        if self._db is None:
            raise QueryLogUnavailable(f"The query log at {self.path} is closed.")
        return self._db

    def _query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        try:
            with self._lock:
                db = self._require()
                return with_retries(lambda: list(db.query(sql, params or [])))
        except sqlite3.Error as exc:
            raise QueryLogUnavailable(
                f"The query log at {self.path} cannot be read ({exc}); is it a newsdesk log?"
            ) from exc


def _logged(row: dict[str, Any]) -> LoggedQuery:
    try:
        quotes = json.loads(row["sources"] or "[]")
        texts = tuple(str(q["text"]) for q in quotes if isinstance(q, dict) and "text" in q)
    except (ValueError, TypeError):
        texts = ()
    return LoggedQuery(
        query_id=int(row["id"]),
        ts=row["ts"],
        interface=row["interface"],
        question=row["question"],
        answered=bool(row["answered"]),
        answer=row["answer"],
        quote_texts=texts,
        top_score=row["top_score"],
        latency_ms=float(row["latency_ms"]),
        index_version=row["index_version"],
    )
