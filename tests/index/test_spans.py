"""Every stored span slices its text exactly out of the stored cleaned article (bundled index)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from index import OpenIndex, load_index, read_manifest, split_sentences
from index.cleaning import clean_body
from index.loaders import load_file
from tests.conftest import CORPUS

STEMS = sorted(p.stem for p in CORPUS.glob("*.md"))


@pytest.fixture(scope="module")
def opened(bundled_index) -> OpenIndex:
    return load_index(bundled_index)


def _article_idx(opened: OpenIndex, stem: str) -> int:
    return [a.article_id for a in opened.articles].index(stem)


def _sentence_ids(opened: OpenIndex, idx: int) -> list[int]:
    return [i for i, row in enumerate(opened.sentence_rows) if int(row[0]) == idx]


def _chunk_ids(opened: OpenIndex, idx: int) -> list[int]:
    return [i for i, row in enumerate(opened.chunk_rows) if int(row[0]) == idx]


def test_every_bundled_article_is_indexed_under_its_file_stem(opened):
    assert sorted(a.article_id for a in opened.articles) == STEMS
    assert all(a.path.endswith(f"{a.article_id}.md") for a in opened.articles)


@pytest.mark.parametrize("stem", STEMS)
def test_sentences_are_non_empty_stripped_and_in_order(opened, stem):
    idx = _article_idx(opened, stem)
    text = opened.articles[idx].text
    spans = [opened.sentence_span(i)[1:] for i in _sentence_ids(opened, idx)]

    assert spans
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(text[s:e] == text[s:e].strip() and text[s:e] for s, e in spans)
    assert all(e1 <= s2 for (_, e1), (s2, _) in pairwise(spans))


@pytest.mark.parametrize("stem", STEMS)
def test_stored_text_and_sentences_are_those_of_the_cleaned_file(opened, stem):
    [raw] = load_file(CORPUS / f"{stem}.md", [])
    cleaned = clean_body(raw.body, raw.title).text
    idx = _article_idx(opened, stem)

    assert opened.articles[idx].text == cleaned
    assert [opened.sentence_text(i) for i in _sentence_ids(opened, idx)] == [
        cleaned[s.start : s.end] for s in split_sentences(cleaned)
    ]


@pytest.mark.parametrize("stem", STEMS)
def test_chunks_are_slices_that_start_and_end_on_their_sentences(opened, stem):
    idx = _article_idx(opened, stem)
    text = opened.articles[idx].text
    rows = [tuple(int(x) for x in opened.chunk_rows[c]) for c in _chunk_ids(opened, idx)]
    spans = [opened.sentence_span(i) for i in range(len(opened.sentence_rows))]

    assert rows
    assert [opened.chunk_text(c) for c in _chunk_ids(opened, idx)] == [
        text[start:end] for _, start, end, _, _ in rows
    ]
    assert [(start, end) for _, start, end, _, _ in rows] == [
        (spans[first][1], spans[last][2]) for _, _, _, first, last in rows
    ]
    assert all(spans[i][0] == idx for *_, first, last in rows for i in range(first, last + 1))


@pytest.mark.parametrize("stem", STEMS)
def test_every_sentence_lies_in_some_chunk(opened, stem):
    idx = _article_idx(opened, stem)
    covered = {s for c in _chunk_ids(opened, idx) for s in opened.chunk_sentences(c)}

    assert covered == set(_sentence_ids(opened, idx))


def test_stored_text_is_the_cleaned_text_without_boilerplate(opened):
    text = opened.articles[_article_idx(opened, "003_c5a62ef91915473f")].text

    assert "Leave a Comment" not in text
    assert text.endswith("in Washington to discuss trade.")


@pytest.mark.parametrize(
    ("stem", "agency", "published"),
    [
        ("001_6bfe9bbd82f5b990", None, "2023-06-14"),
        ("002_b693ecef4805a897", "DN", None),
        ("003_c5a62ef91915473f", "AP", None),
        ("004_ed5ff4a95a8e6520", "EFE and AP", None),
    ],
)
def test_article_metadata_is_stored(opened, stem, agency, published):
    article = opened.articles[_article_idx(opened, stem)]

    assert (article.agency, article.published) == (agency, published)


def test_no_bundled_chunk_exceeds_the_chunk_size_by_the_model_tokenizer(
    opened, bundled_index, real_embedder
):
    limit = read_manifest(bundled_index)["chunk_tokens"]

    counts = real_embedder.count_tokens([opened.chunk_text(c) for c in range(opened.n_chunks)])

    assert max(counts) <= limit < real_embedder.max_tokens
