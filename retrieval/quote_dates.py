"""Dates in answers: the dates each quote names, resolved against its article's publication
day, and the date a "when" answer leads with."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from index import find_dates
from language import MONTH_NAMES, WEEKDAY_NAMES
from retrieval.answer import Quote, QuoteDate

_YEAR = re.compile(r"\b\d{4}\b")


def date_quote(quote: Quote) -> Quote:
    """`quote` with the dates its text names, each resolved against the publication day of
    its first article; expressions that cannot be pinned down are left out."""
    mentions = find_dates(quote.text, quote.published)
    dates = tuple(
        QuoteDate(m.text, m.start, m.end, m.resolved) for m in mentions if m.resolved and m.grain
    )
    return replace(quote, dates=dates)


def spell_date(resolved: str, text: str = "") -> str:
    """An ISO day, month or year in words: "Sunday 18 June 2023", "February 2023", "2023".

    A day keeps its weekday when `text` (the words it was resolved from) names one.
    """
    if len(resolved) == 4:
        return resolved
    if len(resolved) == 7:
        return f"{MONTH_NAMES[int(resolved[5:]) - 1]} {resolved[:4]}"
    day = dt.date.fromisoformat(resolved)
    spelled = f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
    weekday = WEEKDAY_NAMES[day.weekday()]
    if "week" in text.lower() and day.weekday() == 0 and weekday not in text:
        return f"the week of {spelled}"
    return f"{weekday} {spelled}" if weekday in text else spelled


def relative_dates(quote: Quote) -> list[QuoteDate]:
    """The dates of a quote that do not spell out their year, which readers need resolved."""
    return [d for d in quote.dates if not _YEAR.search(d.text)]


def lead_date(quote: Quote, *, future: bool = False) -> str | None:
    """The date a "when" answer leads with: the resolved date among the words that answer
    (the quote's highlight), else the first the quote names; None when it names none.

    For a question about the future ("When will the bridge reopen?") only dates from the
    article's publication day on can answer.
    """
    dates = list(quote.dates)
    published = quote.published
    if future and published is not None:
        dates = [d for d in dates if d.resolved >= published.isoformat()[: len(d.resolved)]]
    if not dates:
        return None
    chosen = dates[0]
    if quote.highlight is not None:
        start, end = quote.highlight
        overlapping = [d for d in dates if d.char_start < end and start < d.char_end]
        chosen = overlapping[0] if overlapping else chosen
    return spell_date(chosen.resolved, chosen.text)
