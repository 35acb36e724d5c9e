"""Answer-type cues found without any model: dates, numbers, names and places in a sentence."""

from __future__ import annotations

import re

_MONTH = (
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"
)
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WHEN = re.compile(
    rf"(?:(?:early|mid|late|in|on|since|by|until|last|next|this)[- ])?{_MONTH}"
    rf"(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?"
    rf"|\b(?:on |last |next |this )?{_DAY}(?:\s+(?:morning|afternoon|evening|night))?\b"
    r"|\b(?:in |since |by )?(?:1[89]\d\d|20\d\d)s?\b"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    r"|\b(?:yesterday|today|tonight|tomorrow)\b"
    r"|\b(?:last|this|next) (?:week|month|year|weekend|spring|summer|autumn|fall|winter)\b"
    r"|\b(?:beginning|start|end|middle) of (?:the|this|last|next) (?:year|month|week)\b"
    r"|\b(?:\w+ )?(?:days?|weeks?|months?|years?|decades?) (?:ago|later|earlier)\b"
    r"|\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?",
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    r"|hundred|thousand|million|billion|trillion|dozens?|half|double|twice"
)
_NUMBER = re.compile(
    rf"(?<![\w-])[$£€]?\d[\d,.]*(?:\s*(?:%|percent|per cent|million|billion|trillion|bn|m\b))?"
    rf"|\b(?:(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))*)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[- ](?:[A-Z][a-z]+|[A-Z]\.))+")
_PLACE = re.compile(
    r"\b(?:in|at|to|from|near|over|off|across|into|outside|inside)\s+(?:the\s+)?"
    r"([A-Z][a-z]+(?:[ -][A-Z][a-z]+)*)"
)

_PATTERNS = {"when": _WHEN, "number": _NUMBER, "who": _NAME, "where": _PLACE}


def find_cue(
    kind: str | None, sentence: str, question_words: frozenset[str]
) -> re.Match[str] | None:
    """The first expression in `sentence` of the kind the question asks for.

    Expressions made only of the question's own words do not count: "When did Biden take
    office?" is not answered by the word "Biden".
    """
    pattern = _PATTERNS.get(kind or "")
    if pattern is None:
        return None
    for match in pattern.finditer(sentence):
        found = set(re.findall(r"\w+", match.group().lower()))
        if found and not found <= question_words:
            return match
    return None
