"""Fixtures for the ingest tests: the local news server, a desk folder, and ingesters over it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index import BuildOptions
from ingest import FetchLimits, IngestConfig, Ingester
from tests.fakes import FakeEmbedder
from tests.ingest.server import NewsServer, Page, article_html, atom, rfc822, rss

# Short limits, so a slow page fails in well under a second.
FAST = FetchLimits(connect_timeout_s=1.0, read_timeout_s=0.4, total_timeout_s=3.0)

BRIDGE = (
    "Vellmar opens the world's longest glass footbridge",
    [
        "The town of Vellmar opened the world's longest glass-bottomed footbridge on March 3, "
        "2024, after three years of construction.",
        "The bridge spans 720 metres across the Ahne valley. Mayor Anna Richter said it cost "
        "14 million euros, most of it paid by the state of Hesse.",
        "About 9,000 visitors crossed the glass footbridge on its first weekend.",
    ],
)
TRAM = (
    "Kessel approves a new tram line",
    [
        "Voters in the city of Kessel approved a new tram line with 61 percent of the vote on "
        "Sunday, the city's election office said.",
        "Construction of the 12-kilometre line will begin in 2026 and is expected to cost 300 "
        "million euros, shared by the city and the federal government.",
    ],
)
COMET = (
    "Lakeside observatory names a new comet",
    [
        "Astronomers at the Lakeside observatory announced on Tuesday that the comet they "
        "discovered in January will be named Moravec after the amateur who first reported it.",
        "The comet will pass closest to the Sun in August and may be visible with binoculars, "
        "the observatory's director Petra Lindqvist said.",
    ],
)


def serve_article(
    server: NewsServer, path: str, article: tuple[str, list[str]], **kwargs: object
) -> str:
    title, paragraphs = article
    return server.add(path, Page(article_html(title, paragraphs, **kwargs).encode()))  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[NewsServer]:
    """The local news site: two articles in an RSS feed (with ETags), one in an Atom feed."""
    news = NewsServer().start()
    serve_article(news, "/news/bridge.html", BRIDGE)
    serve_article(news, "/news/tram.html", TRAM, site="Kessel Post", published=None)
    serve_article(news, "/science/comet.html", COMET, site="Sky Weekly")
    items = [
        (BRIDGE[0], "/news/bridge.html", rfc822(4)),
        ("Tram vote", "/news/tram.html", rfc822(5)),
    ]
    news.add(
        "/rss.xml",
        Page(
            rss("Valley Courier", items, base=news.base),
            content_type="application/rss+xml",
            etag=True,
        ),
    )
    entries = [(COMET[0], "/science/comet.html", "2024-03-05T10:00:00Z")]
    news.add(
        "/atom.xml",
        Page(atom("Sky Weekly", entries, base=news.base), content_type="application/atom+xml"),
    )
    yield news
    news.stop()


@pytest.fixture
def desk(tmp_path: Path) -> IngestConfig:
    """An empty corpus, index and database of one desk, allowed to read 127.0.0.1."""
    (tmp_path / "corpus").mkdir()
    return IngestConfig(
        corpus_dir=tmp_path / "corpus",
        index_dir=tmp_path / "index",
        db_path=tmp_path / "newsdesk.db",
        allow_private=True,
        limits=FAST,
        build_options=BuildOptions(chunk_tokens=64, overlap_tokens=16),
    )


class Desk:
    """An `Ingester` driven from plain test code: each coroutine run to its end."""

    def __init__(self, ingester: Ingester) -> None:
        self.ingester = ingester
        self.config = ingester.config
        self.store = ingester.store

    def add(self, links):
        return asyncio.run(self.ingester.add(links))

    def poll(self, **kwargs):
        return asyncio.run(self.ingester.poll(**kwargs))

    def follow(self, url: str, every_s: int):
        return asyncio.run(self.ingester.follow(url, every_s))

    def feeds(self):
        return self.ingester.feeds()

    def close(self) -> None:
        self.ingester.close()


MakeIngester = Callable[..., Desk]


@pytest.fixture
def make_ingester(desk: IngestConfig) -> Iterator[MakeIngester]:
    """Ingesters over the desk (the fake embedder unless one is given); closed at the end."""
    made: list[Desk] = []

    def make(config: IngestConfig | None = None, embedder=None, **kwargs) -> Desk:
        ingester = Desk(Ingester(config or desk, embedder or FakeEmbedder, **kwargs))
        made.append(ingester)
        return ingester

    yield make
    for ingester in made:
        ingester.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (links followed), by relative path: to compare before/after."""
    if not folder.exists():
        return {}
    root = folder.resolve()
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }
