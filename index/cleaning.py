"""Cleaning article text: boilerplate out, broken sentences rejoined, metadata lifted."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from language import (
    DATE_LINE_PATTERN,
    DROPPED_LINE_PATTERNS,
    FOOTER_PATTERN,
    FUNCTION_WORDS,
    SOURCE_LINE_PATTERN,
)

# The English boilerplate lines of language/boilerplate.py.
_DATE_LINE = re.compile(DATE_LINE_PATTERN, re.IGNORECASE)
_FOOTER = re.compile(FOOTER_PATTERN, re.IGNORECASE)
_DROP = [re.compile(p, re.IGNORECASE) for p in DROPPED_LINE_PATTERNS]
_SOURCE_LINE = re.compile(SOURCE_LINE_PATTERN, re.IGNORECASE)
_TERMINAL = ".!?…:;"
_CLOSERS = "\"'”’»)]"
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


@dataclass(frozen=True)
class CleanText:
    """The cleaned article text and the metadata found in its boilerplate."""

    text: str
    agency: str | None = None


def _normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line)
    if not line.isprintable():  # printable text holds no control or format character
        line = "".join(
            ch for ch in line if ch in "\t" or unicodedata.category(ch) not in ("Cc", "Cf")
        )
    return _SPACES.sub(" ", line).strip()


def _comparable(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _is_boilerplate(line: str, title_key: str) -> bool:
    bare = line.lstrip("•·*-–— ").strip()
    if title_key and _comparable(bare) == title_key:
        return True
    if _DATE_LINE.match(bare):
        return True
    return any(pattern.search(bare) for pattern in _DROP)


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    if stripped != text and stripped and stripped[-1] in _TERMINAL:
        return True
    return bool(text) and text[-1] in _TERMINAL


def _continues(prev: str, nxt: str) -> bool:
    """Whether `nxt` carries on the sentence that the scrape broke at the end of `prev`."""
    if _ends_sentence(prev):
        return False
    if prev[-1] in ",-–—(" or nxt[0] in ",;:)–—" or nxt[0].islower():
        return True
    # A line ending in any other word is a headline or a paragraph that lost its full stop
    # ("Katie Hobbs urges students to vote"); gluing it on would merge two sentences.
    last = prev.split()[-1]
    return last.lower() in FUNCTION_WORDS and last.isalpha()


def _drop_header_labels(lines: list[str]) -> list[str]:
    """Short label lines above the first real paragraph (section names) are not text."""
    first = next(
        (i for i, line in enumerate(lines) if len(line.split()) >= 8 and _ends_sentence(line)),
        None,
    )
    if first is None:
        return lines
    head = [x for x in lines[:first] if len(x.split()) > 4 or _ends_sentence(x)]
    return head + lines[first:]


def clean_body(body: str, title: str | None = None) -> CleanText:
    """Clean an article body for indexing.

    Boilerplate lines are dropped, a footer block (related links, comment forms, banners)
    is cut off, a trailing "Source: X" becomes `agency`, and sentences that the scrape broke
    across lines are rejoined. Paragraphs in the result are separated by a blank line.
    """
    title_key = _comparable(title) if title else ""
    kept: list[str] = []
    agency = None
    for raw in body.split("\n"):
        line = _normalise_line(raw)
        if not line:
            continue
        has_text = sum(len(x) for x in kept) >= 200
        if _FOOTER.match(line.lstrip("•·*-–— ")) and has_text:
            break
        source = _SOURCE_LINE.match(line)
        if source and has_text:
            agency = source.group(1).strip()
            continue
        if not _is_boilerplate(line, title_key):
            kept.append(line)
    paragraphs: list[str] = []
    for line in _drop_header_labels(kept):
        if paragraphs and _continues(paragraphs[-1], line):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return CleanText(text="\n\n".join(paragraphs), agency=agency)
