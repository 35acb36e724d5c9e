"""Which way a date named without its year (or week) points, read from the words around it,
and the calendar arithmetic that places it."""

from __future__ import annotations

import datetime as dt
import re

from language import (
    CLAUSE_FUTURE_PATTERN,
    DIRECTION_WORDS,
    PAST_PATTERN,
    SUBORDINATORS,
    TOWARD_WORDS,
)

_FUTURE = re.compile(CLAUSE_FUTURE_PATTERN, re.IGNORECASE)
_PAST = re.compile(PAST_PATTERN)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n")
# Clauses end at these marks, and a new one starts at a subordinating word.
_CLAUSE_END = re.compile(r"[,;:()—–]|\s(?=(?:" + "|".join(SUBORDINATORS) + r")\s)")
_REACH = 300


def direction(prep: str, text: str, start: int, end: int) -> str:
    """Which way the date at text[start:end], after the word `prep`, points: "last", "next",
    "this", "past", "future" or "nearest".

    The clause around the date decides ("said", "was", "-ed": past; "will", "is set to",
    "scheduled": future), or its sentence when the date stands alone before a comma;
    failing that, or after a preposition of aim such as "to" or "until", the nearest such
    date.
    """
    prep = prep.strip().lower()
    if prep in DIRECTION_WORDS:
        return DIRECTION_WORDS[prep]
    sentence_start, sentence = _sentence(text, start, end)
    clause = _clause(sentence, start - sentence_start, end - sentence_start)
    if prep in TOWARD_WORDS:
        return "future" if _FUTURE.search(clause) else "nearest"
    # A date standing alone before a comma ("On Sunday, Blinken met Wang") takes its tense
    # from the sentence; one inside a clause from that clause only.
    alone = len(clause.split()) - len(text[start:end].split()) <= 1
    for words in (clause, sentence) if alone else (clause,):
        if _FUTURE.search(words):
            return "future"
        if _PAST.search(words):
            return "past"
    return "nearest"


def _sentence(text: str, start: int, end: int) -> tuple[int, str]:
    """Where the sentence around text[start:end] starts, and its text (at most 300
    characters either way)."""
    low = max(0, start - _REACH)
    before = list(_SENTENCE_END.finditer(text, low, start))
    first = before[-1].end() if before else low
    after = _SENTENCE_END.search(text, end, end + _REACH)
    return first, text[first : after.start() if after else min(len(text), end + _REACH)]


def _clause(sentence: str, start: int, end: int) -> str:
    """The part of `sentence` between the punctuation marks around sentence[start:end]."""
    breaks = [m.start() for m in _CLAUSE_END.finditer(sentence)]
    first = max((b + 1 for b in breaks if b < start), default=0)
    last = min((b for b in breaks if b >= end), default=len(sentence))
    return sentence[first:last]


def weekday_date(weekday: int, published: dt.date, way: str) -> dt.date:
    """The day of `weekday` (Monday 0) nearest `published` in direction `way`."""
    ahead = (weekday - published.weekday()) % 7
    back = (published.weekday() - weekday) % 7
    if way == "next":
        ahead = ahead or 7
    elif way == "last":
        back = back or 7
    if way in ("next", "future", "this") or (way == "nearest" and ahead < back):
        return published + dt.timedelta(days=ahead)
    return published - dt.timedelta(days=back)


def place_year(keys: dict[int, int], here: int, year: int, way: str) -> int | None:
    """The year, among `keys` (year → the named date's key in that year: a day's ordinal or
    a month's index), whose date lies in direction `way` from the key `here`, nearest first.

    `year` is the publication year, used as is for "this".
    """
    if way == "this":
        return year if year in keys else None
    options = [(abs(key - here), key, y) for y, key in keys.items() if _allowed(key, here, way)]
    return min(options)[2] if options else None


def _allowed(key: int, here: int, way: str) -> bool:
    if way == "past":
        return key <= here
    if way == "future":
        return key >= here
    if way == "last":
        return key < here
    if way == "next":
        return key > here
    return True
