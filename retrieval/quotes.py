"""Choosing quotes: scoring the sentences of the best chunks, and cutting verbatim passages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from index import OpenIndex, tokenize, words
from retrieval.answer import Quote, Source
from retrieval.cues import find_cue
from retrieval.question import Question

# A sentence opening with one of these leans on the one before it.
_LEANS_BACK = frozenset(
    [
        "he",
        "she",
        "it",
        "they",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "its",
        "their",
        "him",
        "them",
        "there",
        "such",
        "both",
        "but",
        "however",
        "also",
        "yet",
        "still",
        "then",
        "meanwhile",
        "instead",
    ]
)
_WORD = re.compile(r"\w+")


FEATURES = (
    "sentence_dense",
    "chunk_dense",
    "lexical",
    "chunk_lexical",
    "chunk_fused",
    "cue",
    "lead",
    "passage_lexical",
)


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


@dataclass(frozen=True)
class QuoteWeights:
    """How sentence evidence is combined; fitted with bench/tune_quotes.py (see README).

    `passage_lexical` came last, with `--step 0.25 --quote-chunks 12`: a quarter of the way
    from the weights before it to the fit. The confidence model reads the combined score, and
    a full step moves that score more than the model, fitted before, allows for.
    """

    sentence_dense: float = 1.0
    chunk_dense: float = 0.527
    lexical: float = 0.691
    chunk_lexical: float = 0.830
    chunk_fused: float = 0.157
    cue: float = 0.404
    lead: float = 0.211
    passage_lexical: float = 0.172
    duplicate_cosine: float = 0.86

    def vector(self) -> NDArray[np.float32]:
        """The weights in the order of `FEATURES`."""
        return np.array([getattr(self, name) for name in FEATURES], dtype=np.float32)


@dataclass(frozen=True)
class SentenceEvidence:
    """One candidate sentence: its features (in `FEATURES` order) and the cue it holds."""

    sentence_id: int
    features: tuple[float, ...]
    cue: tuple[int, int] | None


@dataclass(frozen=True)
class ScoredSentence:
    """One candidate sentence, its combined score, and the evidence behind it."""

    sentence_id: int
    score: float
    cue: tuple[int, int] | None
    features: tuple[float, ...]


def term_weights(index: OpenIndex, question_terms: list[str]) -> dict[str, float]:
    """IDF of each distinct question term, looked up once per question."""
    return {t: index.idf(t) for t in set(question_terms)}


def lexical_coverage(weights: dict[str, float], present: frozenset[str]) -> float:
    """Share of the question's IDF mass (`term_weights`) whose terms are in `present`."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in weights.items() if t in present) / total


class _Terms:
    """The stemmed terms of sentences, each tokenized once per question."""

    def __init__(self, index: OpenIndex) -> None:
        self._index = index
        self._terms: dict[int, frozenset[str]] = {}

    def __call__(self, sentence_id: int) -> frozenset[str]:
        terms = self._terms.get(sentence_id)
        if terms is None:
            terms = frozenset(tokenize(self._index.sentence_text(sentence_id)))
            self._terms[sentence_id] = terms
        return terms


def _passage_coverage(
    index: OpenIndex, sentence_id: int, weights: dict[str, float], terms: _Terms
) -> float:
    """`lexical_coverage` of the sentence with the neighbour that adds most to it.

    A quote shows a sentence and one neighbour, and news often names the subject in one
    sentence and the answer in the next.
    """
    article = index.sentence_span(sentence_id)[0]
    own = terms(sentence_id)
    best = lexical_coverage(weights, own)
    for neighbour in (sentence_id - 1, sentence_id + 1):
        if _same_article(index, neighbour, article):
            best = max(best, lexical_coverage(weights, own | terms(neighbour)))
    return best


def gather_evidence(
    index: OpenIndex,
    question: Question,
    question_vector: NDArray[np.float32],
    candidates: list[Candidate],
) -> list[SentenceEvidence]:
    """The evidence for every sentence of the candidate chunks.

    A sentence in two candidate chunks (the overlap) keeps the evidence of the better one.
    """
    holder: dict[int, Candidate] = {}
    similarity: dict[int, float] = {}
    for candidate in candidates:
        ids = index.chunk_sentences(candidate.chunk_id)
        sims = index.sentence_vectors[ids.start : ids.stop].astype(np.float32) @ question_vector
        for sentence_id, sim in zip(ids, sims, strict=True):
            previous = holder.get(sentence_id)
            if previous is None or candidate.strength > previous.strength:
                holder[sentence_id] = candidate
            similarity[sentence_id] = float(sim)
    weights = term_weights(index, tokenize(question.text))
    question_words = frozenset(words(question.text))
    terms = _Terms(index)
    evidence = []
    for sentence_id, candidate in holder.items():
        text = index.sentence_text(sentence_id)
        cue = find_cue(question.kind, text, question_words)
        values = {
            "sentence_dense": similarity[sentence_id],
            "chunk_dense": candidate.dense,
            "lexical": lexical_coverage(weights, terms(sentence_id)),
            "chunk_lexical": candidate.lexical,
            "chunk_fused": candidate.fused,
            "cue": 1.0 if cue else 0.0,
            "lead": 1.0 / (1.0 + float(index.sentence_position[sentence_id])),
            "passage_lexical": _passage_coverage(index, sentence_id, weights, terms),
        }
        features = tuple(values[name] for name in FEATURES)
        evidence.append(
            SentenceEvidence(sentence_id, features, (cue.start(), cue.end()) if cue else None)
        )
    return evidence


def rank_sentences(evidence: list[SentenceEvidence], weights: QuoteWeights) -> list[ScoredSentence]:
    """Sentences by combined score, best first."""
    if not evidence:
        return []
    scores = np.array([e.features for e in evidence], dtype=np.float32) @ weights.vector()
    order = np.argsort(-scores, kind="stable")
    return [
        ScoredSentence(
            evidence[i].sentence_id, float(scores[i]), evidence[i].cue, evidence[i].features
        )
        for i in order
    ]


def _leans_back(text: str) -> bool:
    first = _WORD.search(text)
    if first is None:
        return False
    return first.group().lower() in _LEANS_BACK or len(text.split()) < 5


def _same_article(index: OpenIndex, sentence_id: int, article: int) -> bool:
    return (
        0 <= sentence_id < len(index.sentence_rows)
        and index.sentence_span(sentence_id)[0] == article
    )


def passage_span(
    index: OpenIndex, sentence_id: int, scores: dict[int, float] | None = None
) -> tuple[int, int, int]:
    """(article, start, end) of the passage quoted for a sentence.

    The sentence before is added when the sentence cannot stand alone ("He said…").
    Otherwise, when `scores` are given, the neighbour that scored better is added, so a
    quote is a sentence and its most relevant context: two sentences in all.
    """
    article, start, end = index.sentence_span(sentence_id)
    text = index.articles[article].text
    before, after = sentence_id - 1, sentence_id + 1
    has_before = _same_article(index, before, article)
    if has_before and _leans_back(text[start:end]):
        return article, index.sentence_span(before)[1], end
    if scores is None:
        return article, start, end
    has_after = _same_article(index, after, article)
    if has_after and (not has_before or scores.get(after, -1e9) > scores.get(before, -1e9)):
        return article, start, index.sentence_span(after)[2]
    if has_before:
        return article, index.sentence_span(before)[1], end
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
    index: OpenIndex,
    ranked: list[ScoredSentence],
    *,
    k: int,
    weights: QuoteWeights,
    confidence: Callable[[ScoredSentence, str], float] | None = None,
) -> list[Quote]:
    """Turn ranked sentences into at most `k` quotes, merging copies of one passage.

    The same passage in several articles (syndicated or translated copies: identical
    wording, or sentence vectors at least `duplicate_cosine` apart) becomes one quote
    whose sources list every article, each with its own span; passages overlapping an
    earlier quote of the same article are skipped. A quote's score is
    `confidence(sentence, passage)` when given, else the sentence's ranking score.
    """
    drafts: list[_Draft] = []
    taken: list[tuple[int, int, int]] = []
    scores = {item.sentence_id: item.score for item in ranked}
    for item in ranked:
        article, start, end = passage_span(index, item.sentence_id, scores)
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
            score = confidence(item, text) if confidence else item.score
            drafts.append(_Draft(text, score, key, vector, [source], highlight))
            taken.append((article, start, end))
    return [Quote(d.text, d.score, tuple(d.sources), d.highlight) for d in drafts]
