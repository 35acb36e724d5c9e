"""Corpus files written by ingest: readable by the loader, stable names, no duplicates."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.loaders import load_file
from ingest.corpus import ArticleFile, Catalog, file_stem, write_article
from tests.ingest.conftest import BRIDGE, serve_article

BODY = "The council met on Monday. It approved the budget for the new school by nine votes."
_printable = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=80,
)
_tricky = st.one_of(
    _printable,
    st.sampled_from(["---", "a: b", "- item", "'quoted'", '"x"', "null", "2024-03-04", "#tag"]),
    st.text(alphabet=string.printable, max_size=40),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=_tricky, outlet=_tricky, author=_tricky)
def test_front_matter_survives_any_metadata(tmp_path: Path, title, outlet, author):
    path = tmp_path / "article.md"
    article = ArticleFile(
        url="https://example.org/a?b=1&c=2",
        text=BODY,
        title=title,
        outlet=outlet,
        published="2024-03-04",
        author=author,
    )
    write_article(path, article)
    skipped: list = []

    (raw,) = load_file(path, skipped)

    assert skipped == []
    assert raw.title == (" ".join(title.split()) or None)
    assert raw.outlet == (" ".join(outlet.split()) or None)
    assert raw.published == "2024-03-04"
    assert raw.url == "https://example.org/a?b=1&c=2"
    assert raw.body.strip() == BODY


def test_file_name_is_stable_for_a_url_however_it_is_written():
    assert file_stem("https://Example.org:443/news/1#top") == file_stem(
        "https://example.org/news/1"
    )
    assert file_stem("https://example.org/news/1") != file_stem("https://example.org/news/2")


def test_writing_leaves_no_temporary_file(tmp_path: Path):
    path = tmp_path / "outlet" / "x.md"

    write_article(path, ArticleFile(url="https://e.org/x", text=BODY))

    assert [p.name for p in path.parent.iterdir()] == ["x.md"]


def test_the_same_text_under_another_url_is_not_added_twice(server, make_ingester, desk):
    serve_article(server, "/copy/bridge.html", BRIDGE, site="Other Paper")
    ingester = make_ingester()

    first = ingester.add([server.url("/news/bridge.html")])
    second = ingester.add([server.url("/copy/bridge.html")])

    assert first.links[0].status == "added"
    (copy,) = second.links
    assert copy.status == "duplicate" and "(same text)" in copy.reason
    assert len(list(desk.corpus_dir.rglob("*.md"))) == 1


def test_a_url_already_in_a_hand_written_file_is_not_fetched_into_a_second_one(
    server, make_ingester, desk
):
    url = server.url("/news/bridge.html")
    (desk.corpus_dir / "mine.md").write_text(f"---\ntitle: Mine\nurl: {url}\n---\n{BODY}\n")

    (link,) = make_ingester().add([url]).links

    assert link.status == "duplicate" and "(same URL)" in link.reason
    assert link.path.endswith("mine.md")


def test_catalog_ignores_and_clears_stale_temp_files(tmp_path: Path):
    corpus = tmp_path / "corpus"
    (corpus / "outlet").mkdir(parents=True)
    stale = corpus / "outlet" / ".x.md.tmp-123"
    stale.write_text("half")
    import os

    os.utime(stale, (1, 1))

    Catalog(corpus)

    assert not stale.exists()
