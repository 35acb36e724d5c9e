"""How sure an answer is: the chance that a quote answers the question, from its evidence.

A small logistic model over evidence that separates answers from near misses: how close
the sentence and its chunk are to the question, and how much of the question's vocabulary
the passage covers (words the corpus never uses count as missing). It is fitted by
bench/tune_abstain.py on questions no one here wrote (NewsQA and XQuAD development
questions, each asked once with its article and once with that article held out).

On top of it, a passage that lacks what the question's wording demands does not answer it
(`meets_demands`): a date for "when"; a count for "how many" (a date is not a count); a
number in the right unit for a measure ("At what altitude…" wants feet or metres); a
reported statement by the person a "What did X say/tell" question names; and, for
"when/where will…", a passage that speaks of the future.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from index import OpenIndex, tokenize, words
from retrieval.cues import find_cue, find_measure, find_since, find_speech, speaks_of_future
from retrieval.question import Question
from retrieval.quotes import ScoredSentence

FEATURES = ("sentence_dense", "chunk_dense", "coverage", "unknown_share", "cue_missing", "rank")
_STRICT_KINDS = ("when", "number")


@dataclass(frozen=True)
class ConfidenceModel:
    """Logistic-regression coefficients over `FEATURES`."""

    bias: float
    weights: tuple[float, ...]

    cue_missing_factor: float = 0.1

    def probability(self, features: tuple[float, ...]) -> float:
        """The modelled chance (0..1) that the quote answers the question.

        A passage that lacks what the question demands (a date, a count, a measure, a
        statement by its speaker) does not answer it, whatever else matches: that rule
        scales the chance down.
        """
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        p = 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))
        return p * self.cue_missing_factor if features[FEATURES.index("cue_missing")] else p


# Fitted with bench/tune_abstain.py (unknown_share and cue_missing are not learnt: see there).
DEFAULT_CONFIDENCE = ConfidenceModel(bias=-9.273, weights=(8.133, -4.042, 0.355, 0.0, 0.0, 2.564))


def confidence_features(
    index: OpenIndex,
    question: Question,
    *,
    sentence_dense: float,
    chunk_dense: float,
    rank_score: float,
    passage: str,
) -> tuple[float, ...]:
    """The evidence, in `FEATURES` order, that `passage` answers `question`."""
    terms = set(tokenize(question.text))
    idf = {t: index.idf(t) for t in terms}
    unseen = math.log(1.0 + (index.n_chunks + 0.5) / 0.5)  # a term the corpus never uses
    weight = {t: w if w > 0 else unseen for t, w in idf.items()}
    present = set(tokenize(passage))
    total = sum(weight.values())
    coverage = sum(w for t, w in weight.items() if t in present) / total if total else 0.0
    unknown = sum(1 for w in idf.values() if w <= 0) / len(terms) if terms else 1.0
    cue_missing = 0.0 if meets_demands(question, passage) else 1.0
    return (sentence_dense, chunk_dense, coverage, unknown, cue_missing, rank_score)


def meets_demands(question: Question, passage: str) -> bool:
    """Whether `passage` holds what the question's wording asks for (see the module text)."""
    if question.kind in _STRICT_KINDS:
        question_words = frozenset(words(question.text))
        found = find_cue(question.kind, passage, question_words, strict=True) is not None
        if not found and question.duration:  # "since 2001" says how long
            found = find_since(passage, question_words)
        if not found:
            return False
    if question.unit is not None and not find_measure(question.unit, passage):
        return False
    if question.future and not speaks_of_future(passage):
        return False
    return question.speaker is None or find_speech(question.speaker, passage)


def quote_features(
    index: OpenIndex, question: Question, sentence: ScoredSentence, passage: str
) -> tuple[float, ...]:
    """`confidence_features` of the passage quoted for a ranked sentence."""
    return confidence_features(
        index,
        question,
        sentence_dense=sentence.features[0],
        chunk_dense=sentence.features[1],
        rank_score=sentence.score,
        passage=passage,
    )
