"""Choosing quotes: scoring the sentences of the best chunks, and cutting verbatim passages."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from index import OpenIndex, tokenize, words
from retrieval.answer import Quote, Source
from retrieval.cues import find_cue
from retrieval.question import Question

# A sentence opening with one of these leans on the one before it.
_LEANS_BACK = frozenset(
    "he she it they this that these those his her its their him them there such both "
    "but however also yet still then meanwhile instead".split()
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class QuoteWeights:
    """How sentence evidence is combined; fitted on the eval sets (see README)."""

    sentence_dense: float = 0.50
    chunk_dense: float = 0.35
    lexical: float = 0.45
    chunk_fused: float = 0.25
    cue: float = 0.12
    duplicate_cosine: float = 0.86


@dataclass(frozen=True)
class ScoredSentence:
    """One candidate sentence and the evidence for it."""

    sentence_id: int
    score: float
    coverage: float
    cue: tuple[int, int] | None


def lexical_coverage(index: OpenIndex, question_terms: list[str], sentence: str) -> float:
    """Share of the question's IDF mass whose terms the sentence contains (0..1)."""
    if not question_terms:
        return 0.0
    present = set(tokenize(sentence))
    weights = {t: index.idf(t) for t in set(question_terms)}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in weights.items() if t in present) / total


def score_sentences(
    index: OpenIndex,
    question: Question,
    question_vector: NDArray[np.float32],
    chunks: list[tuple[int, float, float]],
    weights: QuoteWeights,
) -> list[ScoredSentence]:
    """Score every sentence of the candidate chunks, best first.

    Args:
        chunks: (chunk_id, normalised fused score 0..1, dense cosine) of each candidate.
    """
    terms = tokenize(question.text)
    question_words = frozenset(words(question.text))
    best: dict[int, ScoredSentence] = {}
    for chunk_id, fused, chunk_cos in chunks:
        ids = index.chunk_sentences(chunk_id)
        sims = index.sentence_vectors[ids.start : ids.stop].astype(np.float32) @ question_vector
        for sentence_id, sim in zip(ids, sims, strict=True):
            text = index.sentence_text(sentence_id)
            coverage = lexical_coverage(index, terms, text)
            cue = find_cue(question.kind, text, question_words)
            score = (
                weights.sentence_dense * float(sim)
                + weights.chunk_dense * chunk_cos
                + weights.lexical * coverage
                + weights.chunk_fused * fused
                + (weights.cue if cue else 0.0)
            )
            previous = best.get(sentence_id)
            if previous is None or score > previous.score:
                span = (cue.start(), cue.end()) if cue else None
                best[sentence_id] = ScoredSentence(sentence_id, score, coverage, span)
    return sorted(best.values(), key=lambda s: -s.score)


def _leans_back(text: str) -> bool:
    first = _WORD.search(text)
    return bool(first) and (first.group().lower() in _LEANS_BACK or len(text.split()) < 5)


def passage_span(index: OpenIndex, sentence_id: int) -> tuple[int, int, int]:
    """(article, start, end) of the sentence, with the one before when it cannot stand alone."""
    article, start, end = index.sentence_span(sentence_id)
    text = index.articles[article].text
    if sentence_id > 0 and _leans_back(text[start:end]):
        prev_article, prev_start, _ = index.sentence_span(sentence_id - 1)
        if prev_article == article:
            start = prev_start
    return article, start, end


def _source(index: OpenIndex, article: int, start: int, end: int) -> Source:
    record = index.articles[article]
    return Source(
        article_id=record.article_id,
        title=record.title,
        outlet=record.outlet,
        url=record.url,
        published=record.published,
        path=record.path,
        char_start=start,
        char_end=end,
        agency=record.agency,
    )


def _normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


@dataclass
class _Draft:
    text: str
    score: float
    key: str
    vector: NDArray[np.float32]
    sources: list[Source]
    highlight: tuple[int, int] | None


def build_quotes(
    index: OpenIndex, ranked: list[ScoredSentence], *, k: int, weights: QuoteWeights
) -> list[Quote]:
    """Turn ranked sentences into at most `k` quotes, merging copies of one passage.

    The same passage in several articles (syndicated or translated copies: identical
    wording, or sentence vectors at least `duplicate_cosine` apart) becomes one quote
    whose sources list every article, each with its own span; passages overlapping an
    earlier quote of the same article are skipped.
    """
    drafts: list[_Draft] = []
    taken: list[tuple[int, int, int]] = []
    for item in ranked:
        article, start, end = passage_span(index, item.sentence_id)
        if any(a == article and start < e and s < end for a, s, e in taken):
            continue
        text = index.articles[article].text[start:end]
        vector = index.sentence_vectors[item.sentence_id].astype(np.float32)
        source = _source(index, article, start, end)
        key = _normalised(text)
        for draft in drafts:
            copy = draft.key == key or float(vector @ draft.vector) >= weights.duplicate_cosine
            if copy and all(s.article_id != source.article_id for s in draft.sources):
                draft.sources.append(source)
                taken.append((article, start, end))
                break
        else:
            if len(drafts) >= k:
                continue
            highlight = None
            if item.cue is not None:
                offset = index.sentence_span(item.sentence_id)[1] - start
                highlight = (item.cue[0] + offset, item.cue[1] + offset)
            drafts.append(_Draft(text, item.score, key, vector, [source], highlight))
            taken.append((article, start, end))
    return [Quote(d.text, d.score, tuple(d.sources), d.highlight) for d in drafts]
