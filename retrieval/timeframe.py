"""Time in a question: the days it names, read relative to its as-of date, and whether it asks
about the present."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from index import find_dates, iso_window
from language import (
    PRESENT_CUE_PATTERN,
    PRESENT_TENSE_PATTERN,
    RECENT_PATTERN,
    ROLLING_COUNTS,
    ROLLING_PATTERN,
    SINCE_WORDS,
)


@dataclass(frozen=True)
class Timeframe:
    """What a question says about time.

    `window` is the first and last day it names (None when it names none), `present` whether
    it asks about the state of things as of its date ("Who leads the talks?", "the latest
    toll"), and `matched` the words that decided: the time expression, else the present cue.
    """

    window: tuple[dt.date, dt.date] | None
    present: bool
    matched: str | None


_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
# The English wordings of time in a question (language/questions.py): a stretch that ends on
# the as-of day ("the past week", "last 3 days"), a recent one, and the present.
_ROLLING = re.compile(ROLLING_PATTERN, re.IGNORECASE)
_RECENT = re.compile(RECENT_PATTERN, re.IGNORECASE)
_RECENT_DAYS = {None: 30, "day": 7, "week": 30, "month": 90}
_PRESENT_CUE = re.compile(PRESENT_CUE_PATTERN, re.IGNORECASE)
_PRESENT_TENSE = re.compile(PRESENT_TENSE_PATTERN, re.IGNORECASE)


def question_timeframe(question: str, as_of: dt.date) -> Timeframe:
    """The window of days `question` names and whether it asks about the present, both read
    relative to `as_of` ("last week" is the calendar week before the one holding as_of).

    A window that reaches past `as_of` is cut at `as_of`; "since March" runs to `as_of`.
    `present` is false when the window lies wholly before `as_of`'s day ("Who won the 2022
    final?", "Who led the talks last week?") or the question is in the past tense.
    """
    window, matched = _window(question, as_of)
    cue = _PRESENT_CUE.search(question) or _PRESENT_TENSE.search(question)
    past = window is not None and window[1] < as_of
    present = cue is not None and not past
    if matched is None and present and cue is not None:
        matched = cue.group().strip()
    return Timeframe(window, present, matched)


def _window(question: str, as_of: dt.date) -> tuple[tuple[dt.date, dt.date] | None, str | None]:
    """The days named in `question` and the words that name them."""
    rolling = _ROLLING.search(question)
    # "last week" is the calendar week; "the last week" and "last 3 days" end today.
    if rolling is not None and (rolling["count"] or rolling["stretch"]):
        count = rolling["count"]
        number = (
            1 if count is None else int(count) if count.isdigit() else ROLLING_COUNTS[count.lower()]
        )
        days = number * _UNIT_DAYS[rolling["unit"].lower()]
        return (as_of - dt.timedelta(days=days), as_of), rolling.group()
    recent = _RECENT.search(question)
    if recent is not None:
        unit = recent["unit"].lower() if recent["unit"] else None
        return (as_of - dt.timedelta(days=_RECENT_DAYS[unit]), as_of), recent.group()
    dated = [m for m in find_dates(question, as_of) if m.resolved and m.grain]
    if not dated:
        return None, None
    spans = [iso_window(m.resolved, m.grain) for m in dated if m.resolved and m.grain]
    first, last = dated[0], dated[-1]
    start, end = spans[0][0], max(span[1] for span in spans)
    if first.text.lower().startswith(SINCE_WORDS) or start <= as_of < end:
        end = as_of
    return (start, max(start, end)), question[first.start : last.end]
