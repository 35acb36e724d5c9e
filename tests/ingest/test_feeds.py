"""The feeds table: intervals, backoff, conditional polls, and polls killed midway."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from index import load_index
from ingest import FeedStore, format_every, parse_every
from kernel.errors import ConfigError
from tests.fakes import FakeEmbedder
from tests.ingest.server import Page


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), ("1h", 3600), ("2h30m", 9000), ("90s", 90), ("1d", 86400), ("45", 2700)],
)
def test_intervals_read_as_people_write_them(text, seconds):
    assert parse_every(text) == seconds
    assert parse_every(format_every(seconds)) == seconds


@pytest.mark.parametrize("text", ["", "soon", "30x", "-5m", "10s", "30d", "1h 2q"])
def test_bad_intervals_are_one_clear_error(text):
    with pytest.raises(ConfigError):
        parse_every(text)


def test_feeds_table_has_the_columns_of_the_design(tmp_path: Path):
    store = FeedStore(tmp_path / "n.db")
    columns = {c.name for c in store._db.table("feeds").columns}
    store.close()

    assert columns == {
        "id", "url", "title", "every_s", "etag", "last_modified", "last_polled", "last_ok",
        "last_error", "failures", "articles_added", "created",
    }  # fmt: skip


def _open_and_follow(args: tuple[str, int]) -> int:
    path, n = args
    store = FeedStore(Path(path))
    feed, _ = store.add(f"http://127.0.0.1/feed{n}.xml", 1800)
    store.close()
    return feed.feed_id


def test_several_processes_can_create_the_table_at_once(tmp_path: Path):
    path = str(tmp_path / "shared.db")
    context = multiprocessing.get_context("spawn")

    with context.Pool(4) as pool:
        ids = pool.map(_open_and_follow, [(path, n) for n in range(8)])

    assert sorted(ids) == list(range(1, 9))
    store = FeedStore(Path(path))
    assert len(store.feeds()) == 8
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_backoff_doubles_with_each_failure_up_to_a_day(tmp_path: Path):
    store = FeedStore(tmp_path / "n.db")
    feed, _ = store.add("http://127.0.0.1/f.xml", 1800)
    delays = []
    for _ in range(8):
        store.record_failure(feed.feed_id, "boom")
        delays.append(store.find(str(feed.feed_id)).delay_s)
    store.record_success(feed.feed_id)
    healed = store.find(str(feed.feed_id))
    store.close()

    assert delays[:5] == [3600, 7200, 14400, 28800, 57600]
    assert max(delays) == 86400
    assert healed.delay_s == 1800 and healed.last_error is None and healed.failures == 0


def test_second_poll_costs_one_conditional_request_and_duplicates_nothing(
    server, make_ingester, desk
):
    ingester = make_ingester()
    ingester.follow(server.url("/rss.xml"), 1800)
    first = ingester.poll()
    files = sorted(desk.corpus_dir.rglob("*.md"))
    hits = len(server.hits)

    second = ingester.poll(all_feeds=True)

    assert len(first.added) == 2 and second.added == ()
    assert [h.path for h in server.hits[hits:]] == ["/rss.xml"]
    assert server.hits[-1].status == 304 and server.hits[-1].headers["if-none-match"]
    assert second.build is None
    assert sorted(desk.corpus_dir.rglob("*.md")) == files
    (feed,) = ingester.feeds()
    assert feed.articles_added == 2 and feed.last_error is None


def test_a_changed_feed_fetches_only_its_new_entries(server, make_ingester):
    ingester = make_ingester()
    ingester.follow(server.url("/rss.xml"), 1800)
    ingester.poll()
    server.add("/rss.xml", Page(server.pages["/rss.xml"].body.replace(b"News<", b"All news<")))
    hits = len(server.hits)

    report = ingester.poll(all_feeds=True)

    assert report.added == ()
    assert [h.path for h in server.hits[hits:]] == ["/rss.xml"]


def test_only_due_feeds_are_polled(server, make_ingester):
    ingester = make_ingester()
    ingester.follow(server.url("/rss.xml"), 1800)
    ingester.poll()
    hits = len(server.hits)

    report = ingester.poll()

    assert report.feeds == () and len(server.hits) == hits


class Killed(BaseException):
    """Stands for the process being killed while the index is being updated."""


def _dies() -> FakeEmbedder:
    raise Killed


def test_a_poll_killed_before_the_index_update_is_finished_by_the_next(server, make_ingester, desk):
    first = make_ingester(embedder=_dies)
    first.follow(server.url("/rss.xml"), 1800)
    with pytest.raises(Killed):
        first.poll()
    written = sorted(desk.corpus_dir.rglob("*.md"))
    assert len(written) == 2 and not desk.index_dir.exists()
    hits = len(server.hits)

    report = make_ingester().poll(all_feeds=True)

    assert [h.status for h in server.hits[hits:]] == [304]  # no page fetched again
    assert report.build is not None and report.build.added == 2
    assert load_index(desk.index_dir).n_articles == 2
    assert sorted(desk.corpus_dir.rglob("*.md")) == written
    assert make_ingester().poll(all_feeds=True).build is None  # nothing left to do


def test_a_poll_killed_between_noting_and_writing_a_file_fetches_it_again(
    server, make_ingester, desk
):
    ingester = make_ingester()
    ingester.follow(server.url("/rss.xml"), 1800)
    feed = ingester.feeds()[0]
    ghost = desk.corpus_dir / "valley-courier" / "never-written.md"
    ingester.store.record_link(
        server.url("/news/bridge.html"), feed.feed_id, "added", path=str(ghost), indexed=0
    )

    report = ingester.poll()

    assert len(report.added) == 2
    assert report.build is not None and report.build.articles == 2
    assert not ghost.exists()
