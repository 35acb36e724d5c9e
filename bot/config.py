"""What the bot is handed: its settings, the services it calls, and the shapes they return."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.further import FurtherQuotes
from ingest import Feed, FollowResult, IngestReport
from retrieval import Answer, QueryLog, Question, RetrievalConfig


@dataclass(frozen=True)
class BotConfig:
    """The bot's settings, built by the entry point from its own settings."""

    guild_id: int | None = None
    top_k: int = RetrievalConfig.top_k  # quotes an answer shows
    cooldown_s: float = 5.0
    answer_in_thread: bool = False
    sources_page_size: int = 10
    guild_ready_timeout_s: float = 2.0  # how long to wait for servers' data before "ready"
    connect_attempts: int = 5  # logins tried while Discord cannot be reached, then give up
    connect_pause_s: float = 2.0  # the first pause between them; each doubles, up to a minute
    news_channel_id: int | None = None  # where a feed poll that added articles lists them
    feed_check_s: float = 60.0  # how often the bot looks for feeds that are due
    brief_at: dt.time | None = None  # when the daily brief goes to the news channel
    timezone: str = "UTC"  # the time zone `brief_at` is read in

    @property
    def more_k(self) -> int:
        """How many quotes "More sources" asks for (it shows those beyond the answer's)."""
        return self.top_k + 4


@dataclass(frozen=True)
class BuildReport:
    """What an index rebuild did, as `/reindex` reports it."""

    articles: int
    added: int
    updated: int
    unchanged: int
    removed: int
    skipped: int
    chunks: int
    seconds: float
    notes: tuple[str, ...] = ()


class ArticleInfo(Protocol):
    """The metadata of one indexed article, as `/sources` lists it."""

    @property
    def article_id(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def published(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...


class IndexInfo(Protocol):
    """The index now serving."""

    @property
    def version(self) -> str: ...
    @property
    def live_articles(self) -> Sequence[ArticleInfo]: ...
    @property
    def n_articles(self) -> int: ...


class QuestionService(Protocol):
    """Answers questions (blocking: call `ask` and `reload` through `asyncio.to_thread`;
    `check` is cheap and is called on the event loop)."""

    @property
    def index(self) -> IndexInfo: ...

    def check(self, question: str) -> Question: ...

    def ask(
        self, question: str, *, k: int | None = None, as_of: dt.date | None = None
    ) -> Answer: ...

    def reload(self, *, force: bool = False) -> bool: ...


class NewsService(Protocol):
    """Takes in links and feeds: `add`, `poll` and `follow` are awaited on the bot's loop;
    `feeds` and `unfollow` are database calls (blocking: call them through a thread)."""

    async def add(self, links: Sequence[str]) -> IngestReport: ...

    async def poll(self, *, all_feeds: bool = False) -> IngestReport: ...

    def feeds(self) -> list[Feed]: ...

    async def follow(self, url: str, every_s: int) -> FollowResult: ...

    def unfollow(self, key: str) -> Feed: ...


@dataclass(frozen=True)
class BotServices:
    """The objects the bot calls into: blocking ones are called off the event loop; the news
    service's coroutines are awaited on it."""

    answerer: QuestionService
    querylog: QueryLog
    reindex: Callable[[], BuildReport] | None = None
    news: NewsService | None = None
    further: FurtherQuotes = field(default_factory=FurtherQuotes)  # behind "More sources"

    @property
    def database(self) -> Path:
        """The bot's SQLite file (`NEWSDESK_DB`): the query log's, which also keeps the
        conversations that follow-ups go on from."""
        return self.querylog.path

    async def index_swapped(self) -> None:
        """The one signal that a build of ours (a poll, /add, /reindex) swapped a new index
        in: answers move to it now. Builds by other processes are noticed by the answerer
        itself, on its next question after a short interval."""
        await asyncio.to_thread(self.answerer.reload)
