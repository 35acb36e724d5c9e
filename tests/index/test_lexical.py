"""BM25 over chunks: how repeats of one question term saturate."""

from __future__ import annotations

import numpy as np

from index.lexical import LexicalIndex

# Two chunks of equal length: one repeats the rarer question term, the other holds both
# question terms once; the rest make "harbour" commoner than "storm".
_CHUNKS = [
    ["storm", "storm", "storm", "coast", "ferry"],
    ["storm", "harbour", "coast", "ferry", "wind"],
    *[["harbour", f"filler{n}", "wind", "rain", "sun"] for n in range(3)],
    *[[f"other{n}", "wind", "rain", "sun", "cloud"] for n in range(6)],
]


def test_a_chunk_matching_more_question_terms_beats_one_repeating_a_term():
    ids, _ = LexicalIndex.build(_CHUNKS).search(["storm", "harbour"], k=2)
    assert ids.tolist() == [1, 0]


def test_with_bm25s_default_saturation_repeats_of_one_term_win():
    ids, _ = LexicalIndex.build(_CHUNKS, k1=1.5, b=0.75).search(["storm", "harbour"], k=2)
    assert ids.tolist() == [0, 1]


def test_the_k_best_are_the_head_of_the_whole_ranking_with_ties_in_chunk_order():
    rng = np.random.default_rng(7)
    vocabulary = ["harbour", "zeppelin", "hangar", "council", "vote", "rain"]
    chunks = [list(rng.choice(vocabulary, size=rng.integers(1, 6))) for _ in range(400)]
    chunks += [["zeppelin", "hangar"]] * 30  # thirty chunks with one and the same score
    lexical = LexicalIndex.build(chunks)
    query = ["zeppelin", "hangar", "vote"]
    every, every_scores = lexical.search(query, len(chunks))
    assert len(every) > 100
    for k in (1, 5, 40, 100, len(every)):
        ids, scores = lexical.search(query, k)
        assert ids.tolist() == every[:k].tolist()
        assert scores.tolist() == every_scores[:k].tolist()
    tied = [i for i in every.tolist() if i >= 400]
    assert tied == sorted(tied)
