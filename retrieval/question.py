"""Question checks and normalisation, and the question cues (when, who, how many, where)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index import words
from kernel.errors import EmptyQuestion, QuestionTooLong, UnreadableQuestion
from language import (
    ASKS_FUTURE_PATTERN,
    DURATION_PATTERN,
    MEASURE_QUESTIONS,
    QUESTION_KINDS,
    SPEAKER_PATTERN,
    STOPWORDS,
)

_SPACE = re.compile(r"\s+")
# What Python makes of bytes that are not UTF-8 (in argv, or stdin read with surrogateescape).
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Question:
    """A checked question: what the user wrote, and the text that is searched."""

    original: str
    text: str
    kind: str | None  # "when", "who", "number", "where" or None
    unit: str | None = None  # a measure question's unit: "length", "money", ... (cues.py)
    speaker: str | None = None  # "What did Xi tell Blinken?" asks what "Xi" said
    future: bool = False  # "When will Qin visit?" asks about something still to come
    duration: bool = False  # "How long…?" is also answered by a start ("since 2001")


# The English wordings of language/questions.py, read without regard to case.
_KINDS = tuple((kind, re.compile(pattern, re.I)) for kind, pattern in QUESTION_KINDS)
_UNITS = tuple((unit, re.compile(pattern, re.I)) for unit, pattern in MEASURE_QUESTIONS)
_SPEAKER = re.compile(SPEAKER_PATTERN, re.I)
_WILL = re.compile(ASKS_FUTURE_PATTERN, re.I)
_DURATION = re.compile(DURATION_PATTERN, re.I)


def question_unit(text: str) -> str | None:
    """The unit a measure question asks for, from its wording alone."""
    for unit, pattern in _UNITS:
        if any(_names_a_measure(text, m) for m in pattern.finditer(text)):
            return unit
    return None


def _names_a_measure(text: str, match: re.Match[str]) -> bool:
    """Whether a unit word asks for a measure. Part of a compound or of a name, it does not:
    "cost-reduction measures", "his low-budget film", "the Congressional Budget Office"."""
    start, end = match.span()
    compound = text[start - 1 : start] == "-" or text[end : end + 1] == "-"
    word = match.group()
    name = start > 0 and word[:1].isupper() and not word.isupper()  # "GDP" is no name
    return not compound and not name


def question_speaker(text: str) -> str | None:
    """Who a "what did X say / tell" question asks about, when it names someone."""
    match = _SPEAKER.search(text)
    if match is None:
        return None
    named = [w for w in words(match.group("who")) if w not in STOPWORDS]
    return match.group("who") if named else None


def question_kind(text: str) -> str | None:
    """The kind of answer a question asks for, from its wording alone.

    The question word that comes first decides ("Who won how many medals?" asks who), and
    of two at one place the longer ("how long ago" asks when, "how long" how much).
    """
    found = [
        (match.start(), -len(match.group()), kind)
        for kind, pattern in _KINDS
        if (match := pattern.search(text)) is not None
    ]
    return min(found)[2] if found else None


def check_question(raw: str, *, max_chars: int) -> Question:
    """Normalise a question for searching.

    Runs of white space become one space; the original text is kept for echoing back.

    Raises:
        QuestionTooLong: the question has more than `max_chars` characters.
        EmptyQuestion: nothing searchable is left.
        UnreadableQuestion: the text holds bytes that were not UTF-8 (lone surrogates).
    """
    original = raw.strip()
    if _SURROGATE.search(original):
        raise UnreadableQuestion(
            "That question holds bytes that are not UTF-8 text; please type it again."
        )
    if len(original) > max_chars:
        raise QuestionTooLong(
            f"That question is {len(original):,} characters long; please keep it to "
            f"{max_chars:,} at most and ask one thing at a time."
        )
    text = _SPACE.sub(" ", original).strip()
    if not words(text):
        raise EmptyQuestion(
            "Please ask a question in words, for example: When was Blinken's trip cancelled?"
        )
    kind, unit = question_kind(text), question_unit(text)
    if kind not in (None, "number"):  # "When did the price rise?" asks for a date
        unit = None
    elif unit is not None:
        kind = "number"
    future = kind in ("when", "where") and bool(_WILL.search(text))
    duration = bool(_DURATION.search(text))
    return Question(original, text, kind, unit, question_speaker(text), future, duration)
