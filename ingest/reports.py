"""What adding links and polling feeds did, as frozen dataclasses for the CLI and the bot."""

from __future__ import annotations

from dataclasses import dataclass, field

from index import BuildSummary


@dataclass(frozen=True)
class LinkResult:
    """What became of one link: `added`, `duplicate` or `failed`, and why."""

    link: str
    status: str
    reason: str | None = None
    url: str | None = None  # the canonical URL, once known
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    path: str | None = None
    chunks: int | None = None
    feed_id: int | None = None

    @property
    def added(self) -> bool:
        """The link became a new article in the corpus."""
        return self.status == "added"


@dataclass(frozen=True)
class FeedResult:
    """What one feed's poll did."""

    feed_id: int
    name: str
    status: str  # "ok", "unchanged" (304) or "failed"
    error: str | None = None
    entries: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Timings:
    """Seconds spent in each step, summed over the items (steps overlap in wall time).

    `fetch_s` counts time on the wire only, not the wait for a turn at a host.
    """

    fetch_s: float = 0.0
    extract_s: float = 0.0
    write_s: float = 0.0
    build_s: float = 0.0
    wall_s: float = 0.0


@dataclass(frozen=True)
class IngestReport:
    """The outcome of `add` or `poll`: each link, each feed, and the one index build."""

    links: tuple[LinkResult, ...] = ()
    feeds: tuple[FeedResult, ...] = ()
    build: BuildSummary | None = None
    build_error: str | None = None
    timings: Timings = field(default_factory=Timings)

    @property
    def added(self) -> tuple[LinkResult, ...]:
        """The links that became new articles."""
        return tuple(link for link in self.links if link.added)

    @property
    def failed(self) -> tuple[LinkResult, ...]:
        """The links that could not be added."""
        return tuple(link for link in self.links if link.status == "failed")
