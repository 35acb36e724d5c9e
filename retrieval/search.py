"""Stage 1, retrieve: the best chunks for a question by fused dense and BM25 search."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from index import OpenIndex
from retrieval.context import QuestionContext


@dataclass(frozen=True)
class SearchConfig:
    """How many chunks each search returns and keeps, and how the rankings are fused."""

    candidates: int = 50
    # Chunks whose sentences are scored. 16 rather than 12 on the development questions of
    # bench/tune_quotes.py: NewsQA quote hit@1 0.370 -> 0.373 and hit@5 0.551 -> 0.561, XQuAD
    # 0.903 either way; 20 gave no more hit@1 for a quarter more sentences to score.
    quote_chunks: int = 16
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    # Weight of the searches restricted to the window a question names, beside the whole.
    window_weight: float = 1.0


@dataclass(frozen=True)
class Candidate:
    """A chunk retrieved for a question: fused rank score and its dense and BM25 evidence.

    `fused` and `lexical` are scaled so that the best candidate has 1.
    """

    chunk_id: int
    fused: float
    dense: float
    lexical: float

    @property
    def strength(self) -> float:
        """Sum of the chunk's evidence, to choose between two chunks holding a sentence."""
        return self.dense + self.lexical + self.fused


def fuse_rankings(
    rankings: list[tuple[NDArray[np.int64], float]], *, rrf_k: int
) -> dict[int, float]:
    """Weighted reciprocal rank fusion: sum of weight / (rrf_k + rank) over the rankings."""
    fused: dict[int, float] = {}
    for ids, weight in rankings:
        if weight <= 0:
            continue
        for rank, chunk_id in enumerate(ids.tolist(), start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (rrf_k + rank)
    return fused


def _searchable(
    index: OpenIndex, context: QuestionContext
) -> tuple[NDArray[np.bool_] | None, NDArray[np.bool_] | None]:
    """The chunks a question may use (None: all) and those of the window it names, if any.

    Articles published after the as-of date are never used; a window the question names is
    searched on its own beside the whole, so its articles are among the candidates.
    """
    if context.timeframe is None or context.as_of is None:
        return None, None
    allowed = index.chunks_until(context.as_of)
    window = context.timeframe.window
    if window is None:
        return allowed, None
    return allowed, allowed & index.chunks_within(*window)


def retrieve(index: OpenIndex, context: QuestionContext, config: SearchConfig) -> list[Candidate]:
    """The best `config.quote_chunks` chunks by weighted reciprocal rank fusion."""
    allowed, window = _searchable(index, context)
    terms = list(context.terms)
    dense_ids, _ = index.dense_search(context.vector, config.candidates, allowed)
    lexical_ids, lexical_scores = index.lexical_search(terms, config.candidates, allowed)
    rankings = [(dense_ids, config.dense_weight), (lexical_ids, config.lexical_weight)]
    bm25 = dict(zip(lexical_ids.tolist(), lexical_scores.tolist(), strict=True))
    if window is not None and window.any():
        window_dense, _ = index.dense_search(context.vector, config.candidates, window)
        window_ids, window_scores = index.lexical_search(terms, config.candidates, window)
        rankings += [(window_dense, config.window_weight), (window_ids, config.window_weight)]
        bm25.update(zip(window_ids.tolist(), window_scores.tolist(), strict=True))
    fused = fuse_rankings(rankings, rrf_k=config.rrf_k)
    if not fused:
        return []
    top = sorted(fused.items(), key=lambda item: -item[1])[: config.quote_chunks]
    best_fused = top[0][1]
    best_bm25 = max([bm25.get(c, 0.0) for c, _ in top] + [1e-9])
    ids = np.array([chunk_id for chunk_id, _ in top], dtype=np.int64)
    cosines = index.chunk_vectors[ids].astype(np.float32) @ context.vector
    return [
        Candidate(chunk_id, score / best_fused, float(cos), bm25.get(chunk_id, 0.0) / best_bm25)
        for (chunk_id, score), cos in zip(top, cosines, strict=True)
    ]
