"""Cleaning article text: boilerplate out, broken sentences rejoined, metadata lifted."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from index.dates import MONTH_NAMES

# Month names from index/dates.py (the one place for them), each also as its abbreviation.
_MONTHS = "|".join(f"{name[:3].lower()}(?:{name[3:].lower()})?" for name in MONTH_NAMES) + "|sept"
_TIME = r"(?:,?\s*(?:at\s*)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
_DATE_LINE = re.compile(
    r"^(?:(?:last\s+)?(?:updated|published|posted|modified)(?:\s+on)?:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}"
    r"|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})"
    rf"{_TIME}\.?$",
    re.IGNORECASE,
)
# A line that starts one of these ends the article: what follows is links, comments, banners.
_FOOTER = re.compile(
    r"^(?:you may also like|you might also like|leave a (?:comment|reply)|read also:?|"
    r"also read:?|related (?:articles|posts|news|stories)|more from |recommended for you|"
    r"privacy (?:&|and) cookies policy|share this:?$|comments?$|\d+ comments?$)",
    re.IGNORECASE,
)
# A single line of any of these kinds is dropped wherever it stands.
_DROP = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^home\s*[»>›/|]",  # breadcrumb
        r"^[^.!?]*\s[»›]\s[^.!?]*$",  # breadcrumb trail; "Watch this »" inside a paragraph stays
        r"^by\s+[\w.'@-]+(?:\s+[\w.'@-]+){0,3}$",  # "by admin"
        r"^(?:\d+|no)\s+comments?$",
        r"^(?:see also|read also|read more|also read|related(?! to\b))\b",
        r"^(?:more|most) (?:important |popular |read )?(?:news|stories|articles)$",
        r"\b(?:we|this (?:web)?site) uses? cookies\b|\baccept (?:all )?cookies\b",  # banners
        r"^(?:privacy (?:&|and) )?cookies? (?:policy|settings|preferences)$",
        r"\bakismet\b",
        r"^(?:share|tweet|email|print)(?:\s+(?:on|this|article))*\W*$",
        # A caption's credit ("… in Beijing. Photo Reuters"); not "a photo finish." in a sentence.
        r"(?-i:(?:^|[.!?)]\s|\()Photo(?:graph)?:?\s+(?:by\s+)?[A-Z][\w./ ]{1,30}\)?)$",
        r"^advertisement$",
        r"^(?:skip to (?:main )?content|subscribe(?: now)?|sign up for .*newsletter.*)$",
    )
]
_SOURCE_LINE = re.compile(r"^(?:source|sources|via)\s*:\s*(.{1,80})$", re.IGNORECASE)
_TERMINAL = ".!?…:;"
_CLOSERS = "\"'”’»)]"
# Words a sentence cannot end on: a line ending in one was broken by the scrape.
_FUNCTION_WORDS = frozenset(
    "a an the and or but nor that which who whom whose of to in on at by for from with as "  # noqa: SIM905
    "than then will would shall should can could may might must is are was were be been "
    "has have had his her its their our your this these those told".split()
)
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
    return last.lower() in _FUNCTION_WORDS and last.isalpha()


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
