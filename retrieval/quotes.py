"""Stage 4, assemble quotes: whole verbatim passages around the ranked sentences, copies of
one passage merged, and the words that answer set apart."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from index import OpenIndex, tokenize
from language import ACCORDING_PATTERN, LEANS_BACK_WORDS
from retrieval.answer import Quote, Source, source_of
from retrieval.context import QuestionContext
from retrieval.cues import find_cues
from retrieval.evidence import (
    QuoteWeights,
    ScoredSentence,
    SentenceTerms,
    lexical_coverage,
    same_article,
)

# A sentence that leans on the one before for its subject ("He said…", "According to him").
_ACCORDING = re.compile(ACCORDING_PATTERN, re.IGNORECASE)
_WORD = re.compile(r"\w+")
# A neighbour joins a quote when its value (`_neighbour_value`) reaches this; fitted on the
# development questions of bench/eval_dev.py.
_MIN_VALUE = 0.5


def _leans_back(text: str) -> bool:
    first = _WORD.search(text)
    if first is None:
        return False
    return (
        first.group().lower() in LEANS_BACK_WORDS
        or _ACCORDING.search(text) is not None
        or len(text.split()) < 5
    )


def _neighbour_value(
    index: OpenIndex,
    context: QuestionContext,
    sentence_id: int,
    neighbour: int,
    *,
    terms: SentenceTerms,
    scores: dict[int, float],
    lacks_answer: bool,
) -> float:
    """What `neighbour` adds to a quote of `sentence_id`: its own ranking evidence (its score
    relative to the sentence's), the question's words it adds, and the answer itself (a
    date, name or number of the asked kind) when the sentence lacks one."""
    weights = context.term_weights
    own = terms(sentence_id)
    gain = lexical_coverage(weights, own | terms(neighbour)) - lexical_coverage(weights, own)
    base = scores.get(sentence_id, 0.0)
    relative = scores.get(neighbour, 0.0) / base if base > 0 else 0.0
    if lacks_answer and find_cues(
        context.question.kind, index.sentence_text(neighbour), context.words
    ):
        gain += 1.0
    return gain + max(relative, 0.0)


def passage_span(
    index: OpenIndex,
    sentence_id: int,
    context: QuestionContext | None = None,
    scores: dict[int, float] | None = None,
    terms: SentenceTerms | None = None,
) -> tuple[int, int, int]:
    """(article, start, end) of the passage quoted for a sentence.

    The sentence before is added when the sentence cannot stand alone ("He said…",
    "According to him, …"). Otherwise, given the question's `context` and the ranking
    `scores` of the candidate sentences, the neighbour that best completes the answer is
    added when its value (`_neighbour_value`) is high enough, or none.
    """
    article, start, end = index.sentence_span(sentence_id)
    before, after = sentence_id - 1, sentence_id + 1
    has_before = same_article(index, before, article)
    if has_before and _leans_back(index.articles[article].text[start:end]):
        return article, index.sentence_span(before)[1], end
    if context is None:
        return article, start, end
    terms = terms or SentenceTerms(index, context.terms)
    kind = context.question.kind
    lacks = bool(kind) and not find_cues(kind, index.sentence_text(sentence_id), context.words)
    scored = [
        (
            _neighbour_value(
                index, context, sentence_id, n, terms=terms, scores=scores or {}, lacks_answer=lacks
            ),
            n,
        )
        for n in (after, before)
        if same_article(index, n, article)
    ]
    value, best = max(scored, default=(0.0, -1))
    if value < _MIN_VALUE:
        return article, start, end
    if best == before:
        return article, index.sentence_span(before)[1], end
    return article, start, index.sentence_span(after)[2]


def answer_span(
    context: QuestionContext, sentence: str, cues: list[re.Match[str]]
) -> tuple[int, int] | None:
    """Of the expressions in `sentence` of the asked kind, the one that answers: the one
    nearest the question's own words ("In February, Blinken canceled a trip … talks on
    Sunday": "In February" stands by "canceled" and "trip")."""
    if not cues:
        return None
    anchors = [
        (m.start(), m.end())
        for m in _WORD.finditer(sentence)
        if set(tokenize(m.group())) & set(context.terms)
    ]
    if not anchors:
        return cues[0].span()

    def distance(cue: re.Match[str]) -> int:
        return min(max(s - cue.end(), cue.start() - e, 0) for s, e in anchors)

    return min(cues, key=distance).span()


def _normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(text: str) -> frozenset[str]:
    """The numbers a passage states: two reports that differ in them are not copies
    ("19 cases" one week, "46 cases" the next)."""
    return frozenset(_NUMBER.findall(text))


@dataclass
class _Draft:
    text: str
    score: float
    key: str
    vector: NDArray[np.float32]
    sources: list[Source]
    highlight: tuple[int, int] | None


def _highlight(
    index: OpenIndex, context: QuestionContext, sentence_id: int, passage_start: int
) -> tuple[int, int] | None:
    """The answering words of the sentence, as a span in the quoted passage."""
    text = index.sentence_text(sentence_id)
    span = answer_span(context, text, find_cues(context.question.kind, text, context.words))
    if span is None:
        return None
    offset = index.sentence_span(sentence_id)[1] - passage_start
    return span[0] + offset, span[1] + offset


def _may_copy(
    index: OpenIndex,
    sentence_id: int,
    vector: NDArray[np.float32],
    drafts: list[_Draft],
    weights: QuoteWeights,
) -> bool:
    """Whether a passage around a sentence could copy a draft: its vector is as near as a
    copy's, or the draft's words hold the sentence's (a passage with the same words holds
    them)."""
    if (np.stack([d.vector for d in drafts]) @ vector >= weights.duplicate_cosine).any():
        return True
    own = _normalised(index.sentence_text(sentence_id))
    return any(own in d.key for d in drafts)


def assemble_quotes(
    index: OpenIndex,
    context: QuestionContext,
    ranked: list[ScoredSentence],
    *,
    k: int,
    weights: QuoteWeights,
    confidence: Callable[[ScoredSentence, str], float] | None = None,
    terms: SentenceTerms | None = None,
) -> list[Quote]:
    """Turn ranked sentences into at most `k` quotes, merging copies of one passage.

    The same passage in several articles (syndicated or translated copies: identical
    wording, or sentence vectors at least `duplicate_cosine` apart) becomes one quote
    whose sources list every article, each with its own span; passages overlapping an
    earlier quote of the same article are skipped. A quote's score is
    `confidence(sentence, passage)` when given, else the sentence's ranking score.
    `terms` is the question's cache of sentence terms, when the evidence stage made one.
    """
    if not ranked:
        return []
    drafts: list[_Draft] = []
    taken: list[tuple[int, int, int]] = []
    terms = terms or SentenceTerms(index, context.terms)
    scores = {item.sentence_id: item.score for item in ranked}
    ids = np.array([item.sentence_id for item in ranked], dtype=np.int64)
    vectors = np.asarray(index.sentence_vectors[ids], dtype=np.float32)
    for item, vector in zip(ranked, vectors, strict=True):
        if len(drafts) >= k and not _may_copy(index, item.sentence_id, vector, drafts, weights):
            continue  # it can only be a copy of a quote taken, and it is none
        article, start, end = passage_span(index, item.sentence_id, context, scores, terms)
        if any(a == article and start < e and s < end for a, s, e in taken):
            continue
        text = index.articles[article].text[start:end]
        source = source_of(index, article, start, end)
        key = _normalised(text)
        for draft in drafts:
            copy = draft.key == key or (
                float(vector @ draft.vector) >= weights.duplicate_cosine
                and _numbers(draft.text) == _numbers(text)
            )
            if copy and all(s.article_id != source.article_id for s in draft.sources):
                draft.sources.append(source)
                taken.append((article, start, end))
                break
        else:
            if len(drafts) >= k:
                continue
            highlight = _highlight(index, context, item.sentence_id, start)
            score = confidence(item, text) if confidence else item.score
            drafts.append(_Draft(text, score, key, vector, [source], highlight))
            taken.append((article, start, end))
    return [Quote(d.text, d.score, tuple(d.sources), d.highlight) for d in drafts]
