"""The one per-question context every pipeline stage reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from index import OpenIndex, tokenize, words
from retrieval.question import Question


@dataclass(frozen=True)
class QuestionContext:
    """A checked question with what the stages need of it, each worked out once.

    `term_weights` are the BM25 IDF weights over the index of the question's distinct stemmed
    terms; `words` its plain lower-case words (a cue made only of them answers nothing).
    """

    question: Question
    vector: NDArray[np.float32] = field(compare=False, repr=False)
    terms: tuple[str, ...]
    term_weights: Mapping[str, float] = field(compare=False)
    words: frozenset[str]


def make_context(
    index: OpenIndex, question: Question, vector: NDArray[np.float32]
) -> QuestionContext:
    """The context of `question` over `index`, its vector already embedded."""
    terms = tuple(tokenize(question.text))
    return QuestionContext(
        question=question,
        vector=vector,
        terms=terms,
        term_weights={t: index.idf(t) for t in set(terms)},
        words=frozenset(words(question.text)),
    )
