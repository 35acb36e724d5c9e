"""Adding links and polling feeds: fetch, extract, write corpus files, one index build per call."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx

from index import BuildOptions, Embedder, NewsdeskError, article_chunk_counts, build_index
from ingest._take import FEED_ACCEPT, Run, poll_feed, take_link
from ingest.corpus import normalize_url
from ingest.errors import PollRunning
from ingest.feedread import parse_feed
from ingest.feeds import Feed, FeedStore
from ingest.fetch import Fetcher, FetchLimits
from ingest.reports import IngestReport, Timings
from ingest.safety import Resolver, parse_link, strip_userinfo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestConfig:
    """Where articles, the index and the feeds table live, and the limits of fetching."""

    corpus_dir: Path
    index_dir: Path
    db_path: Path
    allow_private: bool = False
    limits: FetchLimits = field(default_factory=FetchLimits)
    max_new_per_feed: int = 50
    max_link_tries: int = 3
    build_options: BuildOptions = field(default_factory=BuildOptions)


@contextmanager
def one_at_a_time(db_path: Path, *, wait: bool) -> Iterator[None]:
    """Hold the lock beside the feeds database that lets one poll or add run at a time across
    processes (a cron job and the bot, two cron runs); the lock goes with the process.

    Raises:
        PollRunning: another process holds it and `wait` is false.
    """
    lock_path = db_path.with_name(f"{db_path.name}.ingest.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise PollRunning(
                "A feed poll is already running (or links are being added); this one was "
                "skipped. Try again when it has finished."
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class FollowResult:
    """A feed just followed (or followed already) and how many entries it lists now."""

    feed: Feed
    new: bool
    entries: int


class Ingester:
    """Takes in links and feeds; one call at a time (calls from other threads wait their turn).

    Every method blocks: the bot calls them through `asyncio.to_thread`.
    """

    def __init__(
        self,
        config: IngestConfig,
        embedder: Callable[[], Embedder],
        *,
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self._embedder_factory = embedder
        self._embedder: Embedder | None = None
        self._resolver = resolver
        self._transport = transport
        self._lock = threading.Lock()
        self.store = FeedStore(config.db_path)

    def close(self) -> None:
        """Close the feeds table."""
        self.store.close()

    def _fetcher(self) -> Fetcher:
        return Fetcher(
            self.config.limits,
            allow_private=self.config.allow_private,
            resolver=self._resolver,
            transport=self._transport,
        )

    def _run(self, fetcher: Fetcher) -> Run:
        config = self.config
        return Run(
            fetcher,
            self.store,
            config.corpus_dir,
            max_new_per_feed=config.max_new_per_feed,
            max_link_tries=config.max_link_tries,
        )

    # -- feeds ---------------------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        """Every followed feed."""
        return self.store.feeds()

    def follow(self, url: str, every_s: int) -> FollowResult:
        """Follow a feed after checking that it is one (its entries come with the next poll).

        Raises:
            FetchError: the link is refused, unreachable, or not an RSS or Atom feed.
        """
        link = str(parse_link(url))

        async def fetch() -> int:
            async with self._fetcher() as fetcher:
                parsed = parse_feed(await fetcher.get(link, accept=FEED_ACCEPT))
                return parsed.total

        with self._lock:
            entries = asyncio.run(fetch())
            feed, new = self.store.add(link, every_s)
        return FollowResult(feed, new, entries)

    def unfollow(self, key: str) -> Feed:
        """Stop following the feed with this id or URL; its articles stay in the corpus.

        Raises:
            FeedNotFound: no such feed.
        """
        with self._lock:
            feed = self.store.find(key)
            self.store.remove(feed.feed_id)
        return feed

    # -- taking in -----------------------------------------------------------------------

    def add(self, links: Sequence[str]) -> IngestReport:
        """Fetch each link into the corpus, then update the index once."""

        async def work(run: Run) -> IngestReport:
            clean = [strip_userinfo(link) for link in links]  # credentials are never kept
            by_key = {normalize_url(link): link for link in reversed(clean) if link}
            unique = list(reversed(by_key.values()))
            results = await asyncio.gather(*(take_link(run, link) for link in unique))
            return IngestReport(links=tuple(results))

        return self._take_in(work, wait=True)

    def poll(self, *, all_feeds: bool = False) -> IngestReport:
        """Poll the feeds that are due (or all), take in their new entries, update the index once.

        Feeds fail one by one: an error is kept in the feed's row and the others go on.

        Raises:
            PollRunning: another process is polling or adding links right now.
        """

        async def work(run: Run) -> IngestReport:
            now = time.time()
            feeds = [f for f in self.store.feeds() if all_feeds or f.is_due(now)]
            polled = await asyncio.gather(*(poll_feed(run, feed) for feed in feeds))
            links = tuple(link for _, results in polled for link in results)
            return IngestReport(links=links, feeds=tuple(result for result, _ in polled))

        return self._take_in(work, wait=False)

    def _take_in(
        self, work: Callable[[Run], Awaitable[IngestReport]], *, wait: bool
    ) -> IngestReport:
        with self._lock, one_at_a_time(self.config.db_path, wait=wait):
            started = time.perf_counter()

            async def go() -> tuple[IngestReport, dict[str, float]]:
                async with self._fetcher() as fetcher:
                    run = self._run(fetcher)
                    return await work(run), run.seconds

            report, seconds = asyncio.run(go())
            built = time.perf_counter()
            report = self._build(report)
            timings = Timings(
                fetch_s=seconds["fetch"],
                extract_s=seconds["extract"],
                write_s=seconds["write"],
                build_s=time.perf_counter() - built,
                wall_s=time.perf_counter() - started,
            )
            return replace(report, timings=timings)

    def _build(self, report: IngestReport) -> IngestReport:
        """One incremental build when something was written now or left unindexed before."""
        pending = self.store.pending()
        unwritten = [p for p in pending if not Path(p).exists()]
        if unwritten:  # a call killed between noting a file and writing it: fetch it again
            self.store.forget(unwritten)
            pending = [p for p in pending if p not in set(unwritten)]
        if not pending:
            return report
        if self._embedder is None:
            self._embedder = self._embedder_factory()
        try:
            summary = build_index(
                self.config.corpus_dir,
                self.config.index_dir,
                self._embedder,
                self.config.build_options,
            )
            counts = article_chunk_counts(self.config.index_dir)
        except NewsdeskError as exc:
            log.warning("index update failed: %s", exc)
            return replace(report, build_error=str(exc))
        self.store.mark_indexed(pending)
        links = tuple(
            replace(link, chunks=counts.get(Path(link.path).stem, 0))
            if link.added and link.path
            else link
            for link in report.links
        )
        return replace(report, links=links, build=summary)
