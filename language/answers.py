"""What an English answer looks like: the expressions that answer "when", "how many", "who"
and "where", and the words that answer nothing."""

from __future__ import annotations

from language.calendar import (
    ANY_YEAR_PATTERN,
    DAY_WORDS,
    LOOSE_CLOCK_PATTERN,
    MONTH_NAMES,
    MONTH_PATTERN,
    NUMERIC_DATE_PATTERN,
    RELATIVE_SHIFTS,
    SEASONS,
    TIME_UNITS,
    WEEKDAY_NAMES,
)
from language.numbers import COUNT_WORDS_PATTERN, LARGE_SCALES, PERCENT_WORDS
from language.words import HONORIFICS, SPEECH_VERBS, TITLES

_DAY = rf"(?:{'|'.join(WEEKDAY_NAMES)})"
_MONTH_NAME = rf"(?:{'|'.join(MONTH_NAMES)})"
_MONTH_DATE = rf"{MONTH_PATTERN}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d))?(?:,?\s+\d{{4}})?"
_DAY_MONTH = rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_PATTERN}(?:\s+\d{{4}})?"
_DAY_WORD = "|".join(DAY_WORDS)
_SHIFT = "|".join(RELATIVE_SHIFTS)
_SHIFTED = "|".join((*TIME_UNITS[1:], "weekend", *SEASONS, "fall"))
# Calendar dates and clock times; their digits are not counts ("February 4", "in 2021").
CALENDAR_CUE_PATTERN = (
    rf"{_MONTH_DATE}|{_DAY_MONTH}|\b{ANY_YEAR_PATTERN}|{NUMERIC_DATE_PATTERN}|{LOOSE_CLOCK_PATTERN}"
)
# An answer to "when": a date, a day, a year, a time of day, or time relative to the report.
WHEN_CUE_PATTERN = (
    rf"(?:(?:early|mid|late|in|on|since|by|until|last|next|this)[- ])?{_MONTH_DATE}"
    rf"|{_DAY_MONTH}"
    rf"|\b(?:on |last |next |this )?{_DAY}(?:\s+(?:morning|afternoon|evening|night))?\b"
    rf"|\b(?:in |since |by )?{ANY_YEAR_PATTERN}"
    rf"|{NUMERIC_DATE_PATTERN}"
    rf"|\b(?:{_DAY_WORD})\b"
    rf"|\b(?:{_SHIFT}) (?:{_SHIFTED})\b"
    r"|\b(?:beginning|start|end|middle) of (?:the|this|last|next) (?:year|month|week)\b"
    r"|\b(?:\w+ )?(?:days?|weeks?|months?|years?|decades?) (?:ago|later|earlier)\b"
    rf"|{LOOSE_CLOCK_PATTERN}|\b\d{{1,2}}:\d{{2}}\b"
)
# An answer to "how many": a number, with its sign, share or scale, or a count in words.
# Read without regard to case.
NUMBER_CUE_PATTERN = (
    r"(?<![\w-])[$£€]?\d[\d,.]*(?:\s*(?:"
    + "|".join((*PERCENT_WORDS, *LARGE_SCALES, "bn"))
    + r"|m\b))?"
    rf"|\b(?:(?:{COUNT_WORDS_PATTERN})(?:[- ](?:{COUNT_WORDS_PATTERN}))*)\b"
)
# Capitalised words that open a sentence or a date but never begin a name ("In February",
# "The President").
_NOT_A_NAME = (
    rf"(?:The|A|An|This|That|These|Those|His|Her|Its|Their|Our|My|In|On|At|By|For|From|To"
    rf"|And|But|Or|As|If|When|After|Before|During|Since|Until|While|Last|Next|Every"
    rf"|{_MONTH_NAME}|{_DAY})\b"
)
_TITLE = "(?:" + "|".join(TITLES) + ")"
_SPEECH_VERB = "(?:" + "|".join(SPEECH_VERBS) + ")"
# An answer to "who": a name.
NAME_CUE_PATTERN = (
    # Two or more capitalised words ("Matthew Miller", "Wang Yi"), not "The President".
    rf"\b(?!{_NOT_A_NAME})[A-Z][a-z]+(?:[- ](?:[A-Z][a-z]+|[A-Z]\.))+"
    # One word is a name after a title or before a speech verb ("President Xi", "Qin said").
    rf"|\b{_TITLE}\.? [A-Z][a-z]+\b"
    rf"|\b(?!{_NOT_A_NAME})[A-Z][a-z]+(?= {_SPEECH_VERB}\b)"
)
# An answer to "where": a capitalised name after a preposition of place (group 1).
PLACE_CUE_PATTERN = (
    r"\b(?:in|at|to|from|near|over|off|across|into|outside|inside)\s+(?:the\s+)?"
    # A month or a weekday after "in" or "on" is a date, not a place ("in January").
    rf"(?!(?:{_MONTH_NAME}|{_DAY})\b)([A-Z][a-z]+(?:[ -][A-Z][a-z]+)*)"
)
# A capitalised word or a number: what an answer to "which/who/where/how many" is made of
# (English capitalises names and not other nouns).
ANSWER_WORD_PATTERN = r"\b[A-Z][\w’'-]*\w|\b\d[\d,.]*\d\b|\b\d\b"
# Capitalised without naming an answer: dates (the "when" cue reads them), and articles,
# pronouns and titles that open a clause after a colon or a quotation mark.
NOT_ANSWER_WORDS = frozenset(
    {w.lower() for w in (*MONTH_NAMES, *WEEKDAY_NAMES)}
    | {"the", "a", "an", "he", "she", "it", "they", "we", "i"}
    | {w.lower() for w in HONORIFICS}
)
