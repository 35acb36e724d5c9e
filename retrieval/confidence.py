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
from typing import NamedTuple

from index import OpenIndex, tokenize
from retrieval.context import QuestionContext
from retrieval.cues import find_cue, find_measure, find_since, find_speech, speaks_of_future
from retrieval.evidence import ScoredSentence
from retrieval.question import Question

_STRICT_KINDS = ("when", "number")


class ConfidenceFeatures(NamedTuple):
    """The evidence that a passage answers; `ConfidenceModel.weights` follow this order."""

    sentence_dense: float  # cosine of the ranked sentence to the question
    chunk_dense: float  # cosine of its chunk
    coverage: float  # share of the question's IDF mass in the passage (unseen terms count)
    unknown_share: float  # share of the question's terms the corpus never uses
    cue_missing: float  # 1 when the passage lacks what the question demands
    rank: float  # the sentence's combined ranking score


@dataclass(frozen=True)
class ConfidenceModel:
    """Logistic-regression coefficients over `ConfidenceFeatures`."""

    bias: float
    weights: tuple[float, ...]

    cue_missing_factor: float = 0.1

    def probability(self, features: ConfidenceFeatures) -> float:
        """The modelled chance (0..1) that the quote answers the question.

        A passage that lacks what the question demands (a date, a count, a measure, a
        statement by its speaker) does not answer it, whatever else matches: that rule
        scales the chance down.
        """
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        p = 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))
        return p * self.cue_missing_factor if features.cue_missing else p


# Fitted with bench/tune_abstain.py (unknown_share and cue_missing are not learnt: see there).
DEFAULT_CONFIDENCE = ConfidenceModel(bias=-9.273, weights=(8.133, -4.042, 0.355, 0.0, 0.0, 2.564))


def confidence_features(
    index: OpenIndex, context: QuestionContext, sentence: ScoredSentence, passage: str
) -> ConfidenceFeatures:
    """The evidence that `passage`, quoted for a ranked sentence, answers the question."""
    idf = context.term_weights
    unseen = math.log(1.0 + (index.n_chunks + 0.5) / 0.5)  # a term the corpus never uses
    weight = {t: w if w > 0 else unseen for t, w in idf.items()}
    present = set(tokenize(passage))
    total = sum(weight.values())
    coverage = sum(w for t, w in weight.items() if t in present) / total if total else 0.0
    unknown = sum(1 for w in idf.values() if w <= 0) / len(idf) if idf else 1.0
    demands_met = meets_demands(context.question, passage, context.words)
    return ConfidenceFeatures(
        sentence_dense=sentence.features.sentence_dense,
        chunk_dense=sentence.features.chunk_dense,
        coverage=coverage,
        unknown_share=unknown,
        cue_missing=0.0 if demands_met else 1.0,
        rank=sentence.score,
    )


def meets_demands(question: Question, passage: str, question_words: frozenset[str]) -> bool:
    """Whether `passage` holds what the question's wording asks for (see the module text)."""
    if question.kind in _STRICT_KINDS:
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
