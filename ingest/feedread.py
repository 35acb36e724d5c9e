"""Reading a fetched RSS or Atom document into its entries, newest first."""

from __future__ import annotations

import calendar
import io
import time
from dataclasses import dataclass
from typing import Any

from ingest.errors import FetchError
from ingest.fetch import Fetched
from ingest.safety import short_link, strip_userinfo

MAX_ENTRIES_READ = 200  # only the newest entries of a feed are considered


@dataclass(frozen=True)
class Entry:
    """One feed entry: the link to its article and what the feed says of it."""

    link: str
    title: str | None
    published: str | None


@dataclass(frozen=True)
class ParsedFeed:
    """A feed's title and its newest entries (at most `MAX_ENTRIES_READ`)."""

    title: str | None
    entries: tuple[Entry, ...]
    total: int
    notes: tuple[str, ...] = ()


def _date(entry: Any) -> tuple[float, str | None]:  # noqa: ANN401 (feedparser's dict)
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return calendar.timegm(value), time.strftime("%Y-%m-%d", value)
            except (OverflowError, ValueError, TypeError):
                continue
    return 0.0, None


def _text(value: object) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def parse_feed(fetched: Fetched) -> ParsedFeed:
    """The entries of an RSS 0.9x/1.0/2.0 or Atom feed.

    Raises:
        FetchError: the document is not a feed, or too broken to read any entry from.
    """
    import feedparser

    where = short_link(fetched.url)
    headers = {"content-type": fetched.content_type or "application/xml"}
    if fetched.charset:
        headers["content-type"] += f"; charset={fetched.charset}"
    # A file object, never bytes or a string: feedparser opens a string or bytes argument as a
    # local path, or fetches it as a URL, before it tries it as a document.
    parsed = feedparser.parse(io.BytesIO(fetched.body), response_headers=headers)
    notes: list[str] = []
    dated = []
    for position, item in enumerate(parsed.entries):
        link = _text(item.get("link"))
        link = strip_userinfo(link) if link else None
        if not link:
            continue
        stamp, day = _date(item)
        dated.append((-stamp, position, Entry(link, _text(item.get("title")), day)))
    if not parsed.get("version") and not dated:
        raise FetchError(f"{where} is not an RSS or Atom feed.")
    if parsed.get("bozo"):
        if not dated:
            problem = parsed.get("bozo_exception")
            why = " ".join(str(problem).split())[:150] if problem else "unreadable"
            raise FetchError(f"{where} is not a readable RSS or Atom feed (invalid XML: {why}).")
        notes.append("the feed is not well-formed XML; its entries were read leniently")
    dated.sort(key=lambda row: (row[0], row[1]))
    total = len(dated)
    if total > MAX_ENTRIES_READ:
        notes.append(
            f"the feed lists {total:,} entries; only the newest {MAX_ENTRIES_READ} are read"
        )
    return ParsedFeed(
        title=_text(parsed.feed.get("title")),
        entries=tuple(entry for _, _, entry in dated[:MAX_ENTRIES_READ]),
        total=total,
        notes=tuple(notes),
    )
