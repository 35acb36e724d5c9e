"""Live-news replies: within Discord's limits, one message per poll, no markdown or pings leak."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.news import added_text, announcement, feeds_text
from bot.text import MESSAGE_LIMIT, size
from ingest import Feed, IngestReport, LinkResult


def _link(n: int, title: str = "Title", outlet: str = "Outlet") -> LinkResult:
    return LinkResult(
        link=f"https://example.org/{n}",
        status="added",
        url=f"https://example.org/{n}",
        title=title,
        outlet=outlet,
        published="2024-03-04",
        chunks=2,
    )


def _feed(n: int, title: str = "A feed", error: str | None = None) -> Feed:
    return Feed(
        feed_id=n,
        url=f"https://example.org/{n}.xml",
        title=title,
        every_s=1800,
        etag=None,
        last_modified=None,
        last_polled="2024-03-04T10:00:00+00:00",
        last_ok=None if error else "2024-03-04T10:00:00+00:00",
        last_error=error,
        failures=1 if error else 0,
        articles_added=n,
        created="2024-03-01T00:00:00+00:00",
    )


def test_announcement_of_many_articles_is_one_message_within_the_limit():
    text = announcement([_link(n, "A long headline " * 20) for n in range(200)])

    assert size(text) <= MESSAGE_LIMIT
    assert text.startswith("📰 200 new articles in the index:")
    assert text.rstrip().endswith("more.")


def test_announcement_links_titles_without_previews():
    text = announcement([_link(1, "Bridge opens")])

    assert "[Bridge opens](<https://example.org/1>) — Outlet" in text


@settings(max_examples=50, deadline=None)
@given(title=st.text(max_size=400), outlet=st.text(max_size=200))
def test_article_text_cannot_ping_or_break_the_markup(title, outlet):
    text = announcement([_link(1, title, outlet)])

    assert size(text) <= MESSAGE_LIMIT
    assert "@everyone" not in text.replace("@\u200beveryone", "")
    assert text.count("](<https://example.org/1>)") == 1


def test_feeds_list_of_many_failing_feeds_fits_one_message():
    feeds = [
        _feed(n, "Feed " * 30, error="x answered 500 Internal Server Error. " * 10)
        for n in range(80)
    ]

    text = feeds_text(feeds)

    assert size(text) <= MESSAGE_LIMIT
    assert "failing (1 in a row)" in text and "more (see `newsdesk feeds list`)" in text


def test_added_text_names_title_outlet_and_date():
    report = IngestReport(links=(_link(1, "Bridge *opens*", "Valley Courier"),))

    assert added_text(report) == (
        "Added **Bridge \\*opens\\*** — Valley Courier, 2024-03-04, 2 chunks. "
        "<https://example.org/1>"
    )


def test_added_text_of_a_failure_is_its_reason():
    failed = LinkResult(
        "https://e.org/x", "failed", reason="https://e.org/x answered 404 Not Found."
    )

    assert added_text(IngestReport(links=(failed,))) == "https://e.org/x answered 404 Not Found."
