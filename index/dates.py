"""Dates in text: finding the date expressions of language/calendar.py, and resolving relative
ones against the day an article was published.

How a date without a year or a relative one is resolved (`published` is the article's day):

- "yesterday", "today", "tonight", "tomorrow": the day before, of, after publication.
- "last/this/next week": the Monday of that week (grain "week"); "last/this/next month",
  "last/this/next year" likewise; "three days/weeks/months/years ago" counts back.
- A month, a day or a weekday without a year ("in February", "on May 5", "on Sunday") points
  the way its clause speaks (index/_calendar.py): to the most recent such date, the
  publication day included, when the clause is in the past tense ("said", "was", "-ed"); to
  the next one when it speaks of the future ("will", "is set to", "scheduled"); to the
  nearest one when it says neither, or after "to", "until", "through", "from" ("postponed
  to July 8"). A date standing alone before a comma takes the tense of its sentence.
  "In December" in a January article is the December before; "will ... on Sunday" is the
  coming Sunday, at most six days ahead; "met ... on Sunday" the last one, at most six back.
  "last February" / "last Sunday" are strictly before, "next ..." strictly after, "this
  February" in the publication year, "this Sunday" the coming one, "since March" before.

Left unresolved (`resolved=None`): anything relative when there is no publication date, decades
("the 1990s"), seasons ("in spring"), clock times, and impossible dates ("February 30").
Not reported at all: words that are only sometimes months ("May", "March", "June", "August")
without a day, a year or a time word before them ("Theresa May", "the March on Washington"),
lower-case "may" and "march", and a weekday that starts a name ("Sunday Times").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from index._calendar import direction, place_year, weekday_date
from language import (
    AGO_COUNTS,
    AMBIGUOUS_MONTHS,
    COUNTED_PATTERN,
    DATE_ANCHORS,
    DATE_LEAD_PATTERN,
    DATE_PATTERNS,
    DAY_WORDS,
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    RELATIVE_SHIFTS,
    WEEKDAY_NAMES,
)

Grain = Literal["day", "week", "month", "year"]

_MONTH_NUMBER = {name: n for n, name in enumerate(MONTH_NAMES, 1)} | MONTH_ABBREVIATIONS
# The English date expressions (language/calendar.py), each kind in its named group.
_DATES = re.compile(
    DATE_LEAD_PATTERN
    + "(?:"
    + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in DATE_PATTERNS)
    + ")"
)
_COUNTED = re.compile(COUNTED_PATTERN, re.IGNORECASE)
# Only the few places where an anchor stands are parsed (three simple patterns run faster
# than one that combines them).
_ANCHORS = tuple(re.compile(anchor) for anchor in DATE_ANCHORS)
_REACH = 30  # characters a date expression can start before its anchor
_WORD_START = re.compile(r"(?<![\w'’])[\w'’]")
_CAPITALISED = re.compile(r"\s+[A-Z]")


@dataclass(frozen=True)
class DateMention:
    """A date expression at text[start:end], and what it resolves to (None when ambiguous)."""

    start: int
    end: int
    text: str
    resolved: str | None  # "2023-06-18" (day, or a week's Monday), "2023-02", "2023"
    grain: Grain | None


def find_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """Every date expression in `text`, in order, with relative ones resolved against
    `published` (see the module docstring for the rules)."""
    found: list[DateMention] = []
    for match in _matches(text):
        if _is_not_a_date(match, text):
            continue
        value = _resolve(match, text, published)
        resolved, grain = value if value else (None, None)
        found.append(DateMention(match.start(), match.end(), match.group(), resolved, grain))
    return found


_ISO_DAY = re.compile(r"\s*(\d{4})-(\d\d)-(\d\d)")


def publication_date(published: str | None) -> dt.date | None:
    """The day an article's `published` field names (an ISO date or date-time, or a full date
    in words such as "June 14, 2023"), or None when it names no single day."""
    if not published:
        return None
    iso = _ISO_DAY.match(published)
    if iso is not None:
        try:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return None
    days = [m for m in find_dates(published, None) if m.grain == "day" and m.resolved]
    return dt.date.fromisoformat(days[0].resolved) if days and days[0].resolved else None


def _matches(text: str) -> list[re.Match[str]]:
    """The date pattern's matches around each anchor, in order, none overlapping: each starts
    at the earliest word start before the anchor that gives a match holding the anchor."""
    anchors = sorted({m.start() for pattern in _ANCHORS for m in pattern.finditer(text)})
    matches: list[re.Match[str]] = []
    done = 0
    for anchor in anchors:
        if anchor < done:
            continue
        low = max(done, anchor - _REACH)
        for start in _WORD_START.finditer(text, low, anchor + 1):
            match = _DATES.match(text, start.start())
            if match is not None and match.end() > anchor:
                matches.append(match)
                done = match.end()
                break
    return matches


def iso_window(resolved: str, grain: Grain) -> tuple[dt.date, dt.date]:
    """The first and last day a resolved value covers: a day, a week from its Monday, a month
    or a year.

    Raises:
        ValueError: `resolved` is not a value of that grain.
    """
    if grain in ("day", "week"):
        first = dt.date.fromisoformat(resolved)
        if len(resolved) != 10 or (grain == "week" and first.weekday() != 0):
            raise ValueError(f"{resolved!r} is not a {grain}'s ISO day")
        return first, first + dt.timedelta(days=6 if grain == "week" else 0)
    if grain == "month" and re.fullmatch(r"\d{4}-\d\d", resolved):
        year, month = int(resolved[:4]), int(resolved[5:])
        return dt.date(year, month, 1), _month_start(year, month + 1) - dt.timedelta(days=1)
    if grain == "year" and re.fullmatch(r"\d{4}", resolved):
        return dt.date(int(resolved), 1, 1), dt.date(int(resolved), 12, 31)
    raise ValueError(f"{resolved!r} is not an ISO {grain}")


def _is_not_a_date(match: re.Match[str], text: str) -> bool:
    """Matches that are names, verbs or counts rather than dates."""
    after = text[match.end() : match.end() + 20]
    if match["month_m"] is not None:
        return match["prep"] is None and match["month_m"].rstrip(".") in AMBIGUOUS_MONTHS
    if match["wd"] is not None:
        return match["prep"] is None and _CAPITALISED.match(after) is not None
    if match["year_y"] is not None:
        return _COUNTED.match(after) is not None
    return False


def _resolve(
    match: re.Match[str], text: str, published: dt.date | None
) -> tuple[str, Grain] | None:
    """The resolved value and grain of one match, or None when it cannot be told."""
    kind = match.lastgroup
    if kind in ("iso", "mdy", "dmy"):
        return _resolve_day(match, text, published)
    if kind == "my":
        return _month_value(int(match["my_y"]), _MONTH_NUMBER[match["my_m"].rstrip(".")])
    if kind == "year":
        return match["year_y"], "year"
    if published is None:
        return None
    if kind == "word":
        shift = DAY_WORDS[match["word_w"].lower()]
        return (published + dt.timedelta(days=shift)).isoformat(), "day"
    if kind == "rel":
        shift = RELATIVE_SHIFTS[match["rel_w"].lower()]
        return _shifted(published, match["rel_unit"].lower(), shift)
    if kind == "ago":
        number = match["ago_n"].lower()
        count = int(number) if number.isdigit() else AGO_COUNTS[number]
        return _shifted(published, match["ago_unit"].lower(), -count)
    if kind == "weekday":
        day = weekday_date(WEEKDAY_NAMES.index(match["wd"]), published, _direction(match, text))
        return day.isoformat(), "day"
    if kind == "month":
        month = _MONTH_NUMBER[match["month_m"].rstrip(".")]
        return _month_value(_month_year(month, published, _direction(match, text)), month)
    return None  # decades, seasons, clock times


def _resolve_day(
    match: re.Match[str], text: str, published: dt.date | None
) -> tuple[str, Grain] | None:
    """A calendar day: ISO, "May 5, 2023", "5 May 2023", or "May 5" with the year inferred."""
    kind = match.lastgroup
    year: int | None
    if kind == "iso":
        year, month, day = int(match["iso_y"]), int(match["iso_m"]), int(match["iso_d"])
    else:
        month = _MONTH_NUMBER[match[f"{kind}_m"].rstrip(".")]
        day = int(match[f"{kind}_d"])
        if match[f"{kind}_y"] is not None:
            year = int(match[f"{kind}_y"])
        elif published is not None:
            year = _day_year(month, day, published, _direction(match, text))
        else:
            year = None
    if year is None:
        return None
    try:
        return dt.date(year, month, day).isoformat(), "day"
    except ValueError:
        return None


def _month_year(month: int, published: dt.date, way: str) -> int:
    """The year of a month named without one."""
    keys = {y: y * 12 + month - 1 for y in range(published.year - 1, published.year + 2)}
    placed = place_year(keys, published.year * 12 + published.month - 1, published.year, way)
    return published.year if placed is None else placed


def _day_year(month: int, day: int, published: dt.date, way: str) -> int | None:
    """The year of a day named without one ("on May 5"), None when no year near has it."""
    keys = {}
    for year in range(published.year - 1, published.year + 2):
        try:
            keys[year] = dt.date(year, month, day).toordinal()
        except ValueError:  # February 29 outside a leap year
            continue
    return place_year(keys, published.toordinal(), published.year, way)


def _direction(match: re.Match[str], text: str) -> str:
    return direction(match["prep"] or "", text, match.start(), match.end())


def _shifted(published: dt.date, unit: str, count: int) -> tuple[str, Grain]:
    """The day, week, month or year `count` units from the one holding `published`."""
    if unit == "day":
        return (published + dt.timedelta(days=count)).isoformat(), "day"
    if unit == "week":
        monday = published - dt.timedelta(days=published.weekday())
        return (monday + dt.timedelta(weeks=count)).isoformat(), "week"
    if unit == "month":
        months = published.year * 12 + published.month - 1 + count
        return _month_value(months // 12, months % 12 + 1)
    return f"{published.year + count:04d}", "year"


def _month_value(year: int, month: int) -> tuple[str, Grain]:
    return f"{year:04d}-{month:02d}", "month"


def _month_start(year: int, month: int) -> dt.date:
    """The first day of a month, where month 13 is January of the next year."""
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
