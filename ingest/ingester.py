"""Adding links and polling feeds: fetch, extract, write corpus files, one index build per call."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx

from index import BuildOptions, Embedder, build_index
from ingest._take import FEED_ACCEPT, Run, poll_feed, take_link
from ingest.corpus import normalize_url
from ingest.errors import PollRunning
from ingest.feedread import parse_feed
from ingest.feeds import Feed, FeedStore
from ingest.fetch import Fetcher, FetchLimits
from ingest.reports import IngestReport, Timings
from ingest.safety import Resolver, parse_link, strip_userinfo
from kernel.errors import NewsdeskError

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
    """Takes in links and feeds; one call at a time in a process (later calls wait their
    turn) and, through a lock beside the database, one poll at a time across processes.

    `add`, `poll` and `follow` are coroutines: the bot awaits them on its own event loop, and
    their blocking parts (files, the database, the index build) run in worker threads.
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
        self._embedder = embedder  # called when there is something to index (it may be shared)
        self._resolver = resolver
        self._transport = transport
        self._turn = threading.Lock()  # a thread lock: calls may come from several event loops
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

    # -- feeds ---------------------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        """Every followed feed (blocking: a database read)."""
        return self.store.feeds()

    async def follow(self, url: str, every_s: int) -> FollowResult:
        """Follow a feed after checking that it is one (its entries come with the next poll).

        Raises:
            FetchError: the link is refused, unreachable, or not an RSS or Atom feed.
        """
        link = str(parse_link(url))
        async with self._fetcher() as fetcher:
            fetched = await fetcher.get(link, accept=FEED_ACCEPT)
        parsed = await asyncio.to_thread(parse_feed, fetched)
        feed, new = await asyncio.to_thread(self.store.add, link, every_s)
        return FollowResult(feed, new, parsed.total)

    def unfollow(self, key: str) -> Feed:
        """Stop following the feed with this id or URL; its articles stay in the corpus
        (blocking: a database write).

        Raises:
            FeedNotFound: no such feed.
        """
        feed = self.store.find(key)
        self.store.remove(feed.feed_id)
        return feed

    # -- taking in -----------------------------------------------------------------------

    async def add(self, links: Sequence[str]) -> IngestReport:
        """Fetch each link into the corpus, then update the index once (a running poll is
        waited for)."""

        async def work(run: Run) -> IngestReport:
            clean = [strip_userinfo(link) for link in links]  # credentials are never kept
            by_key = {normalize_url(link): link for link in reversed(clean) if link}
            unique = list(reversed(by_key.values()))
            results = await asyncio.gather(*(take_link(run, link) for link in unique))
            return IngestReport(links=tuple(results))

        return await self._take_in(work, wait=True)

    async def poll(self, *, all_feeds: bool = False) -> IngestReport:
        """Poll the feeds that are due (or all), take in their new entries, update the index once.

        Feeds fail one by one: an error is kept in the feed's row and the others go on.

        Raises:
            PollRunning: another process is polling or adding links right now.
        """

        async def work(run: Run) -> IngestReport:
            now = time.time()
            feeds = await asyncio.to_thread(self.store.feeds)
            due = [f for f in feeds if all_feeds or f.is_due(now)]
            polled = await asyncio.gather(*(poll_feed(run, feed) for feed in due))
            links = tuple(link for _, results in polled for link in results)
            return IngestReport(links=links, feeds=tuple(result for result, _ in polled))

        return await self._take_in(work, wait=False)

    async def _take_in(
        self, work: Callable[[Run], Awaitable[IngestReport]], *, wait: bool
    ) -> IngestReport:
        async with _held(self._turn), _across_processes(self.config.db_path, wait=wait):
            started = time.perf_counter()
            async with self._fetcher() as fetcher:
                run = Run(
                    fetcher,
                    self.store,
                    self.config.corpus_dir,
                    max_new_per_feed=self.config.max_new_per_feed,
                    max_link_tries=self.config.max_link_tries,
                )
                report = await work(run)
            built = time.perf_counter()
            report = await asyncio.to_thread(self._build, report)
            timings = Timings(
                fetch_s=run.seconds["fetch"],
                extract_s=run.seconds["extract"],
                write_s=run.seconds["write"],
                build_s=time.perf_counter() - built,
                wall_s=time.perf_counter() - started,
            )
            return replace(report, timings=timings)

    def _build(self, report: IngestReport) -> IngestReport:
        """One incremental build of the files written now or left unindexed before (a call
        killed midway): only those files are read, not the whole corpus."""
        pending = self.store.pending()
        unwritten = [p for p in pending if not Path(p).exists()]
        if unwritten:  # a call killed between noting a file and writing it: fetch it again
            self.store.forget(unwritten)
            pending = [p for p in pending if p not in set(unwritten)]
        if not pending:
            return report
        try:
            summary = build_index(
                self.config.corpus_dir,
                self.config.index_dir,
                self._embedder(),
                self.config.build_options,
                changed=[Path(p) for p in pending],
            )
        except NewsdeskError as exc:
            log.warning("index update failed: %s", exc)
            return replace(report, build_error=str(exc))
        self.store.mark_indexed(pending)
        counts = summary.article_chunks
        links = tuple(
            replace(link, chunks=counts.get(Path(link.path).stem, 0))
            if link.added and link.path
            else link
            for link in report.links
        )
        return replace(report, links=links, build=summary)


_WAIT_STEP_S = 0.05


@asynccontextmanager
async def _held(lock: threading.Lock) -> AsyncIterator[None]:
    """A thread lock taken without blocking the event loop (and safe to cancel meanwhile)."""
    while not lock.acquire(blocking=False):
        await asyncio.sleep(_WAIT_STEP_S)
    try:
        yield
    finally:
        lock.release()


@asynccontextmanager
async def _across_processes(db_path: Path, *, wait: bool) -> AsyncIterator[None]:
    """`one_at_a_time` for a coroutine: with `wait`, tried again until the other call ends."""
    while True:
        held = one_at_a_time(db_path, wait=False)
        try:
            held.__enter__()
        except PollRunning:
            if not wait:
                raise
            await asyncio.sleep(4 * _WAIT_STEP_S)
            continue
        break
    try:
        yield
    finally:
        held.__exit__(None, None, None)
