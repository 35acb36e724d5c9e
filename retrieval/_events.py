"""Events in sentences: whether a sentence reports one, and the date it happened on."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from index import DateMention, OpenIndex, find_dates, iso_window
from language import PAST_PATTERN, SINCE_WORDS
from retrieval._stories import StoryConfig, is_statement

_PAST = re.compile(PAST_PATTERN, re.IGNORECASE)
_LAST_WORD = re.compile(r"(\w+)\W*$")
_FIRST_WORD = re.compile(r"\W*(\w+)")
_FINEST = {"day": 0, "week": 1, "month": 2, "year": 3}
_STATEMENT = StoryConfig()

DatedBy = Literal["text", "published"]


@dataclass(frozen=True)
class Event:
    """A sentence that reports an event, with its relevance to the topic and the event's
    date: the one it names (`dated_by` "text"), or its article's publication day."""

    sentence_id: int
    relevance: float
    date: str
    start: dt.date  # the first day the date covers, to order by
    dated_by: DatedBy
    date_text: str | None


def date_event(index: OpenIndex, sentence_id: int, relevance: float) -> Event | None:
    """The sentence with its event date, or None when it reports no event or cannot be
    dated (an undated article's sentence that names no date of its own)."""
    text = index.sentence_text(sentence_id)
    article = index.sentence_span(sentence_id)[0]
    published = index.published_on(article)
    if not is_statement(text, _STATEMENT):
        return None
    mentions = _event_dates(text, published)
    if not mentions and not _PAST.search(text):
        return None
    chosen = _event_date(mentions, published)
    if chosen is not None:
        assert chosen.resolved is not None and chosen.grain is not None
        start = iso_window(chosen.resolved, chosen.grain)[0]
        return Event(sentence_id, relevance, chosen.resolved, start, "text", chosen.text)
    if published is None:
        return None
    return Event(sentence_id, relevance, published.isoformat(), published, "published", None)


def _event_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """The resolved dates of a sentence that can date what it reports: not a starting point
    ("since 1998"), nor a week, month or year that only holds the publication day ("this
    year"): the publication day says more."""
    kept = []
    for mention in find_dates(text, published):
        if mention.resolved is None or mention.grain is None:
            continue
        lead = _FIRST_WORD.match(mention.text)
        before = _LAST_WORD.search(text, 0, mention.start)
        words = {w[1].lower() for w in (lead, before) if w is not None}
        if words & set(SINCE_WORDS):
            continue
        first, last = iso_window(mention.resolved, mention.grain)
        if mention.grain != "day" and published is not None and first <= published <= last:
            continue
        kept.append(mention)
    return kept


def _event_date(mentions: list[DateMention], published: dt.date | None) -> DateMention | None:
    """The date of what the sentence reports: the finest date that has passed by publication
    ("ruled on Monday" rather than the "September 9" it set); failing that, the first date
    still to come ("will reopen on May 20"); None when it names none."""
    if not mentions:
        return None
    passed = [
        m
        for m in mentions
        if published is None or iso_window(m.resolved or "", m.grain or "day")[0] <= published
    ]
    if not passed:
        return mentions[0]
    return min(passed, key=lambda m: _FINEST[m.grain or "year"])
