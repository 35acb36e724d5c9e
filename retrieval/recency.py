"""Time in ranking: the recency prior, the preference for a window a question names, and
earlier reports marked as such."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from index import UNDATED, OpenIndex, find_dates, iso_window
from retrieval.answer import Quote
from retrieval.context import QuestionContext


@dataclass(frozen=True)
class TimeWeights:
    """How much time counts in the ranking of sentences. The defaults were fitted by
    bench/tune_time.py on the RealTimeQA development questions and the dated set together
    (README, "Time"); `present` scored the same at every grid value on both, and is set
    equal to `default` so that a question about the present never gets less recency than
    one naming no time. Against the starting 0.5, the fitted `window` of 0.3 gains one
    RealTimeQA first quote (and three at rank 3) and loses one dated question.

    A sentence's ranking score gains `present * prior` on a question about the present and
    `default * prior` on one that names no time, where prior = 0.5 ** (age / half_life_days)
    and age is the days from the article's publication to the as-of date. On a question
    naming a window, it gains `window` when its article was published in the window or it
    names a day in it. An undated article loses `undated` on a question bound to a time (the
    present or a window).
    """

    present: float = 0.3
    default: float = 0.3
    half_life_days: float = 30.0
    window: float = 0.3
    undated: float = 0.2


NO_TIME_WEIGHTS = TimeWeights(present=0.0, default=0.0, window=0.0, undated=0.0)


def recency_prior(
    days: NDArray[np.int32], as_of: dt.date, half_life_days: float
) -> NDArray[np.float64]:
    """0.5 ** (age in days / half-life) for publication day ordinals (0 for undated)."""
    age = np.maximum(as_of.toordinal() - days.astype(np.float64), 0.0)
    prior = np.power(0.5, age / max(half_life_days, 1e-6))
    return np.where(days == UNDATED, 0.0, prior).astype(np.float64)


def _names_day_in(text: str, published: dt.date | None, window: tuple[dt.date, dt.date]) -> bool:
    """Whether `text` names a day, week, month or year that overlaps `window`."""
    for mention in find_dates(text, published):
        if mention.resolved and mention.grain:
            first, last = iso_window(mention.resolved, mention.grain)
            if first <= window[1] and window[0] <= last:
                return True
    return False


def time_bonus(
    index: OpenIndex, context: QuestionContext, sentence_ids: list[int], weights: TimeWeights
) -> NDArray[np.float64]:
    """What time adds to (or takes from) the ranking score of each sentence."""
    timeframe, as_of = context.timeframe, context.as_of
    if timeframe is None or as_of is None or not sentence_ids:
        return np.zeros(len(sentence_ids))
    articles = index.sentence_rows[np.asarray(sentence_ids, dtype=np.int64), 0]
    days = index.article_day[articles]
    undated = days == UNDATED
    if timeframe.window is not None:
        first, last = (d.toordinal() for d in timeframe.window)
        inside = (days >= first) & (days <= last)
        for position in np.flatnonzero(~inside):
            article = int(articles[position])
            text = index.sentence_text(sentence_ids[position])
            inside[position] = _names_day_in(text, index.published_on(article), timeframe.window)
        bonus = weights.window * inside - weights.undated * (undated & ~inside)
        return np.asarray(bonus, dtype=np.float64)
    prior = recency_prior(days, as_of, weights.half_life_days)
    if asks_latest(context):
        return np.asarray(weights.present * prior - weights.undated * undated, dtype=np.float64)
    return weights.default * prior


def asks_latest(context: QuestionContext) -> bool:
    """Whether the question asks for the latest state of things: about the present ("Who
    leads…", "How many … have died"), or what is still to come ("When will … reopen?"),
    naming no window of its own."""
    timeframe = context.timeframe
    if timeframe is None or timeframe.window is not None:
        return False
    return timeframe.present or context.question.future


def bound_to_time(context: QuestionContext) -> bool:
    """Whether the question is bound to a time: about the latest state of things (or what is
    still to come), or naming a window of its own."""
    timeframe = context.timeframe
    return asks_latest(context) or (timeframe is not None and timeframe.window is not None)


def mark_earlier_reports(context: QuestionContext, quotes: list[Quote]) -> list[Quote]:
    """Reports older than the one that answers, marked as earlier reports.

    On a question about the latest state of things, the newest answering quote comes first
    and the older answering ones are earlier reports; on a question naming a window, the
    answering quotes from articles published before the first quote's are. A quote answers
    when its score is at least half the first's; the order among the rest is kept.
    """
    if not bound_to_time(context) or len(quotes) < 2:
        return quotes
    latest = asks_latest(context)
    line = quotes[0].score / 2
    answering = [q for q in quotes if q.score >= line and q.published is not None]
    if len(answering) < 2:
        return quotes
    newest = max(q.published for q in answering if q.published)
    if not latest:
        newest = quotes[0].published or newest
    elif quotes[0].published != newest:
        first = next(q for q in answering if q.published == newest)
        quotes = [first, *(q for q in quotes if q is not first)]
    return [
        replace(q, earlier=True) if q.published and q.published < newest and q.score >= line else q
        for q in quotes
    ]
