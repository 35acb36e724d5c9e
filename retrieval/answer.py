"""The answer types retrieval hands to the front ends: plain frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from index import OpenIndex, publication_date

NO_ANSWER = "None of the articles answers that question."


def no_answer_message(articles_searched: int, *, has_closest: bool) -> str:
    """What a front end says when the articles do not answer: the one wording, kept here."""
    plural = "s" if articles_searched != 1 else ""
    closest = " The closest passages are below, but they do not answer it." if has_closest else ""
    return f"I searched {articles_searched:,} article{plural}. {NO_ANSWER}{closest}"


@dataclass(frozen=True)
class Source:
    """Where a quoted passage stands: an article and the character span in its cleaned text."""

    article_id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    path: str
    char_start: int
    char_end: int
    agency: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The `ask --json` shape of a source."""
        return {
            "article_id": self.article_id,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published,
            "path": self.path,
            "char_start": self.char_start,
            "char_end": self.char_end,
        }


def source_of(index: OpenIndex, article: int, start: int, end: int) -> Source:
    """The article at position `article` of `index` as a source, for its text[start:end]."""
    record = index.articles[article]
    return Source(
        article_id=record.article_id,
        title=record.title,
        outlet=record.outlet,
        url=record.url,
        published=record.published,
        path=record.path,
        char_start=start,
        char_end=end,
        agency=record.agency,
    )


@dataclass(frozen=True)
class QuoteDate:
    """A date expression at quote.text[char_start:char_end] and the ISO day, month or year
    it means, worked out from the article's publication date."""

    text: str
    char_start: int
    char_end: int
    resolved: str

    def to_json(self) -> dict[str, Any]:
        """The `ask --json` shape of a date in a quote."""
        return {
            "text": self.text,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "resolved": self.resolved,
        }


@dataclass(frozen=True)
class Quote:
    """A verbatim passage, its confidence score, and every article it stands in.

    `dates` are the dates the passage names, resolved; `earlier` marks a report older than
    the newest one on a question about the present state of things.
    """

    text: str
    score: float
    sources: tuple[Source, ...]
    highlight: tuple[int, int] | None = None  # span within `text` that answers the question
    dates: tuple[QuoteDate, ...] = ()
    earlier: bool = False

    @property
    def published(self) -> dt.date | None:
        """The publication day of the quote's first article, if known."""
        return publication_date(self.sources[0].published) if self.sources else None

    def to_json(self) -> dict[str, Any]:
        """The `ask --json` shape of a quote."""
        shape: dict[str, Any] = {
            "text": self.text,
            "score": round(self.score, 4),
            "sources": [s.to_json() for s in self.sources],
            "dates": [d.to_json() for d in self.dates],
        }
        if self.highlight is not None:
            shape["answer_span"] = {"char_start": self.highlight[0], "char_end": self.highlight[1]}
        if self.earlier:
            shape["earlier_report"] = True
        return shape


@dataclass(frozen=True)
class Answer:
    """The result of one question.

    When `answered` is false, `quotes` holds at most a few closest matches (maybe none),
    which front ends must present as such, never as the answer.
    """

    question: str
    answered: bool
    quotes: tuple[Quote, ...]
    latency_ms: float
    articles_searched: int
    index_version: str
    message: str | None = None
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)
    as_of: dt.date | None = None  # the as-of date the question was asked with, if given
    # The answer words the reply leads with: for a "when" question the date that answers
    # ("February 2023"), else the reader's answer words verbatim from the first quote.
    lead: str | None = None
    # The question as read, when it was read as a follow-up of the one before
    # (retrieval/conversation.py): its own words and those carried over.
    read_as: str | None = None

    @property
    def answer(self) -> str | None:
        """The best quote's text, or None when the articles do not answer."""
        return self.quotes[0].text if self.answered and self.quotes else None

    @property
    def top_score(self) -> float | None:
        """The best quote's score, if any quote was found."""
        return self.quotes[0].score if self.quotes else None

    def to_json(self) -> dict[str, Any]:
        """The `newsdesk ask --json` object of docs/design.md."""
        shape: dict[str, Any] = {"question": self.question}
        if self.read_as is not None:
            shape["read_as"] = self.read_as
        shape["answered"] = self.answered
        shape["answer"] = self.answer
        if self.lead is not None:
            shape["lead"] = self.lead
        shape["quotes"] = [q.to_json() for q in self.quotes]
        shape["latency_ms"] = round(self.latency_ms, 2)
        if self.as_of is not None:
            shape["as_of"] = self.as_of.isoformat()
        return shape
