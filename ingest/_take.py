"""One call's work: take links and feeds in, concurrently, within the limits of one fetcher."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import httpx

from ingest.corpus import ArticleFile, Catalog, article_path, write_article
from ingest.errors import FetchError
from ingest.extract import extract_article
from ingest.feedread import Entry, parse_feed
from ingest.feeds import Feed, FeedStore
from ingest.fetch import Fetched, Fetcher
from ingest.reports import FeedResult, LinkResult
from ingest.safety import same_site, short_link, strip_userinfo

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class Run:
    """The state of one `add` or `poll`: the fetcher, what the corpus holds, time spent."""

    fetcher: Fetcher
    store: FeedStore
    corpus_dir: Path
    max_new_per_feed: int = 50
    max_link_tries: int = 3
    seconds: dict[str, float] = field(
        default_factory=lambda: {"fetch": 0.0, "extract": 0.0, "write": 0.0}
    )
    _catalog: Catalog | None = None
    _catalog_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def timed(self, step: str, work: Awaitable[T]) -> T:
        """Await `work`, adding its time to `step`."""
        started = time.perf_counter()
        try:
            return await work
        finally:
            self.seconds[step] += time.perf_counter() - started

    async def in_thread(self, step: str, func: Callable[..., T], *args: Any) -> T:  # noqa: ANN401
        """Run blocking `func` off the event loop, timed under `step`."""
        return await self.timed(step, asyncio.to_thread(func, *args))

    async def store_call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:  # noqa: ANN401
        """A feeds-table call, off the event loop (it may wait on another process's write)."""
        return await asyncio.to_thread(func, *args, **kwargs)

    async def catalog(self) -> Catalog:
        """What the corpus holds, scanned once per call when first needed."""
        async with self._catalog_lock:
            if self._catalog is None:
                self._catalog = await asyncio.to_thread(Catalog, self.corpus_dir)
            return self._catalog


def _canonical(found: str | None, fetched_url: str) -> str:
    """The page's canonical URL when it names an absolute http(s) one on the fetched page's own
    site, else where it came from: a page may not claim another site's identity."""
    if found:
        try:
            url = httpx.URL(strip_userinfo(found))
            fetched_host = httpx.URL(fetched_url).host
        except (httpx.InvalidURL, ValueError):
            return fetched_url
        if url.scheme in ("http", "https") and url.host and same_site(url.host, fetched_host):
            return str(url.copy_with(fragment=None))
    return fetched_url


async def _read_hostile(run: Run, func: Callable[[Fetched], T], fetched: Fetched) -> T:
    """Parse a fetched document off the loop; any failure of the parser is this document's
    failure (a `FetchError`), never the whole call's: the other links and feeds go on."""
    try:
        return await run.in_thread("extract", func, fetched)
    except FetchError:
        raise
    except Exception as exc:  # third-party parsers fed hostile bytes: log it, fail this item
        log.exception("parsing %s failed", short_link(fetched.url))
        raise FetchError(
            f"{short_link(fetched.url)} could not be read ({type(exc).__name__}); nothing was "
            "taken from it."
        ) from exc


async def take_link(
    run: Run, link: str, feed: Feed | None = None, entry: Entry | None = None
) -> LinkResult:
    """Fetch one article link into the corpus, unless it is there already; never raises
    `FetchError` (it becomes the result's reason)."""
    feed_id = feed.feed_id if feed else None
    try:
        fetched = await run.fetcher.get(link)
        run.seconds["fetch"] += fetched.seconds  # time on the wire, not the wait for a turn
        found = await _read_hostile(run, extract_article, fetched)
    except FetchError as exc:
        await run.store_call(run.store.record_link, link, feed_id, "failed", error=str(exc))
        return LinkResult(link, "failed", reason=str(exc), feed_id=feed_id)
    where = httpx.URL(fetched.url)
    host = where.host
    # trafilatura falls back to the host name; a feed's title names the outlet better.
    site = found.sitename if found.sitename not in (host, where.netloc.decode()) else None
    article = ArticleFile(
        url=_canonical(found.canonical_url, fetched.url),
        text=found.text,
        title=found.title or (entry.title if entry else None),
        outlet=site or (feed.title if feed else None) or host.removeprefix("www."),
        published=found.published or (entry.published if entry else None),
        author=found.author,
        link=link,
    )
    result = LinkResult(
        link,
        "added",
        url=article.url,
        title=article.title,
        outlet=article.outlet,
        published=article.published,
        feed_id=feed_id,
    )
    catalog = await run.catalog()
    duplicate = catalog.find([article.url, fetched.url, link], article.text)
    if duplicate is not None:
        path, what = duplicate
        await run.store_call(
            run.store.record_link, link, feed_id, "duplicate", path=str(path), url=article.url
        )
        reason = f"already in the corpus as {path} (same {what}); not added again"
        return replace(result, status="duplicate", reason=reason, path=str(path))
    path = article_path(run.corpus_dir, article, host)
    catalog.reserve(path, article.text, [article.url, fetched.url, link])
    # Recorded before the file is written: a kill in between is seen and redone next time.
    await run.store_call(
        run.store.record_link, link, feed_id, "added", path=str(path), url=article.url, indexed=0
    )
    await run.in_thread("write", write_article, path, article)
    return replace(result, path=str(path))


def wanted(row: dict[str, Any] | None, max_tries: int) -> bool:
    """Whether a feed entry's link should be fetched, given what became of it before."""
    if row is None:
        return True
    if row["status"] == "failed":
        return int(row["tries"]) < max_tries
    if row["status"] == "added" and not row["indexed"]:
        return not Path(row["path"] or "").exists()  # killed before the file was written
    return False


async def poll_feed(run: Run, feed: Feed) -> tuple[FeedResult, list[LinkResult]]:
    """Read one feed (conditionally) and take in its new entries."""
    try:
        fetched = await run.fetcher.get(
            feed.url, accept=FEED_ACCEPT, etag=feed.etag, last_modified=feed.last_modified
        )
        run.seconds["fetch"] += fetched.seconds
        if fetched.not_modified:
            await run.store_call(run.store.record_success, feed.feed_id)
            return FeedResult(feed.feed_id, feed.name, "unchanged"), []
        parsed = await _read_hostile(run, parse_feed, fetched)
    except FetchError as exc:
        await run.store_call(run.store.record_failure, feed.feed_id, str(exc))
        return FeedResult(feed.feed_id, feed.name, "failed", error=str(exc)), []
    known = await run.store_call(run.store.links, feed.feed_id)
    todo = [e for e in parsed.entries if wanted(known.get(e.link), run.max_link_tries)]
    later = max(0, len(todo) - run.max_new_per_feed)
    todo = todo[: run.max_new_per_feed]
    titled = replace(feed, title=feed.title or parsed.title)
    results = list(await asyncio.gather(*(take_link(run, e.link, titled, e) for e in todo)))
    notes = list(parsed.notes)
    if later:
        notes.append(f"{later} more new entries are left for the next poll")
    # With entries left over, the validators are not kept: the next poll must read it all again.
    validators = (
        {"etag": None, "last_modified": None}
        if later
        else {
            "etag": fetched.etag,
            "last_modified": fetched.last_modified,
        }
    )
    await run.store_call(
        run.store.record_success, feed.feed_id, title=parsed.title or feed.title, **validators
    )
    result = FeedResult(
        feed.feed_id, parsed.title or feed.name, "ok", entries=parsed.total, notes=tuple(notes)
    )
    return result, results
