"""The one per-question context every pipeline stage reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from index import OpenIndex, tokenize, words
from retrieval.question import Question
from retrieval.timeframe import Timeframe, question_timeframe


@dataclass(frozen=True)
class QuestionContext:
    """A checked question with what the stages need of it, each worked out once.

    `term_weights` are the BM25 IDF weights over the index of the question's distinct stemmed
    terms; `words` its plain lower-case words (a cue made only of them answers nothing).
    `as_of` is the day the question is asked on: articles published after it are not used.
    `timeframe` is what the question says about time, read relative to `as_of`; None when
    answering without regard to time (then `as_of` only labels the answer).
    """

    question: Question
    vector: NDArray[np.float32] = field(compare=False, repr=False)
    terms: tuple[str, ...]
    term_weights: Mapping[str, float] = field(compare=False)
    words: frozenset[str]
    as_of: dt.date | None = None
    timeframe: Timeframe | None = None


def make_context(
    index: OpenIndex,
    question: Question,
    vector: NDArray[np.float32],
    *,
    as_of: dt.date | None = None,
    time_aware: bool = True,
) -> QuestionContext:
    """The context of `question` over `index`, its vector already embedded, asked on `as_of`
    (no time regard when `time_aware` is false or `as_of` is None)."""
    terms = tuple(tokenize(question.text))
    timed = time_aware and as_of is not None
    return QuestionContext(
        question=question,
        vector=vector,
        terms=terms,
        term_weights={t: index.idf(t) for t in set(terms)},
        words=frozenset(words(question.text)),
        as_of=as_of,
        timeframe=question_timeframe(question.original, as_of) if timed and as_of else None,
    )
