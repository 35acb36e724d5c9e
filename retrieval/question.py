"""Question checks and normalisation, and the question cues (when, who, how many, where)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index import EmptyQuestion, QuestionTooLong, words

_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_MARKDOWN = re.compile(r"```|`|\*\*|__|~~|\|\||^>+\s?|^#+\s", re.MULTILINE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Question:
    """A checked question: what the user wrote, and the text that is searched."""

    original: str
    text: str
    kind: str | None  # "when", "who", "number", "where" or None


_KINDS = (
    (
        "number",
        re.compile(
            r"\bhow (?:many|much|long|far|old|big|large|often)\b"
            r"|\bwhat (?:number|percentage|amount)\b",
            re.I,
        ),
    ),
    (
        "when",
        re.compile(
            r"\bwhen\b|\bwhat (?:year|month|day|date|time)\b"
            r"|\bwhich (?:year|month|day|date)\b|\bhow long ago\b",
            re.I,
        ),
    ),
    (
        "where",
        re.compile(
            r"\bwhere\b|\b(?:what|which) (?:city|country|place|state)\b",
            re.I,
        ),
    ),
    (
        "who",
        re.compile(
            r"\bwho(?:m|se)?\b|\bwhat (?:is|was) (?:the )?name\b"
            r"|\bwhich (?:person|official|minister)\b",
            re.I,
        ),
    ),
)


def question_kind(text: str) -> str | None:
    """The kind of answer a question asks for, from its wording alone."""
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return None


def check_question(raw: str, *, max_chars: int) -> Question:
    """Normalise a question for searching.

    Discord mentions and markdown markers are removed (they are not words of the
    question); the original text is kept for echoing back.

    Raises:
        QuestionTooLong: the question has more than `max_chars` characters.
        EmptyQuestion: nothing searchable is left.
    """
    original = raw.strip()
    if len(original) > max_chars:
        raise QuestionTooLong(
            f"That question is {len(original):,} characters long; please keep it under "
            f"{max_chars:,} and ask one thing at a time."
        )
    text = _SPACE.sub(" ", _MARKDOWN.sub(" ", _MENTION.sub(" ", original))).strip()
    if not words(text):
        raise EmptyQuestion(
            "Please ask a question in words, for example: When was Blinken's trip cancelled?"
        )
    return Question(original=original, text=text, kind=question_kind(text))
