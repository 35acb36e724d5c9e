"""Sentences and chunks: exact spans, the token limit as the real tokenizer counts, overlap."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import BuildOptions, build_index, load_index
from index import split_sentences as split
from index.chunking import Span, chunk_sentences, segment
from tests.fakes import FakeEmbedder

_COUNT = FakeEmbedder().count_tokens

# A BBC-style article whose third paragraph is one 400-word run with no punctuation at all,
# as scraped tables and lists sometimes come out.
_SENTENCE = (
    "the chancellor said growth would slow next year while exports to Europe and Asia held up "
    "better than the forecasts of most city economists had suggested in the autumn"
)
LONG_RUN = " ".join((_SENTENCE.split(" ") * 20)[:400])
LONG_ARTICLE = (
    "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the "
    "three months to December, from $639m year-earlier.\n\n"
    "The firm, which is now one of the biggest investors in Google, benefited from sales of "
    "high-speed internet connections and higher advert sales.\n\n"
    + LONG_RUN
    + "\n\nTimeWarner said fourth quarter sales rose 2% to $11.1bn from $10.9bn.\n"
)


def test_sentences_have_exact_stripped_spans_and_never_cross_a_line_break():
    text = "  First one here. Second one!\n\nThird on its own line\nFourth, after a break.  "

    got = [text[s.start : s.end] for s in split(text)]

    assert got == [
        "First one here.",
        "Second one!",
        "Third on its own line",
        "Fourth, after a break.",
    ]


def test_text_without_sentences_has_no_spans():
    assert split("\n\n  \n") == []


@pytest.mark.parametrize(("max_tokens", "overlap"), [(12, 0), (12, 4), (20, 8), (40, 10)])
def test_chunks_stay_within_the_token_limit(max_tokens, overlap):
    text = " ".join(f"Sentence number {i} has exactly six words." for i in range(30))
    spans, sizes = segment(text, max_tokens=max_tokens, count=_COUNT)

    chunks = chunk_sentences(spans, sizes, max_tokens=max_tokens, overlap_tokens=overlap)

    assert chunks
    assert max(sum(sizes[c.first_sentence : c.last_sentence + 1]) for c in chunks) <= max_tokens


@pytest.mark.parametrize(("overlap", "shared"), [(0, 0), (6, 1), (12, 2), (13, 2)])
def test_chunks_overlap_by_whole_sentences_up_to_the_configured_width(overlap, shared):
    spans = [Span(i * 10, i * 10 + 9) for i in range(12)]
    sizes = [6] * 12

    chunks = chunk_sentences(spans, sizes, max_tokens=24, overlap_tokens=overlap)

    assert {a.last_sentence - b.first_sentence + 1 for a, b in pairwise(chunks)} == {shared}


def test_chunks_cover_every_sentence_in_order():
    spans = [Span(i * 10, i * 10 + 9) for i in range(25)]
    sizes = [3, 7, 5, 9, 2] * 5

    chunks = chunk_sentences(spans, sizes, max_tokens=16, overlap_tokens=5)

    assert chunks[0].first_sentence == 0
    assert chunks[-1].last_sentence == 24
    assert all(b.first_sentence <= a.last_sentence + 1 for a, b in pairwise(chunks))
    assert all(b.first_sentence > a.first_sentence for a, b in pairwise(chunks))
    assert all(
        (c.start, c.end) == (spans[c.first_sentence].start, spans[c.last_sentence].end)
        for c in chunks
    )


def test_over_long_sentence_is_cut_at_word_boundaries():
    text = "Short one.\n" + " ".join(f"w{i}" for i in range(100)) + " end."

    spans, sizes = segment(text, max_tokens=30, count=_COUNT)
    pieces = [text[s.start : s.end] for s in spans]

    assert max(sizes) <= 30
    assert pieces[0] == "Short one."
    assert " ".join(pieces[1:]) == text[len("Short one.\n") :]


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


@pytest.fixture(scope="module")
def long_article_index(tmp_path_factory, real_embedder):
    root = tmp_path_factory.mktemp("long")
    (root / "corpus").mkdir()
    (root / "corpus" / "timewarner.txt").write_text(LONG_ARTICLE)
    build_index(
        root / "corpus",
        root / "index",
        real_embedder,
        BuildOptions(chunk_tokens=128, overlap_tokens=32),
    )
    return load_index(root / "index")


def test_no_chunk_exceeds_the_chunk_size_by_the_model_tokenizer(long_article_index, real_embedder):
    texts = [long_article_index.chunk_text(c) for c in range(long_article_index.n_chunks)]

    counts = real_embedder.count_tokens(texts)

    assert len(texts) >= 4  # the 400-word run alone is far over 128 tokens
    assert max(counts) <= 128


def test_long_run_without_punctuation_is_cut_at_word_boundaries(long_article_index):
    text = long_article_index.articles[0].text
    starts = {s for s, _ in _word_spans(text)}
    ends = {e for _, e in _word_spans(text)}

    for sentence_id in range(len(long_article_index.sentence_rows)):
        _, start, end = long_article_index.sentence_span(sentence_id)
        assert start in starts
        assert end in ends


def test_no_word_of_a_long_article_is_left_out_of_every_chunk(long_article_index):
    text = long_article_index.articles[0].text
    covered = [(int(s), int(e)) for _, s, e, _, _ in long_article_index.chunk_rows]

    missing = [
        text[s:e]
        for s, e in _word_spans(text)
        if not any(cs <= s and e <= ce for cs, ce in covered)
    ]

    assert "the chancellor said growth" in text
    assert missing == []


def test_word_longer_than_a_chunk_is_cut_to_fit_the_model(real_embedder):
    url = "https://example.com/" + "/".join(f"section{i}-page-{i * 7}" for i in range(120))
    text = f"The full list is at {url} for readers.\n\nThe list is updated weekly."

    spans, _ = segment(text, max_tokens=128, count=real_embedder.count_tokens)
    pieces = [text[s.start : s.end] for s in spans]

    assert max(real_embedder.count_tokens(pieces)) <= 128
    assert "".join(p for p in pieces if not p.startswith("The list")).replace(" ", "") == (
        f"The full list is at {url} for readers.".replace(" ", "")
    )


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab .!?\t,éü€🙂日本\u200b\"'()")), min_size=1, max_size=120
    )
)
def test_sentence_offsets_match_blingfires_own_wrapper(paragraph):
    import blingfire

    from index.chunking import _sentence_offsets

    assert _sentence_offsets(paragraph) == list(
        blingfire.text_to_sentences_and_offsets(paragraph)[1]
    )


def test_sentence_offsets_count_characters_not_bytes():
    from index.chunking import _sentence_offsets

    text = "Le café coûte 3 €. 日本の首相が来た。 Then 🙂 he left."
    spans = _sentence_offsets(text)
    assert text[spans[0][0] : spans[0][1]] == "Le café coûte 3 €."
    assert text[spans[-1][0] : spans[-1][1]].endswith("he left.")
