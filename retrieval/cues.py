"""Answer-type cues found without any model: dates, numbers, measures, names, places and
attributed speech in a passage."""

from __future__ import annotations

import re
from bisect import bisect_left

from language import (
    ANSWER_WORD_PATTERN,
    CALENDAR_CUE_PATTERN,
    COUNT_WORDS_PATTERN,
    MEASURE_UNITS,
    METRES_PATTERN,
    MONEY_PATTERN,
    NAME_CUE_PATTERN,
    NOT_ANSWER_WORDS,
    NUMBER_CUE_PATTERN,
    PASSAGE_FUTURE_PATTERN,
    PLACE_CUE_PATTERN,
    POPULATION_PATTERN,
    POSSESSIVE_ENDINGS,
    QUANTITY_PATTERN,
    SHARE_PATTERN,
    SINCE_WORDS,
    SPEECH_PATTERN,
    WHEN_CUE_PATTERN,
)

# The English expressions of language/answers.py; calendar dates and clock times are apart
# because their digits are not counts ("February 4", "in 2021").
_CALENDAR = re.compile(CALENDAR_CUE_PATTERN)
_PATTERNS = {
    "when": re.compile(WHEN_CUE_PATTERN),
    "number": re.compile(NUMBER_CUE_PATTERN, re.IGNORECASE),
    "who": re.compile(NAME_CUE_PATTERN),
    "where": re.compile(PLACE_CUE_PATTERN),
}

# A measure is a number with its unit ("60,000 feet", "$3.2 billion", "12%").
_MEASURES = {
    unit: re.compile(
        rf"(?<![\w-])(?:{QUANTITY_PATTERN})(?:[- ]|\s)?(?:{units})(?![\w])", re.IGNORECASE
    )
    for unit, units in MEASURE_UNITS.items()
}
# A head count has no currency sign: "$3 million" is money, not people.
_MEASURES["population"] = re.compile(
    rf"(?<![\w$£€¥.,-])(?<![$£€¥] )(?:\d[\d,.]*|{COUNT_WORDS_PATTERN})(?:[- ]|\s)?"
    rf"(?:{MEASURE_UNITS['population']})(?![\w])",
    re.IGNORECASE,
)
_METRES = re.compile(METRES_PATTERN)
_POPULATION = re.compile(POPULATION_PATTERN, re.IGNORECASE)
_MONEY_SIGN = re.compile(MONEY_PATTERN)
_SHARE = re.compile(SHARE_PATTERN, re.I)

_SPEECH = re.compile(SPEECH_PATTERN, re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")


_ANSWER_WORD = re.compile(ANSWER_WORD_PATTERN)
_FIRST_WORD = re.compile(r"^\W*")


def answer_words(text: str, question_words: frozenset[str]) -> tuple[frozenset[str], str | None]:
    """The names and numbers a sentence states that the question does not, and apart from
    them its first word when capitalised (a name only if some sentence capitalises it
    inside)."""
    found, first = set(), None
    opening = _FIRST_WORD.match(text)
    start = opening.end() if opening else 0
    for match in _ANSWER_WORD.finditer(text):
        word = match.group().lower()
        for ending in POSSESSIVE_ENDINGS:
            word = word.replace(ending, "")
        if not word or word in question_words or word in NOT_ANSWER_WORDS:
            continue
        if match.start() == start:
            first = word
        else:
            found.add(word)
    return frozenset(found), first


def find_cues(
    kind: str | None, sentence: str, question_words: frozenset[str], *, strict: bool = False
) -> list[re.Match[str]]:
    """Every expression in `sentence` of the kind the question asks for.

    Expressions made only of the question's own words do not count: "When did Biden take
    office?" is not answered by the word "Biden". `strict` (for deciding whether a passage
    answers at all, not for ranking) does not take the digits of a date as a count.
    """
    pattern = _PATTERNS.get(kind or "")
    if pattern is None:
        return []
    # Strictly, a count is not part of a date: "February 4" does not say how many balloons.
    dates = [m.span() for m in _CALENDAR.finditer(sentence)] if strict and kind == "number" else []
    found = []
    for match in pattern.finditer(sentence):
        if any(start < match.end() and match.start() < end for start, end in dates):
            continue
        said = set(re.findall(r"\w+", match.group().lower()))
        if said and not said <= question_words:
            found.append(match)
    return found


def find_cue(
    kind: str | None, sentence: str, question_words: frozenset[str], *, strict: bool = False
) -> re.Match[str] | None:
    """The first of `find_cues`, or None."""
    cues = find_cues(kind, sentence, question_words, strict=strict)
    return cues[0] if cues else None


def find_measure(unit: str, passage: str) -> re.Match[str] | None:
    """The first number in `passage` given in the unit a measure question asks for.

    `unit` is a key of the unit table ("length", "weight", "money", "speed", "percent",
    "temperature", "population"). Money may also be a bare sum such as "$40", a share a
    fraction such as "over half", and a population any count in a passage about one.
    """
    match = _MEASURES[unit].search(passage)
    if match is None and unit == "length":
        match = _METRES.search(passage)
    if match is None and unit == "money":
        match = _MONEY_SIGN.search(passage)
    if match is None and unit == "percent":
        match = _SHARE.search(passage)
    if match is None and unit == "population" and _POPULATION.search(passage):
        match = find_cue("number", passage, frozenset(), strict=True)  # "estimated at 2,000"
    return match


def find_speech(speaker: str, passage: str, *, window: int = 12) -> bool:
    """Whether `passage` reports something `speaker` said: a speech word ("said", "told",
    "according to", a quotation mark) within `window` words of the speaker's name.

    A name matches on any of its words ("Xi" or "Jinping" for "Xi Jinping").
    """
    names = {w.lower() for w in _WORD.findall(speaker) if len(w) > 1}
    tokens = list(_WORD.finditer(passage))
    named = [n for n, token in enumerate(tokens) if token.group().lower() in names]
    if not named:
        return False
    starts = [token.start() for token in tokens]
    said = [bisect_left(starts, m.start()) for m in _SPEECH.finditer(passage)]
    return any(abs(s - n) <= window for s in said for n in named)


_SINCE = re.compile(r"\b(?:" + "|".join(SINCE_WORDS) + r")\s+", re.IGNORECASE)


def find_since(passage: str, question_words: frozenset[str]) -> bool:
    """Whether `passage` dates the start of something ("since September 2001"), which says
    how long it has lasted."""
    for match in _SINCE.finditer(passage):
        cue = find_cue("when", passage[match.end() : match.end() + 40], question_words)
        if cue is not None and cue.start() == 0:
            return True
    return False


_FUTURE = re.compile(PASSAGE_FUTURE_PATTERN, re.IGNORECASE)


def speaks_of_future(passage: str) -> bool:
    """Whether `passage` speaks of something still to come ("will", "plans", "next week")."""
    return _FUTURE.search(passage) is not None
