"""Every bad link or feed gives one clear reason and leaves the corpus and the index alone."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ingest.errors import FetchError
from ingest.extract import decode_page, extract_article
from ingest.feedread import parse_feed
from ingest.fetch import Fetched
from tests.ingest.conftest import BRIDGE, snapshot
from tests.ingest.server import Page, article_html, rfc822, rss

MB = 2**20


def _bad_pages(server) -> dict[str, tuple[str, str]]:
    """Path -> (what the reason must say) for every kind of bad page the server offers."""
    server.add("/gone.html", Page(b"<html><body>gone</body></html>", status=404))
    server.add("/broken.html", Page(b"<html><body>oops</body></html>", status=500))
    server.add("/slow.html", Page(article_html(*BRIDGE).encode(), delay_s=2.0))
    server.add("/huge.html", Page(b"<html><body>" + b"x" * (20 * MB) + b"</body></html>"))
    server.add("/endless.html", Page(stream_bytes=20 * MB))
    server.add("/loop/a", Page(status=302, headers={"Location": "/loop/b"}))
    server.add("/loop/b", Page(status=302, headers={"Location": "/loop/a"}))
    for hop in range(7):
        server.add(f"/hop/{hop}", Page(status=301, headers={"Location": f"/hop/{hop + 1}"}))
    server.add("/report.pdf", Page(b"%PDF-1.4\n%binary\n", content_type="application/pdf"))
    server.add("/data.json", Page(b'{"a": 1}', content_type="application/json"))
    server.add("/empty.html", Page(b"<html><body><nav>Home</nav></body></html>"))
    return {
        "/gone.html": ("answered 404", "failed"),
        "/broken.html": ("answered 500", "failed"),
        "/slow.html": ("did not answer within 0.4 s", "failed"),
        "/huge.html": ("5 MB cap", "failed"),
        "/endless.html": ("5 MB cap", "failed"),
        "/loop/a": ("redirects in a loop", "failed"),
        "/hop/0": ("redirects more than 5 times", "failed"),
        "/report.pdf": ("is a PDF document, not an HTML page", "failed"),
        "/data.json": ("is JSON data, not an HTML page", "failed"),
        "/empty.html": ("has no article text", "failed"),
    }


BAD = [
    "/gone.html",
    "/broken.html",
    "/slow.html",
    "/huge.html",
    "/endless.html",
    "/loop/a",
    "/hop/0",
    "/report.pdf",
    "/data.json",
    "/empty.html",
]


@pytest.mark.parametrize("path", BAD)
def test_bad_page_gives_one_clear_reason_and_changes_nothing(server, make_ingester, desk, path):
    expected, status = _bad_pages(server)[path]
    ingester = make_ingester()
    first = ingester.add([server.url("/news/bridge.html")])
    assert [link.status for link in first.links] == ["added"]
    corpus, index = snapshot(desk.corpus_dir), snapshot(desk.index_dir)
    target = desk.index_dir.resolve()

    report = ingester.add([server.url(path)])

    (link,) = report.links
    assert link.status == status
    assert expected in link.reason
    assert "\n" not in link.reason and "Traceback" not in link.reason
    assert report.build is None  # nothing new: no build, the index stays as it was
    assert snapshot(desk.corpus_dir) == corpus
    assert desk.index_dir.resolve() == target and snapshot(desk.index_dir) == index


def test_one_bad_link_does_not_stop_the_others(server, make_ingester):
    server.add("/gone.html", Page(b"", status=404))

    report = make_ingester().add([server.url("/gone.html"), server.url("/news/bridge.html")])

    assert [link.status for link in report.links] == ["failed", "added"]
    assert report.build is not None and report.build.added == 1


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("ftp://127.0.0.1/file.html", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("not a link at all", "only http and https"),
        ("http://", "no host"),
    ],
)
def test_links_other_than_http_are_refused_without_a_fetch(make_ingester, link, expected):
    (result,) = make_ingester().add([link]).links

    assert result.status == "failed" and expected in result.reason


def test_a_page_in_another_encoding_is_read_as_its_server_says(server, make_ingester, desk):
    text = [
        "Жители города Кесселя одобрили строительство новой трамвайной линии в воскресенье.",
        "Строительство линии длиной двенадцать километров начнется в 2026 году, сообщила мэрия.",
    ]
    page = article_html("Новый трамвай", text, site="Кессельский вестник", charset="windows-1251")
    server.add(
        "/ru.html", Page(page.encode("cp1251"), content_type="text/html; charset=windows-1251")
    )
    latin = article_html(
        "Café owners protest",
        [
            "Café owners in Zürich protested on Monday against the new façade rules of the city.",
            "The rules would require every café to repaint its façade in one of four colours.",
        ],
        charset="iso-8859-1",
    )
    server.add("/fr.html", Page(latin.encode("latin-1"), content_type="text/html"))

    report = make_ingester().add([server.url("/ru.html"), server.url("/fr.html")])

    assert [link.status for link in report.links] == ["added", "added"]
    files = {p.name: p.read_text("utf-8") for p in desk.corpus_dir.rglob("*.md")}
    assert any("трамвайной линии" in t for t in files.values())
    assert any("façade rules" in t for t in files.values())


def test_gzip_pages_are_decoded(server, make_ingester, desk):
    report = make_ingester().add([server.url("/news/bridge.html")])

    gzipped = server.requests_to("/news/bridge.html")[0]
    assert "gzip" in gzipped.headers["accept-encoding"]
    assert report.links[0].status == "added"
    assert gzip.compress(b"x")  # the server compresses pages over 200 bytes
    assert "720 metres" in next(desk.corpus_dir.rglob("*.md")).read_text("utf-8")


def test_requests_name_newsdesk_in_the_user_agent(server, make_ingester):
    make_ingester().add([server.url("/news/bridge.html")])

    assert server.requests_to("/news/bridge.html")[0].headers["user-agent"].startswith("newsdesk/")


def test_invalid_xml_feed_is_refused_when_followed(server, make_ingester):
    server.add("/bad.xml", Page(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Bro'))

    with pytest.raises(FetchError, match="not a readable RSS or Atom feed"):
        make_ingester().follow(server.url("/bad.xml"), 1800)


def test_a_page_is_not_a_feed(server, make_ingester):
    with pytest.raises(FetchError, match="not an RSS or Atom feed"):
        make_ingester().follow(server.url("/news/bridge.html"), 1800)


def _story(path: str) -> Page:
    n = path.rsplit("/", 1)[1].split(".")[0]
    paragraphs = [
        f"Story number {n} of the archive tells of the harbour of Port {n} and its ships.",
        f"The harbour master of Port {n} counted {n} ships in the first week of March.",
    ]
    return Page(article_html(f"Harbour report {n}", paragraphs).encode())


def _archive(server, path: str, entries: int) -> str:
    server.generated["/many/"] = _story
    items = [(f"Harbour {i}", f"/many/{i}.html", rfc822(1 + i % 28)) for i in range(entries)]
    feed = rss("Archive", items, base=server.base)
    return server.add(path, Page(feed, content_type="application/rss+xml", etag=True))


def test_a_feed_of_ten_thousand_entries_takes_fifty_of_its_newest(server, make_ingester):
    ingester = make_ingester()
    ingester.store.add(_archive(server, "/big.xml", 10_000), 1800)  # following it reads it too

    report = ingester.poll()

    (feed,) = report.feeds
    assert feed.status == "ok" and feed.entries == 10_000
    assert any("lists 10,000 entries; only the newest 200 are read" in n for n in feed.notes)
    assert any("150 more new entries are left for the next poll" in n for n in feed.notes)
    assert len(report.added) == 50
    assert len([h for h in server.hits if h.path.startswith("/many/")]) == 50
    numbers = {int(link.link.rsplit("/", 1)[1].split(".")[0]) for link in report.added}
    assert {n % 28 for n in numbers} == {27}, "the newest entries (March 28) come first"


def test_entries_beyond_fifty_come_with_the_next_polls(server, make_ingester):
    ingester = make_ingester()
    ingester.store.add(_archive(server, "/archive.xml", 120), 1800)

    counts = [len(ingester.poll(all_feeds=True).added) for _ in range(4)]

    assert counts == [50, 50, 20, 0]
    assert len([h for h in server.hits if h.path.startswith("/many/")]) == 120
    last = server.requests_to("/archive.xml")[-1]
    assert last.status == 304, "once every entry is in, the validators are kept again"


def test_a_feed_that_turns_bad_keeps_its_error_and_the_others_go_on(server, make_ingester, desk):
    ingester = make_ingester()
    bad = ingester.follow(server.url("/rss.xml"), 1800).feed
    good = ingester.follow(server.url("/atom.xml"), 1800).feed
    server.add("/rss.xml", Page(b"<rss><channel><item>", content_type="application/rss+xml"))

    report = ingester.poll()

    status = {f.feed_id: f for f in report.feeds}
    assert status[bad.feed_id].status == "failed"
    assert "not a readable RSS or Atom feed" in status[bad.feed_id].error
    assert status[good.feed_id].status == "ok" and len(report.added) == 1
    row = ingester.store.find(str(bad.feed_id))
    assert row.failures == 1 and "not a readable" in row.last_error
    assert not row.is_due(), "a failing feed waits before it is tried again"
    assert row.delay_s == 2 * row.every_s


def test_feed_entry_title_and_date_fill_what_the_page_lacks(server, make_ingester, desk):
    paragraphs = "".join(f"<p>{p}</p>" for p in BRIDGE[1])
    server.add("/bare.html", Page(f"<html><body><div>{paragraphs}</div></body></html>".encode()))
    items = [("Glass bridge opens in Vellmar", "/bare.html", rfc822(3))]
    server.add(
        "/f.xml",
        Page(rss("Valley Courier", items, base=server.base), content_type="application/rss+xml"),
    )
    ingester = make_ingester()
    ingester.follow(server.url("/f.xml"), 1800)

    (link,) = ingester.poll().added

    assert link.published == "2024-03-03"
    assert link.title == "Glass bridge opens in Vellmar"
    assert link.outlet == "Valley Courier"  # the feed's title stands in for the site name
    text = (desk.corpus_dir / "valley-courier").glob("*.md").__next__().read_text("utf-8")
    assert "title: Glass bridge opens in Vellmar" in text and "published: '2024-03-03'" in text


_page_bytes = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000).map(lambda t: f"<html><body><p>{t}</p></body></html>".encode()),
    st.text(max_size=500).map(lambda t: f'<meta charset="{t[:20]}"><p>{t}</p>'.encode()),
)


@pytest.mark.parametrize("charset", ["undefined", "idna", "hex", "rot13", "no-such-charset"])
def test_a_page_declaring_a_codec_that_cannot_decode_it_is_read_as_utf8(charset):
    text = "Café owners in Vellmar said the glass bridge opened on Sunday. " * 4
    body = f'<meta charset="{charset}"><p>{text}</p>'.encode()
    fetched = Fetched(url="http://127.0.0.1/x", status=200, content_type="text/html", body=body)

    assert "Café owners in Vellmar" in decode_page(fetched)


@settings(max_examples=80, deadline=None)
@given(body=_page_bytes, kind=st.sampled_from(["text/html", "", "application/xhtml+xml"]))
@example(body=b"<meta\x00charset=UNDEFINED", kind="text/html")
def test_any_page_is_an_article_or_one_clear_reason(body, kind):
    fetched = Fetched(url="http://127.0.0.1/x", status=200, content_type=kind, body=body)
    try:
        found = extract_article(fetched)
    except FetchError as exc:
        assert "\n" not in str(exc)
    else:
        assert len(found.text.split()) >= 20


@settings(max_examples=80, deadline=None)
@given(body=st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)))
def test_any_feed_document_is_entries_or_one_clear_reason(body):
    fetched = Fetched(url="http://127.0.0.1/f.xml", status=200, content_type="", body=body)
    try:
        parsed = parse_feed(fetched)
    except FetchError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(entry.link for entry in parsed.entries)
