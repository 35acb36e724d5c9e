"""Hostile feeds and pages: bodies that name local files or URLs, borrowed identities,
credentials in links, two polls at once, polls killed midway."""

from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path

import httpx
import pytest

from index import load_index
from ingest import Ingester, PollRunning
from ingest.corpus import Catalog
from ingest.ingester import one_at_a_time
from tests.fakes import FakeEmbedder
from tests.ingest.conftest import BRIDGE, serve_article
from tests.ingest.server import Page, article_html, rfc822, rss


def _secret_feed(server, tmp_path: Path) -> Path:
    """A valid RSS file on the newsdesk machine, listing a page that must never be fetched."""
    local = tmp_path / "local-feed.xml"
    local.write_bytes(
        rss("Local Secrets", [("Secret", "/secret.html", rfc822(2))], base=server.base)
    )
    serve_article(server, "/secret.html", ("Secret page", ["Never to be fetched. " * 30]))
    server.add("/inner.xml", Page(local.read_bytes(), content_type="application/rss+xml"))
    return local


def test_a_feed_body_is_parsed_as_the_document_it_is_never_opened_or_fetched(
    server, make_ingester, tmp_path
):
    local = _secret_feed(server, tmp_path)
    bodies = {
        "/path.xml": str(local).encode(),
        "/zero.xml": b"/dev/zero",
        "/file.xml": local.as_uri().encode(),
        "/url.xml": server.url("/inner.xml").encode(),
    }
    ingester = make_ingester()
    bad = {}
    for path, body in bodies.items():
        server.add(path, Page(body, content_type="application/rss+xml"))
        bad[path] = ingester.store.add(server.url(path), 1800)[0]
    good = ingester.follow(server.url("/atom.xml"), 1800).feed

    report = ingester.poll()

    status = {feed.feed_id: feed for feed in report.feeds}
    for path, feed in bad.items():
        assert status[feed.feed_id].status == "failed", path
        assert "is not an RSS or Atom feed" in (status[feed.feed_id].error or ""), path
        assert ingester.store.find(str(feed.feed_id)).last_error, "the feed's error is kept"
    assert status[good.feed_id].status == "ok"
    assert [link.title for link in report.added] == ["Lakeside observatory names a new comet"]
    assert report.build is not None, "the other feeds' articles are indexed in the same poll"
    assert load_index(ingester.config.index_dir).n_articles == 1
    assert not server.requests_to("/inner.xml") and not server.requests_to("/secret.html")


@pytest.mark.parametrize(
    ("canonical", "kept"),
    [
        ("https://www.valley-courier.co.uk/2024/bridge", True),  # the same site
        ("https://news.valley-courier.co.uk/bridge", True),  # a subdomain of it
        ("https://www.reuters.com/world/bridge", False),  # another site
        ("https://evil.co.uk/bridge", False),  # shares only the public suffix
        ("https://user:pw@www.valley-courier.co.uk/b", True),  # credentials dropped
    ],
)
def test_a_canonical_link_is_taken_only_on_the_pages_own_site(server, desk, canonical, kept):
    names = {"www.valley-courier.co.uk": ["127.0.0.1"]}

    async def resolver(host: str, port: int) -> list[str]:
        return names[host]

    html = article_html(BRIDGE[0], BRIDGE[1], canonical=canonical)
    server.add("/bridge.html", Page(html.encode()))
    link = f"http://www.valley-courier.co.uk:{server.port}/bridge.html"
    ingester = Ingester(desk, FakeEmbedder, resolver=resolver)
    try:
        (result,) = asyncio.run(ingester.add([link])).links
    finally:
        ingester.close()

    expected = canonical.replace("user:pw@", "") if kept else link
    assert result.status == "added" and result.url == expected
    text = Path(result.path or "").read_text("utf-8")
    assert f"url: {expected}" in text
    assert "reuters" not in (result.outlet or "") + str(result.path)


def test_credentials_in_a_link_are_never_stored_or_shown(server, make_ingester, desk):
    serve_article(server, "/news/secret-bridge.html", BRIDGE)
    link = server.url("/news/secret-bridge.html").replace("://", "://alice:hunter2@")
    items = [("Tram", "/news/tram.html", rfc822(2))]
    feed = rss("Valley Courier", items, base=server.base.replace("://", "://bob:pw9@"))
    server.add("/creds.xml", Page(feed, content_type="application/rss+xml"))
    ingester = make_ingester()
    ingester.store.add(server.url("/creds.xml"), 1800)

    added = ingester.add([link]).links + ingester.poll().links
    stale = ingester.add([link.replace("secret-bridge", "missing")]).links

    assert [r.status for r in added] == ["added", "added"]
    files = sorted(desk.corpus_dir.rglob("*.md"))
    shown = " ".join(str(r) for r in added + stale) + " ".join(map(str, files))
    shown += " ".join(p.read_text("utf-8") for p in files)
    shown += str(ingester.store.links(None)) + str(ingester.store.links(1))
    for secret in ("alice", "hunter2", "bob", "pw9"):
        assert secret not in shown
    assert all(
        "Authorization" not in h.headers and "authorization" not in h.headers for h in server.hits
    )


def test_a_poll_killed_midway_counts_every_article_it_brought(server, make_ingester, desk):
    server.generated["/many/"] = lambda path: Page(
        article_html(
            f"Report {path}", [f"The harbour of {path} counted ships today. " * 5]
        ).encode()
    )
    items = [(f"Harbour {i}", f"/many/{i}.html", rfc822(1 + i)) for i in range(20)]
    feed_url = server.add(
        "/twenty.xml",
        Page(rss("Archive", items, base=server.base), content_type="application/rss+xml"),
    )

    class Killed(BaseException):
        pass

    class DiesMidway(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.pages = 0
            self.inner = httpx.AsyncHTTPTransport()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if "/many/" in request.url.path:
                self.pages += 1
                if self.pages == 13:
                    raise Killed
            return await self.inner.handle_async_request(request)

    first = make_ingester(transport=DiesMidway())
    first.store.add(feed_url, 1800)
    with pytest.raises(Killed):
        first.poll()
    assert 0 < len(list(desk.corpus_dir.rglob("*.md"))) < 20

    make_ingester().poll(all_feeds=True)

    (feed,) = make_ingester().feeds()
    assert len(list(desk.corpus_dir.rglob("*.md"))) == 20
    assert feed.articles_added == 20
    assert load_index(desk.index_dir).n_articles == 20


def _poll_in_a_process(config, barrier, results) -> None:
    ingester = Ingester(config, FakeEmbedder)
    barrier.wait()
    try:
        results.put(f"added {len(asyncio.run(ingester.poll()).added)}")
    except PollRunning as exc:
        results.put(str(exc))
    finally:
        ingester.close()


def test_two_polls_at_once_fetch_each_link_once(server, make_ingester, desk):
    server.generated["/slow/"] = lambda path: Page(
        article_html(f"Slow {path}", [f"The slow story of {path} is told in full. " * 5]).encode(),
        delay_s=0.1,
    )
    items = [(f"Slow {i}", f"/slow/{i}.html", rfc822(1 + i)) for i in range(10)]
    feed = Page(rss("Slow News", items, base=server.base), content_type="application/rss+xml")
    make_ingester().store.add(server.add("/slow.xml", feed), 1800)
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    polls = [
        context.Process(target=_poll_in_a_process, args=(desk, barrier, results)) for _ in range(2)
    ]
    for poll in polls:
        poll.start()
    outcomes = sorted((results.get(timeout=60) for _ in polls), key=len)
    for poll in polls:
        poll.join(timeout=10)

    assert outcomes[0] == "added 10"
    assert "already running" in outcomes[1]
    pages = [h.path for h in server.hits if h.path.startswith("/slow/")]
    assert len(pages) == 10 and len(set(pages)) == 10
    assert len(list(desk.corpus_dir.rglob("*.md"))) == 10
    assert make_ingester().feeds()[0].articles_added == 10


def test_a_poll_while_another_runs_is_refused_at_once(desk, make_ingester):
    ingester = make_ingester()
    with one_at_a_time(desk.db_path, wait=False), pytest.raises(PollRunning):
        ingester.poll()


@pytest.mark.parametrize(
    "front",
    [
        "a: &x [1, 2]\nb: *x\nurl: http://example.com/a\n",  # aliases are refused
        "url: http://example.com/a\nnote: '" + "x" * 70_000 + "'\n",  # over the size cap
    ],
)
def test_the_catalog_reads_front_matter_with_the_safe_reader(tmp_path, front):
    (tmp_path / "a.md").write_text(f"---\n{front}---\nSome article text.\n", "utf-8")

    catalog = Catalog(tmp_path)

    assert catalog.find(["http://example.com/a"]) is None
