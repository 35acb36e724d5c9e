"""Turning a fetched page into an article: decoding, the HTML check, and trafilatura."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ingest.errors import FetchError
from ingest.fetch import Fetched
from ingest.safety import short_link

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MIN_WORDS = 20
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_NAMED_TYPES = {
    "application/pdf": "a PDF document",
    "application/json": "JSON data",
    "application/rss+xml": "an RSS feed (follow it with `feeds add`)",
    "application/atom+xml": "an Atom feed (follow it with `feeds add`)",
}


@dataclass(frozen=True)
class Extracted:
    """What trafilatura found in a page."""

    text: str
    title: str | None
    published: str | None
    sitename: str | None
    canonical_url: str | None
    author: str | None


def decode_page(fetched: Fetched) -> str:
    """The page as text: the charset the server names, else the one the page declares, else
    UTF-8, else Windows-1252 (which decodes any byte)."""
    declared = [fetched.charset]
    match = _META_CHARSET.search(fetched.body[:4096])
    if match:
        declared.append(match.group(1).decode("ascii", "replace").lower())
    for name in [*declared, "utf-8"]:
        if not name:
            continue
        try:
            codecs.lookup(name)
            return fetched.body.decode(name)
        except (LookupError, UnicodeError):  # "undefined" and "idna" raise UnicodeError
            continue
    return fetched.body.decode("cp1252", errors="replace")


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def check_html(fetched: Fetched) -> None:
    """Refuse what is not a web page (a PDF, an image, a feed).

    Raises:
        FetchError: naming what the link holds instead.
    """
    kind = fetched.content_type
    if kind in HTML_TYPES or (
        kind in ("", "text/plain", "application/octet-stream") and _looks_like_html(fetched.body)
    ):
        return
    name = _NAMED_TYPES.get(kind) or (f"{kind}" if kind else "of no stated type")
    if kind.startswith("image/"):
        name = "an image"
    where = short_link(fetched.url)
    raise FetchError(f"{where} is {name}, not an HTML page; only web articles can be added.")


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def extract_article(fetched: Fetched) -> Extracted:
    """The article text and metadata of an HTML page.

    Raises:
        FetchError: not an HTML page, or no article text in it.
    """
    import trafilatura

    check_html(fetched)
    html = decode_page(fetched)
    doc = trafilatura.bare_extraction(
        html,
        url=fetched.url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # No guessing: a copyright year or a date in the text is not a publication date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    words = len(text.split())
    if words < MIN_WORDS:
        found = f" (only {words} word{'s' * (words != 1)})" if words else ""
        where = short_link(fetched.url)
        raise FetchError(f"{where} has no article text{found}; nothing was added.")
    published = _clean(getattr(doc, "date", None))
    return Extracted(
        text=text,
        title=_clean(getattr(doc, "title", None)),
        published=published[:10] if published else None,
        sitename=_clean(getattr(doc, "sitename", None)),
        canonical_url=_clean(getattr(doc, "url", None)),
        author=_clean(getattr(doc, "author", None)),
    )
