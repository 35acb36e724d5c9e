"""Hostile corpus files and index paths: every bad article is skipped with a reason, nothing
indexed is lost, and a build never replaces anything but a newsdesk index."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import BuildOptions, build_index, iter_corpus_files, load_index
from index.loaders import SkippedFile, load_file
from kernel.errors import NewsdeskError
from tests.fakes import FakeEmbedder

OPTIONS = BuildOptions(chunk_tokens=32, overlap_tokens=8)
GOOD = "The council approved the new harbour budget on Monday after a long debate."
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _md(front: str, body: str = GOOD) -> str:
    return f"---\n{front}\n---\n{body}\n"


def _load(path: Path) -> tuple[list, list[SkippedFile]]:
    skipped: list[SkippedFile] = []
    return load_file(path, skipped), skipped


@pytest.mark.parametrize(
    ("front", "why"),
    [
        ("published: 2023-13-45", "not a real date"),
        ("published: 2023-02-30", "not a real date"),
        ("published: 2023-06-14T25:61:00", "not a real date"),
        ("published: '2023-02-29 10:00'", "not a real date"),
        ("title: " + "9" * 5000, "too many digits"),
        ("title: [" * 40_000 + "]" * 40_000, "front matter"),
        ("title: " + "x" * 5000, "longer than"),
        ("title: {a: 1}", "single value"),
    ],
    ids=["month-13", "feb-30", "hour-25", "not-leap", "huge-number", "deep", "long", "mapping"],
)
def test_impossible_front_matter_skips_the_file_with_its_name_and_why(tmp_path, front, why):
    path = tmp_path / "bad.md"
    path.write_text(_md(front))
    articles, skipped = _load(path)
    assert articles == []
    assert len(skipped) == 1 and skipped[0].path.endswith("bad.md")
    assert why in skipped[0].reason


def test_yaml_alias_bomb_is_refused_before_it_expands(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    path = tmp_path / "bomb.md"
    path.write_text(_md("\n".join([*lines, "title: *a8"])))
    assert path.stat().st_size < 1000
    articles, skipped = _load(path)
    assert articles == [] and "alias" in skipped[0].reason


def test_front_matter_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "huge.md"
    path.write_text(_md("\n".join(f"k{i}: {'v' * 60}" for i in range(2000))))
    articles, skipped = _load(path)
    assert articles == [] and "KiB" in skipped[0].reason


def test_a_valid_date_and_time_is_kept(tmp_path):
    path = tmp_path / "ok.md"
    path.write_text(_md("published: 2023-06-14T09:30:00Z\ntitle: Budget"))
    articles, skipped = _load(path)
    assert skipped == [] and articles[0].published == "2023-06-14T09:30:00Z"


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ('{"id": "s", "text": "\\ud800 broken"}', "lone surrogate"),
        ('{"id": "s", "title": "\\udfff", "text": "fine"}', "lone surrogate"),
        ('{"id": "n", "text": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"id": ' + "7" * 5000 + ', "text": "fine"}', "too many digits"),
        ('{"id": "' + "7" * 5000 + '", "text": "fine"}', "longer than"),
        ('["not", "an", "object"]', "not a JSON object"),
    ],
    ids=["surrogate-text", "surrogate-title", "deep", "huge-number", "long-id", "array"],
)
def test_bad_jsonl_line_is_skipped_with_file_line_and_why_and_the_rest_is_read(tmp_path, line, why):
    path = tmp_path / "feed.jsonl"
    good = json.dumps({"id": "good", "text": GOOD})
    path.write_text(f"{good}\n{line}\n{good.replace('good', 'also')}\n")
    articles, skipped = _load(path)
    assert [a.article_id for a in articles] == ["good", "also"]
    assert [s.path for s in skipped] == [f"{path}:2"] or skipped[0].path.endswith("feed.jsonl:2")
    assert why in skipped[0].reason


def test_broken_and_looping_links_are_counted_as_skipped(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "real.txt").write_text(GOOD)
    (corpus / "dangling.md").symlink_to(corpus / "gone.md")
    (corpus / "loop-a").symlink_to(corpus / "loop-b")
    (corpus / "loop-b").symlink_to(corpus / "loop-a")
    (corpus / "alias.txt").symlink_to(corpus / "real.txt")
    skipped: list[SkippedFile] = []
    files = [p.name for p in iter_corpus_files(corpus, skipped)]
    assert files == ["alias.txt", "real.txt"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert "broken" in reasons["dangling.md"]
    assert "loops" in reasons["loop-a"] and "loops" in reasons["loop-b"]


def test_build_goes_on_past_every_bad_file_and_counts_it(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD)
    (corpus / "date.md").write_text(_md("published: 2023-13-45"))
    (corpus / "lines.jsonl").write_text('{"id": "x", "text": "\\ud800"}\n')
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (corpus / "dangling.md").symlink_to(corpus / "nowhere.md")
    summary = build_index(corpus, tmp_path / "index", FakeEmbedder(), OPTIONS)
    assert summary.articles == 1
    assert len(summary.skipped) == 4
    assert load_index(tmp_path / "index").articles[0].article_id == "good"


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (links as their targets) with a hash of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            out[key] = "-> " + os.readlink(path)
        elif path.is_file():
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "budget.txt").write_text(GOOD)
    return corpus


def test_index_path_holding_other_files_is_refused_and_left_untouched(tmp_path):
    corpus = _corpus(tmp_path)
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    (home / "notes.txt").write_text("mine")
    (home / "docs" / "thesis.md").write_text("years of work")
    before = _snapshot(home)
    for _ in range(2):  # the second build used to delete what the first moved aside
        with pytest.raises(NewsdeskError, match="not a newsdesk index"):
            build_index(corpus, home, FakeEmbedder(), OPTIONS)
    assert _snapshot(home) == before and home.is_dir() and not home.is_symlink()


def test_index_path_that_is_a_file_is_refused(tmp_path):
    corpus = _corpus(tmp_path)
    target = tmp_path / "index"
    target.write_text("not an index")
    with pytest.raises(NewsdeskError, match="it is a file"):
        build_index(corpus, target, FakeEmbedder(), OPTIONS)
    assert target.read_text() == "not an index"


def test_swapping_corpus_and_index_loses_no_article(tmp_path):
    corpus = _corpus(tmp_path)
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, FakeEmbedder(), OPTIONS)
    before = _snapshot(corpus)
    with pytest.raises(NewsdeskError):
        build_index(index_dir, corpus, FakeEmbedder(), OPTIONS)
    assert _snapshot(corpus) == before
    assert load_index(index_dir).n_articles == 1


def test_an_index_pointed_at_the_corpus_loses_no_article(tmp_path):
    corpus = _corpus(tmp_path)
    before = _snapshot(corpus)
    for _ in range(2):  # the first build moved the articles aside, the second deleted them
        with pytest.raises(NewsdeskError, match="not a newsdesk index"):
            build_index(corpus, corpus, FakeEmbedder(), OPTIONS)
    assert corpus.is_dir() and not corpus.is_symlink() and _snapshot(corpus) == before


def test_link_to_a_folder_that_is_not_an_index_is_refused(tmp_path):
    corpus = _corpus(tmp_path)
    elsewhere = tmp_path / "photos"
    elsewhere.mkdir()
    (elsewhere / "cat.jpg").write_bytes(b"\xff\xd8")
    link = tmp_path / "index"
    link.symlink_to(elsewhere)
    with pytest.raises(NewsdeskError, match="not a newsdesk index"):
        build_index(corpus, link, FakeEmbedder(), OPTIONS)
    assert link.is_symlink() and (elsewhere / "cat.jpg").exists()


def test_an_empty_folder_and_an_index_folder_from_elsewhere_are_replaced(tmp_path):
    corpus = _corpus(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    build_index(corpus, empty, FakeEmbedder(), OPTIONS)
    assert load_index(empty).n_articles == 1
    copied = tmp_path / "copied"
    copied.mkdir()
    for part in empty.resolve().iterdir():
        os.link(part, copied / part.name) if part.is_file() else None
    (copied / "bm25").mkdir()
    for part in (empty.resolve() / "bm25").iterdir():
        os.link(part, copied / "bm25" / part.name)
    (corpus / "second.txt").write_text(GOOD.replace("budget", "spending"))
    build_index(corpus, copied, FakeEmbedder(), OPTIONS)
    assert copied.is_symlink() and load_index(copied).n_articles == 2


def test_pruning_leaves_unknown_files_in_the_builds_folder(tmp_path):
    corpus = _corpus(tmp_path)
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, FakeEmbedder(), OPTIONS)
    stray = tmp_path / ".index.builds" / "keep-me.txt"
    stray.write_text("mine")
    build_index(corpus, index_dir, FakeEmbedder(), BuildOptions(32, 8, rebuild=True))
    assert stray.read_text() == "mine"


def test_a_five_megabyte_word_becomes_many_bounded_chunks(tmp_path, real_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "word.txt").write_text("x" * 1_000_000 + "\n")
    build_index(corpus, tmp_path / "index", real_embedder)
    opened = load_index(tmp_path / "index")
    lengths = [int(end - start) for _, start, end, _, _ in opened.chunk_rows]
    assert len(lengths) > 100 and max(lengths) <= 128 * 8


# Property tests: arbitrary input never escapes as an exception, and never costs the
# articles already indexed.

_jsonish = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
_front = st.dictionaries(
    st.sampled_from(["title", "outlet", "published", "date", "url", "agency", "x"]),
    _jsonish,
    max_size=5,
)


@HYPOTHESIS
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_arbitrary_bytes_never_escape_the_loader(tmp_path, data, suffix):
    path = tmp_path / f"any{suffix}"
    path.write_bytes(data)
    articles, skipped = _load(path)
    assert articles or skipped or suffix == ".jsonl"
    for article in articles:
        article.body.encode("utf-8")


@HYPOTHESIS
@given(front=_front, raw=st.text(max_size=200))
def test_arbitrary_front_matter_never_escapes_the_loader(tmp_path, front, raw):
    path = tmp_path / "any.md"
    for text in (_md(json.dumps(front)), _md(raw)):
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        articles, skipped = _load(path)
        assert len(articles) + len(skipped) == 1


@HYPOTHESIS
@given(
    records=st.lists(
        st.dictionaries(
            st.sampled_from(["id", "text", "title", "published"]), _jsonish, max_size=4
        ),
        min_size=1,
        max_size=4,
    )
)
def test_arbitrary_jsonl_lines_never_escape_the_loader(tmp_path, records):
    path = tmp_path / "any.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    articles, skipped = _load(path)
    assert len(articles) + len(skipped) == len(records)


@pytest.fixture
def indexed(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("hostile")
    corpus = _corpus(root)
    build_index(corpus, root / "index", FakeEmbedder(), OPTIONS)
    return corpus, root / "index"


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=500), suffix=st.sampled_from([".txt", ".md", ".jsonl"]))
def test_a_build_with_an_arbitrary_file_keeps_what_was_indexed(indexed, data, suffix):
    corpus, index_dir = indexed
    junk = corpus / f"junk{suffix}"
    junk.write_bytes(data)
    try:
        summary = build_index(corpus, index_dir, FakeEmbedder(), OPTIONS)
    finally:
        junk.unlink()
    assert "budget" in {a.article_id for a in load_index(index_dir).articles}
    assert summary.articles >= 1
