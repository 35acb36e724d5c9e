"""Text for Discord: escaping user and article text, and cutting it to Discord's limits."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import discord

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
MESSAGE_LIMIT = 2000
ELLIPSIS = "…"

_SPACE = re.compile(r"\s+")
_USER_MENTION = re.compile(r"<(@[!&]?\d+|#\d+)>")
# Markdown that only acts at the start of a line: headings, subtext, quotes and lists.
_LINE_START = re.compile(r"^(?:#{1,3} |-# |>>> |> |[-*+] )")
_ORDERED = re.compile(r"^(\d+)([.)] )")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s")
_JOINERS = {"\u200d", "\u20e3"}


_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_MARKDOWN = re.compile(r"```|`|\*\*|__|~~|\|\||^>+\s?|^#+\s", re.MULTILINE)


def plain_question(raw: str) -> str:
    """A question as typed in Discord, without mentions and markdown markers (they are not
    words of the question)."""
    return _SPACE.sub(" ", _MARKDOWN.sub(" ", _MENTION.sub(" ", raw))).strip()


def size(text: str) -> int:
    """Length as Discord may count it: UTF-16 code units, never less than code points."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Text shown as written: markdown, mentions and line-start markers made inert.

    Whitespace runs (newlines included) become single spaces, so a quote stays one paragraph.
    """
    flat = _SPACE.sub(" ", text).strip()
    escaped = discord.utils.escape_markdown(flat)
    escaped = discord.utils.escape_mentions(escaped)
    escaped = _USER_MENTION.sub(r"\\<\1>", escaped)
    if _LINE_START.match(escaped):
        return "\\" + escaped
    return _ORDERED.sub(r"\1\\\2", escaped, count=1)


def _is_glued(char: str) -> bool:
    """True for a character that belongs to the one before it (accents, emoji modifiers)."""
    code = ord(char)
    return (
        unicodedata.combining(char) > 0
        or char in _JOINERS
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag characters (flag sequences)
    )


def _prefix_within(text: str, budget: int) -> int:
    """The largest n with size(text[:n]) <= budget."""
    used = 0
    for n, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            return n
    return len(text)


def cut_point(text: str, budget: int) -> int:
    """Where to cut `text` so that text[:n] fits `budget`: a sentence end, else a word end.

    Only a single word longer than the budget is cut inside, and then never inside an
    emoji sequence or between a letter and its accent.
    """
    if size(text) <= budget:
        return len(text)
    n = _prefix_within(text, budget)
    head = text[: n + 1]  # one more, to see whether the cut falls on a space
    sentence_ends = [m.end() - 1 for m in _SENTENCE_END.finditer(head)]
    if sentence_ends and sentence_ends[-1] >= n * 0.6:
        return sentence_ends[-1]
    space = max(head.rfind(" "), head.rfind("\n"))
    if space > 0:
        return len(text[:space].rstrip())
    while n > 0 and (_is_glued(text[n]) or text[n - 1] in _JOINERS):
        n -= 1
    return n


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` at a sentence or word boundary, with an ellipsis when cut."""
    if size(text) <= limit:
        return text
    n = cut_point(text, limit - size(ELLIPSIS))
    return text[:n].rstrip() + ELLIPSIS


def fit(text: str, limit: int, render: Callable[[str, bool], str] | None = None) -> str:
    """The longest clip of raw `text` whose rendering fits `limit`.

    Args:
        text: the raw text.
        limit: the size the rendered text must fit.
        render: turns (kept raw text, was it cut) into what is sent; escapes by default.
    """
    draw = render or (lambda kept, cut: escape(kept) + (ELLIPSIS if cut else ""))
    budget = limit
    while budget > 0:
        n = cut_point(text, budget)
        rendered = draw(text[:n].rstrip() if n < len(text) else text, n < len(text))
        over = size(rendered) - limit
        if over <= 0:
            return rendered
        shrunk = min(budget, n) * limit // size(rendered)
        budget = min(shrunk, budget - 1)
    return draw("", True) if size(draw("", True)) <= limit else ""
