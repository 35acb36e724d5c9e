"""Answer-type cues found without any model: dates, numbers, measures, names, places and
attributed speech in a passage."""

from __future__ import annotations

import re
from bisect import bisect_left

from index import MONTH_NAMES, MONTH_PATTERN, WEEKDAY_NAMES

# Month and weekday names come from index/dates.py, the one place for date patterns.
_MONTH = MONTH_PATTERN
_DAY = rf"(?:{'|'.join(WEEKDAY_NAMES)})"
# Calendar dates and clock times; their digits are not counts ("February 4", "in 2021").
_MONTH_DATE = rf"{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d))?(?:,?\s+\d{{4}})?"
_DAY_MONTH = rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?"
_YEAR = r"(?:1\d\d\d|20\d\d)s?\b"
_NUMERIC_DATE = r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"
_CLOCK = r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?"
_CALENDAR = re.compile(rf"{_MONTH_DATE}|{_DAY_MONTH}|\b{_YEAR}|{_NUMERIC_DATE}|{_CLOCK}")
_WHEN = re.compile(
    rf"(?:(?:early|mid|late|in|on|since|by|until|last|next|this)[- ])?{_MONTH_DATE}"
    rf"|{_DAY_MONTH}"
    rf"|\b(?:on |last |next |this )?{_DAY}(?:\s+(?:morning|afternoon|evening|night))?\b"
    rf"|\b(?:in |since |by )?{_YEAR}"
    rf"|{_NUMERIC_DATE}"
    r"|\b(?:yesterday|today|tonight|tomorrow)\b"
    r"|\b(?:last|this|next) (?:week|month|year|weekend|spring|summer|autumn|fall|winter)\b"
    r"|\b(?:beginning|start|end|middle) of (?:the|this|last|next) (?:year|month|week)\b"
    r"|\b(?:\w+ )?(?:days?|weeks?|months?|years?|decades?) (?:ago|later|earlier)\b"
    rf"|{_CLOCK}|\b\d{{1,2}}:\d{{2}}\b",
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    r"|hundred|thousand|million|billion|trillion|dozens?|half|double|twice|triple|quadruple"
    r"|zero|none"
)
_NUMBER = re.compile(
    rf"(?<![\w-])[$£€]?\d[\d,.]*(?:\s*(?:%|percent|per cent|million|billion|trillion|bn|m\b))?"
    rf"|\b(?:(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))*)\b",
    re.IGNORECASE,
)
_MONTH_NAME = rf"(?:{'|'.join(MONTH_NAMES)})"
# Capitalised words that open a sentence or a date but never begin a name ("In February",
# "The President").
_NOT_A_NAME = (
    rf"(?:The|A|An|This|That|These|Those|His|Her|Its|Their|Our|My|In|On|At|By|For|From|To"
    rf"|And|But|Or|As|If|When|After|Before|During|Since|Until|While|Last|Next|Every"
    rf"|{_MONTH_NAME}|{_DAY})\b"
)
_TITLE = (
    r"(?:President|Prime Minister|Minister|Secretary|Senator|Governor|Mayor|Chancellor"
    r"|Ambassador|General|King|Queen|Prince|Princess|Pope|Mr|Mrs|Ms|Dr)"
)
_SPEECH_VERB = r"(?:said|says|told|tells|added|warned|wrote|announced|insisted|argued)"
_NAME = re.compile(
    # Two or more capitalised words ("Matthew Miller", "Wang Yi"), not "The President".
    rf"\b(?!{_NOT_A_NAME})[A-Z][a-z]+(?:[- ](?:[A-Z][a-z]+|[A-Z]\.))+"
    # One word is a name after a title or before a speech verb ("President Xi", "Qin said").
    rf"|\b{_TITLE}\.? [A-Z][a-z]+\b"
    rf"|\b(?!{_NOT_A_NAME})[A-Z][a-z]+(?= {_SPEECH_VERB}\b)"
)
_PLACE = re.compile(
    r"\b(?:in|at|to|from|near|over|off|across|into|outside|inside)\s+(?:the\s+)?"
    # A month or a weekday after "in" or "on" is a date, not a place ("in January").
    rf"(?!(?:{_MONTH_NAME}|{_DAY})\b)([A-Z][a-z]+(?:[ -][A-Z][a-z]+)*)"
)

_PATTERNS = {"when": _WHEN, "number": _NUMBER, "who": _NAME, "where": _PLACE}

# A measure is a number with its unit ("60,000 feet", "$3.2 billion", "12%").
_ONE_QUANTITY = rf"(?:[$£€¥]\s?)?\d[\d,.]*|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))*"
_QUANTITY = rf"(?:{_ONE_QUANTITY})(?:\s?(?:-|–|to)\s?(?:{_ONE_QUANTITY}))?"  # or a range
# "m" is metres only glued to a bare number ("300m"); with a currency sign it is millions.
_UNITS = {
    "length": r"feet|foot|ft|meters?|metres?|km|kilometers?|kilometres?|miles?|mi|inch(?:es)?"
    r"|yards?|cm|centimet(?:er|re)s?|mm|millimet(?:er|re)s?|nautical miles?",
    "weight": r"kg|kilos?|kilograms?|grams?|g|pounds?|lbs?|tons?|tonnes?|ounces?|oz",
    # "million" alone is no sum ("3 million people"); "$3 million" is found by the sign.
    "money": r"dollars?|euros?|pounds?|yuan|yen|rupees?|francs?|pesos?|rubles?|roubles?"
    r"|won|dinars?",
    "speed": r"mph|km/h|kph|knots?|miles (?:an|per) hour|kilomet(?:er|re)s (?:an|per) hour"
    r"|meters per second|m/s|rpm|revolutions per minute",
    "percent": r"%|percent|per cent|percentage points?",
    "temperature": r"degrees?|°[CF]?",
    "population": r"people|persons|residents|inhabitants|citizens|thousand|million|billion",
}
_MEASURES = {
    unit: re.compile(rf"(?<![\w-])(?:{_QUANTITY})(?:[- ]|\s)?(?:{units})(?![\w])", re.IGNORECASE)
    for unit, units in _UNITS.items()
}
# A head count has no currency sign: "$3 million" is money, not people.
_MEASURES["population"] = re.compile(
    rf"(?<![\w$£€¥.,-])(?<![$£€¥] )(?:\d[\d,.]*|{_NUMBER_WORDS})(?:[- ]|\s)?"
    rf"(?:{_UNITS['population']})(?![\w])",
    re.IGNORECASE,
)
_METRES = re.compile(r"(?<![\w$£€¥.,])\d[\d,.]*m\b")
_POPULATION = re.compile(r"\bpopulations?\b", re.IGNORECASE)
_MONEY_SIGN = re.compile(r"[$£€¥]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|bn|m)\b)?")
_SHARE = re.compile(r"\b(?:half|(?:a |one[- ])?(?:third|quarter|fifth|tenth)s?|majority)\b", re.I)

_SPEECH = re.compile(
    r"\b(?:said|says|say|saying|told|tells|tell|telling|stated|states|added|adds|noted|notes"
    r"|stressed|stresses|emphasi[sz]ed|emphasi[sz]es|urged|urges|asked|asks|announced"
    r"|announces|warned|warns|insisted|insists|argued|argues|claimed|claims|declared|declares"
    r"|explained|explains|wrote|writes|posted|posts|tweeted|tweets|replied|replies"
    r"|according to|quoted|statement|remarks?|interview)\b|[“”\"]",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+")


# A capitalised word or a number: what an answer to "which/who/where/how many" is made of.
_ANSWER_WORD = re.compile(r"\b[A-Z][\w’'-]*\w|\b\d[\d,.]*\d\b|\b\d\b")
_FIRST_WORD = re.compile(r"^\W*")
# Capitalised without naming an answer: dates (the "when" cue reads them), and articles,
# pronouns and titles that open a clause after a colon or a quotation mark.
_NOT_ANSWERS = frozenset(
    {w.lower() for w in (*MONTH_NAMES, *WEEKDAY_NAMES)}
    | {"the", "a", "an", "he", "she", "it", "they", "we", "i", "mr", "mrs", "ms", "dr"}
)


def answer_words(text: str, question_words: frozenset[str]) -> tuple[frozenset[str], str | None]:
    """The names and numbers a sentence states that the question does not, and apart from
    them its first word when capitalised (a name only if some sentence capitalises it
    inside)."""
    found, first = set(), None
    opening = _FIRST_WORD.match(text)
    start = opening.end() if opening else 0
    for match in _ANSWER_WORD.finditer(text):
        word = match.group().lower().replace("’s", "").replace("'s", "")
        if not word or word in question_words or word in _NOT_ANSWERS:
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


_SINCE = re.compile(r"\bsince\s+", re.IGNORECASE)


def find_since(passage: str, question_words: frozenset[str]) -> bool:
    """Whether `passage` dates the start of something ("since September 2001"), which says
    how long it has lasted."""
    for match in _SINCE.finditer(passage):
        cue = find_cue("when", passage[match.end() : match.end() + 40], question_words)
        if cue is not None and cue.start() == 0:
            return True
    return False


# Not "could" ("could not be reached for comment" is past), and "may" only in lower case
# ("in May" is a month). A date put off ("postponed to July 8", "moved the launch to June
# 26") is a date still to come.
_FUTURE = re.compile(
    r"\b(?:will|would|shall|plans?|planned|planning|expected|scheduled|set to|going to|next"
    r"|upcoming|later|tomorrow|future|intends?|might|(?-i:may)|postponed|delayed|rescheduled"
    r"|pushed back|(?:moved|put off)\b[^.;]{0,60}?\bto)\b|['’]ll\b",
    re.IGNORECASE,
)


def speaks_of_future(passage: str) -> bool:
    """Whether `passage` speaks of something still to come ("will", "plans", "next week")."""
    return _FUTURE.search(passage) is not None
