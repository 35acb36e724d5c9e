"""The feeds table and the links taken in, in the SQLite file of the query log."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from ingest.errors import FeedNotFound
from kernel.database import open_shared
from kernel.errors import ConfigError, NewsdeskError

FEEDS = "feeds"
LINKS = "feed_links"
MIN_EVERY_S = 60
MAX_EVERY_S = 7 * 24 * 3600
MAX_BACKOFF_S = 24 * 3600
_EVERY = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)", re.I)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 60}


def parse_every(text: str) -> int:
    """Seconds from `30m`, `1h`, `2h30m`, `90s`, `1d` (a bare number is minutes).

    Raises:
        ConfigError: not such a duration, or outside one minute to a week.
    """
    cleaned = text.strip().lower().replace(" ", "")
    parts = _EVERY.findall(cleaned)
    if not cleaned or "".join(n + u for n, u in parts) != cleaned:
        raise ConfigError(f"{text!r} is not a polling interval; write it like 30m, 1h or 2h30m.")
    seconds = int(sum(float(n) * _UNITS[u] for n, u in parts))
    if not MIN_EVERY_S <= seconds <= MAX_EVERY_S:
        raise ConfigError("A feed is polled at most every minute and at least once a week.")
    return seconds


def format_every(seconds: int) -> str:
    """`30m`, `1h`, `1h30m`, `2d` for a number of seconds."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    return "".join(f"{n}{u}" for n, u in parts if n) or "0s"


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _seconds(iso: str | None) -> float | None:
    if not iso:
        return None
    return dt.datetime.fromisoformat(iso).timestamp()


@dataclass(frozen=True)
class Feed:
    """One followed feed and its state."""

    feed_id: int
    url: str
    title: str | None
    every_s: int
    etag: str | None
    last_modified: str | None
    last_polled: str | None
    last_ok: str | None
    last_error: str | None
    failures: int
    articles_added: int
    created: str

    @property
    def delay_s(self) -> int:
        """Seconds between polls: the interval, doubled for each failure in a row (capped)."""
        if not self.failures:
            return self.every_s
        return int(
            min(self.every_s * 2 ** min(self.failures, 20), max(self.every_s, MAX_BACKOFF_S))
        )

    def due_at(self) -> float:
        """When the feed is next due (Unix time; 0 when never polled)."""
        polled = _seconds(self.last_polled)
        return 0.0 if polled is None else polled + self.delay_s

    def is_due(self, now: float | None = None) -> bool:
        """Whether a poll now should read this feed."""
        return self.due_at() <= (time.time() if now is None else now)

    @property
    def name(self) -> str:
        """The feed's title, or its URL before the first poll."""
        return self.title or self.url


def _feed(row: dict[str, Any]) -> Feed:
    return Feed(
        feed_id=int(row["id"]),
        url=row["url"],
        title=row["title"],
        every_s=int(row["every_s"]),
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_polled=row["last_polled"],
        last_ok=row["last_ok"],
        last_error=row["last_error"],
        failures=int(row["failures"] or 0),
        articles_added=int(row["articles_added"] or 0),
        created=row["created"],
    )


class FeedStore:
    """The `feeds` table (docs/design.md) and `feed_links`, what each link taken in became.

    Safe from several threads; several processes may open the file at once (WAL, busy timeout).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = open_shared(path, _create_schema, busy_timeout_s=30.0)
        except (sqlite3.Error, OSError) as exc:
            raise NewsdeskError(
                f"Cannot open the feeds table in {path} ({exc}); check NEWSDESK_DB."
            ) from exc

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction, taken at once so concurrent writers queue instead of failing."""
        conn = self._db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def feeds(self) -> list[Feed]:
        """Every followed feed, oldest first."""
        with self._lock:
            return [_feed(r) for r in self._db.query(f"SELECT * FROM {FEEDS} ORDER BY id")]

    def find(self, key: str) -> Feed:
        """A feed by its id or URL.

        Raises:
            FeedNotFound: no feed has that id or URL.
        """
        key = key.strip().lstrip("#")
        for feed in self.feeds():
            if key == str(feed.feed_id) or key == feed.url:
                return feed
        raise FeedNotFound(f"No followed feed has the id or URL {key!r}; see `feeds list`.")

    def add(self, url: str, every_s: int, title: str | None = None) -> tuple[Feed, bool]:
        """Follow a feed; returns it and whether it is new (an existing URL is kept as it was)."""
        with self._lock, self._write() as db:
            row = {"url": url, "title": title, "every_s": every_s, "failures": 0}
            row |= {"articles_added": 0, "created": now_iso()}
            db.execute(
                f"INSERT OR IGNORE INTO {FEEDS} (url, title, every_s, failures, articles_added, "
                "created) VALUES (:url, :title, :every_s, :failures, :articles_added, :created)",
                row,
            )
            new = db.execute("SELECT changes()").fetchone()[0] == 1
            found = list(db.query(f"SELECT * FROM {FEEDS} WHERE url = ?", [url]))
        return _feed(found[0]), new

    def remove(self, feed_id: int) -> None:
        """Stop following a feed (what it added stays in the corpus)."""
        with self._lock, self._write() as db:
            db.execute(f"DELETE FROM {LINKS} WHERE feed_id = ?", [feed_id])
            db.execute(f"DELETE FROM {FEEDS} WHERE id = ?", [feed_id])

    def update(self, feed_id: int, **fields: Any) -> None:  # noqa: ANN401
        """Set some columns of one feed."""
        with self._lock, self._write() as db:
            db.table(FEEDS).update(feed_id, fields)

    def record_failure(self, feed_id: int, error: str) -> None:
        """Note a failed poll: the error is kept and the next poll waits longer."""
        with self._lock, self._write() as db:
            db.execute(
                f"UPDATE {FEEDS} SET failures = failures + 1, last_error = ?, last_polled = ? "
                "WHERE id = ?",
                [error, now_iso(), feed_id],
            )

    def record_success(self, feed_id: int, **fields: Any) -> None:  # noqa: ANN401
        """Note a good poll: failures reset. Articles are counted once indexed (`mark_indexed`),
        so a poll killed midway still counts what it wrote when the next one indexes it."""
        stamp = now_iso()
        fields |= {"last_polled": stamp, "last_ok": stamp, "last_error": None, "failures": 0}
        with self._lock, self._write() as db:
            db.table(FEEDS).update(feed_id, fields)

    # -- links ---------------------------------------------------------------------------

    def links(self, feed_id: int | None) -> dict[str, dict[str, Any]]:
        """What each link of a feed (or of `add`, for None) became, by link."""
        where = "feed_id = ?" if feed_id is not None else "feed_id IS NULL"
        params = [feed_id] if feed_id is not None else []
        with self._lock:
            rows = self._db.query(f"SELECT * FROM {LINKS} WHERE {where}", params)
            return {row["link"]: row for row in rows}

    def record_link(self, link: str, feed_id: int | None, status: str, **fields: Any) -> None:  # noqa: ANN401
        """Record what a link became: `added`, `duplicate` or `failed` (tries counted)."""
        row = {"link": link, "feed_id": feed_id, "status": status, "ts": now_iso(), **fields}
        with self._lock, self._write() as db:
            old = db.execute(
                f"SELECT tries FROM {LINKS} WHERE link = ? AND feed_id IS ?", [link, feed_id]
            ).fetchone()
            row["tries"] = (old[0] if old else 0) + 1
            db.execute(f"DELETE FROM {LINKS} WHERE link = ? AND feed_id IS ?", [link, feed_id])
            db.table(LINKS).insert(row, alter=False)

    def pending(self) -> list[str]:
        """Files written but not yet in a finished index build (a poll or add killed midway)."""
        with self._lock:
            rows = self._db.query(
                f"SELECT path FROM {LINKS} WHERE status = 'added' AND indexed = 0"
            )
            return [row["path"] for row in rows]

    def forget(self, paths: Iterable[str]) -> None:
        """Drop the records of files that were never written, so their links are fetched again."""
        with self._lock, self._write() as db:
            db.conn.executemany(
                f"DELETE FROM {LINKS} WHERE path = ? AND status = 'added' AND indexed = 0",
                [(p,) for p in paths],
            )

    def mark_indexed(self, paths: Iterable[str]) -> None:
        """Note that the files at `paths` are in the index now serving; each feed's count of
        articles added grows by its files indexed for the first time."""
        with self._lock, self._write() as db:
            for path in paths:
                rows = db.execute(
                    f"SELECT feed_id FROM {LINKS} WHERE path = ? AND status = 'added' "
                    "AND indexed = 0",
                    [path],
                ).fetchall()
                db.execute(
                    f"UPDATE {LINKS} SET indexed = 1 WHERE path = ? AND status = 'added'", [path]
                )
                for (feed_id,) in rows:
                    if feed_id is not None:
                        db.execute(
                            f"UPDATE {FEEDS} SET articles_added = articles_added + 1 WHERE id = ?",
                            [feed_id],
                        )


def _create_schema(db: sqlite_utils.Database) -> None:
    """The feeds table of docs/design.md and the links table, made once by whoever comes first."""
    db.table(FEEDS).create(
        {
            "id": int,
            "url": str,
            "title": str,
            "every_s": int,
            "etag": str,
            "last_modified": str,
            "last_polled": str,
            "last_ok": str,
            "last_error": str,
            "failures": int,
            "articles_added": int,
            "created": str,
        },
        pk="id",
        not_null=["url", "every_s", "failures", "articles_added", "created"],
        if_not_exists=True,
    )
    db.table(FEEDS).create_index(["url"], unique=True, if_not_exists=True)
    db.table(LINKS).create(
        {
            "link": str,
            "feed_id": int,
            "status": str,
            "path": str,
            "url": str,
            "error": str,
            "tries": int,
            "indexed": int,
            "ts": str,
        },
        not_null=["link", "status", "tries", "ts"],
        defaults={"indexed": 0},
        if_not_exists=True,
    )
    db.table(LINKS).create_index(["feed_id", "link"], if_not_exists=True)
    db.table(LINKS).create_index(["indexed"], if_not_exists=True)
