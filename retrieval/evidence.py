"""Stages 2 and 3, gather evidence and rank sentences: what speaks for each sentence of the
retrieved chunks, and one combined score."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from index import OpenIndex, term_hash, tokenize
from retrieval.context import QuestionContext
from retrieval.cues import answer_words, find_cue
from retrieval.search import Candidate


class SentenceFeatures(NamedTuple):
    """The evidence for one sentence; `QuoteWeights` has a weight of the same name for each."""

    sentence_dense: float  # cosine of the sentence's vector to the question's
    chunk_dense: float  # cosine of its best chunk
    lexical: float  # share of the question's IDF mass the sentence covers
    chunk_lexical: float  # BM25 of its best chunk, the best candidate's being 1
    chunk_fused: float  # fused rank score of its best chunk, the best being 1
    cue: float  # 1 when it holds what the question asks for (a date for "when"...)
    lead: float  # 1 / (1 + position in the article): news leads with the facts
    passage_lexical: float  # `lexical` of the sentence with its best neighbour


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
    # Agreement between articles (`agreement_bonus`): the most a sentence moves up, and how
    # many of the best sentences are read for it; chosen on development data (README).
    agreement: float = 0.05
    agreement_top: int = 40

    def vector(self) -> NDArray[np.float32]:
        """The weights in the order of `SentenceFeatures`' fields."""
        fields = SentenceFeatures._fields
        return np.array([getattr(self, name) for name in fields], dtype=np.float32)


@dataclass(frozen=True)
class SentenceEvidence:
    """One candidate sentence: its features and the answer cue it holds (a span in it)."""

    sentence_id: int
    features: SentenceFeatures
    cue: tuple[int, int] | None


@dataclass(frozen=True)
class ScoredSentence:
    """One candidate sentence, its combined score, and the evidence behind it."""

    sentence_id: int
    score: float
    cue: tuple[int, int] | None
    features: SentenceFeatures
    rank: float = 0.0  # the ranking key: the score with the sentence's time and agreement bonus


def lexical_coverage(weights: Mapping[str, float], present: frozenset[str]) -> float:
    """Share of the question's IDF mass (`term_weights`) whose terms are in `present`."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in weights.items() if t in present) / total


class SentenceTerms:
    """The question's stemmed terms that each sentence holds (only the question's terms
    count for `lexical_coverage`), read from the terms the index stored for the sentence, or
    else from its text, tokenized once per question."""

    def __init__(self, index: OpenIndex, wanted: Iterable[str]) -> None:
        self._index = index
        self._wanted = frozenset(wanted)
        self._by_hash = {term_hash(t): t for t in self._wanted}
        self._terms: dict[int, frozenset[str]] = {}

    def __call__(self, sentence_id: int) -> frozenset[str]:
        terms = self._terms.get(sentence_id)
        if terms is None:
            stored = self._index.stored_terms(sentence_id)
            if stored is None:
                text = self._index.sentence_text(sentence_id)
                terms = self._wanted.intersection(tokenize(text))
            else:
                by_hash = self._by_hash
                terms = frozenset(by_hash[h] for h in stored.tolist() if h in by_hash)
            self._terms[sentence_id] = terms
        return terms


def same_article(index: OpenIndex, sentence_id: int, article: int) -> bool:
    """Whether `sentence_id` exists and belongs to the article at position `article`."""
    return (
        0 <= sentence_id < len(index.sentence_rows)
        and index.sentence_span(sentence_id)[0] == article
    )


def passage_coverage(
    index: OpenIndex, sentence_id: int, weights: Mapping[str, float], terms: SentenceTerms
) -> float:
    """`lexical_coverage` of the sentence with the neighbour that adds most to it.

    A quote shows a sentence and maybe one neighbour, and news often names the subject in
    one sentence and the answer in the next.
    """
    article = index.sentence_span(sentence_id)[0]
    own = terms(sentence_id)
    best = lexical_coverage(weights, own)
    for neighbour in (sentence_id - 1, sentence_id + 1):
        if same_article(index, neighbour, article):
            best = max(best, lexical_coverage(weights, own | terms(neighbour)))
    return best


def gather_evidence(
    index: OpenIndex,
    context: QuestionContext,
    candidates: list[Candidate],
    terms: SentenceTerms | None = None,
) -> list[SentenceEvidence]:
    """The evidence for every sentence of the candidate chunks.

    A sentence in two candidate chunks (the overlap) keeps the evidence of the better one.
    `terms`, when given, is the question's cache of sentence terms, shared with the quotes.
    """
    holder: dict[int, Candidate] = {}
    similarity: dict[int, float] = {}
    for candidate in candidates:
        ids = index.chunk_sentences(candidate.chunk_id)
        sims = index.sentence_vectors[ids.start : ids.stop].astype(np.float32) @ context.vector
        for sentence_id, sim in zip(ids, sims, strict=True):
            previous = holder.get(sentence_id)
            if previous is None or candidate.strength > previous.strength:
                holder[sentence_id] = candidate
            similarity[sentence_id] = float(sim)
    weights = context.term_weights
    terms = terms or SentenceTerms(index, context.terms)
    evidence = []
    for sentence_id, candidate in holder.items():
        cue = find_cue(context.question.kind, index.sentence_text(sentence_id), context.words)
        features = SentenceFeatures(
            sentence_dense=similarity[sentence_id],
            chunk_dense=candidate.dense,
            lexical=lexical_coverage(weights, terms(sentence_id)),
            chunk_lexical=candidate.lexical,
            chunk_fused=candidate.fused,
            cue=1.0 if cue else 0.0,
            lead=1.0 / (1.0 + float(index.sentence_position[sentence_id])),
            passage_lexical=passage_coverage(index, sentence_id, weights, terms),
        )
        evidence.append(
            SentenceEvidence(sentence_id, features, (cue.start(), cue.end()) if cue else None)
        )
    return evidence


def combined_scores(evidence: list[SentenceEvidence], weights: QuoteWeights) -> NDArray[np.float32]:
    """Each sentence's ranking score: its features weighted by `weights`."""
    return np.array([e.features for e in evidence], dtype=np.float32) @ weights.vector()


def rank_sentences(
    evidence: list[SentenceEvidence],
    weights: QuoteWeights,
    time_bonus: NDArray[np.float64] | None = None,
) -> list[ScoredSentence]:
    """Sentences by combined score, best first; `time_bonus` (one per sentence, see
    retrieval/recency.py) moves them in the order without changing their scores."""
    if not evidence:
        return []
    scores = combined_scores(evidence, weights)
    keys = scores if time_bonus is None else scores + time_bonus
    order = np.argsort(-keys, kind="stable")
    return [
        ScoredSentence(
            evidence[i].sentence_id,
            float(scores[i]),
            evidence[i].cue,
            evidence[i].features,
            float(keys[i]),
        )
        for i in order
    ]


def agreement_bonus(
    index: OpenIndex,
    context: QuestionContext,
    evidence: list[SentenceEvidence],
    weights: QuoteWeights,
) -> NDArray[np.float64]:
    """What agreement between articles adds to each sentence's ranking: news that several
    articles report names the same answer in each. A name or number stated by the best
    sentences of several articles is likely the answer; a sentence gains `agreement` times
    the share of those articles that state its best supported word.

    Not on "when" questions: articles write one date in many ways ("early February", "on
    Feb. 4", "last week"), so their words agree only on the story's names, which every
    candidate sentence shares, not on the answer.
    """
    if weights.agreement <= 0 or len(evidence) < 2 or context.question.kind == "when":
        return np.zeros(len(evidence))
    scores = combined_scores(evidence, weights)
    top = np.argsort(-scores, kind="stable")[: weights.agreement_top]
    read = [answer_words(index.sentence_text(e.sentence_id), context.words) for e in evidence]
    names = set().union(*(inside for inside, _ in read))
    found = [inside | {first} if first in names else inside for inside, first in read]
    articles = index.sentence_rows[np.array([e.sentence_id for e in evidence]), 0]
    holders: dict[str, set[int]] = {}
    for i in top:
        for word in found[i]:
            holders.setdefault(word, set()).add(int(articles[i]))
    total = len({int(articles[i]) for i in top})
    if total < 2:
        return np.zeros(len(evidence))
    support = np.array(
        [max((len(holders.get(w, ())) for w in words_), default=0) for words_ in found],
        dtype=np.float64,
    )
    return weights.agreement * np.where(support >= 2, support / total, 0.0)
