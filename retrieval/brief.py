"""The brief: the articles published since a day, grouped into stories, each quoted verbatim."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from index import OpenIndex, publication_date
from kernel.errors import NewsdeskError
from retrieval._stories import (
    StoryConfig,
    article_vectors,
    best_lead,
    covers_terms,
    group_articles,
    story_centre,
    topic_terms,
    window_articles,
)
from retrieval.answer import Source, source_of
from retrieval.timeline import check_topic

Embed = Callable[[str], NDArray[np.float32]]

DEFAULT_SINCE = "24h"
_SPAN = re.compile(r"^\s*(\d{1,4})\s*([hdw])\s*$", re.IGNORECASE)
_UNIT_HOURS = {"h": 1, "d": 24, "w": 24 * 7}
_MAX_DAYS = 3660


class BadSince(NewsdeskError):
    """A `since` that is neither a span (24h, 2d, 1w) nor a day (YYYY-MM-DD)."""


def brief_window(since: str | None, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last publication day a brief covers, both included.

    Publication dates are days, so a span reaches back to the day it starts in: "24h" on
    `as_of` covers the day before and `as_of` itself (what came in overnight), "2d" the two
    days before and `as_of`. A day (YYYY-MM-DD) covers from that day to `as_of`.

    Raises:
        BadSince: `since` is neither, or it is a day after `as_of`.
    """
    text = (since or DEFAULT_SINCE).strip()
    span = _SPAN.match(text)
    if span:
        hours = int(span[1]) * _UNIT_HOURS[span[2].lower()]
        days = min(-(-hours // 24), _MAX_DAYS)
        return as_of - dt.timedelta(days=days), as_of
    try:
        first = dt.date.fromisoformat(text)
    except ValueError:
        raise BadSince(
            f"'since' takes a span like 24h, 2d or 1w, or a day like 2025-11-04, not {text!r}."
        ) from None
    if first > as_of:
        raise BadSince(f"'since' ({first}) is after the as-of day ({as_of}); pick an earlier day.")
    return first, as_of


@dataclass(frozen=True)
class Story:
    """Articles that report one event: a sentence quoted verbatim from one of them (the lead
    closest to the story's centre) and every article as a source, the quoted one first."""

    quote: str
    sources: tuple[Source, ...]
    outlets: tuple[str, ...]

    @property
    def articles(self) -> int:
        """How many articles carry the story."""
        return len(self.sources)

    @property
    def newest(self) -> dt.date | None:
        """The latest publication day among the story's articles."""
        days = [publication_date(s.published) for s in self.sources]
        return max((d for d in days if d is not None), default=None)

    @property
    def also_reported_by(self) -> tuple[str, ...]:
        """The outlets that carry the story besides the quoted article's."""
        quoted = self.sources[0].outlet or self.sources[0].agency
        return tuple(o for o in self.outlets if o != quoted)

    def to_json(self) -> dict[str, Any]:
        """The `brief --json` shape of a story."""
        return {
            "quote": self.quote,
            "articles": self.articles,
            "outlets": list(self.outlets),
            "also_reported_by": list(self.also_reported_by),
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass(frozen=True)
class Brief:
    """The stories of the articles published from `first` to `last`, most carried first."""

    first: dt.date
    last: dt.date
    articles: int
    stories: tuple[Story, ...]
    topic: str | None = None
    latency_ms: float = field(default=0.0, compare=False)

    def to_json(self, limit: int | None = None) -> dict[str, Any]:
        """The `newsdesk brief --json` object (the first `limit` stories, if given)."""
        return {
            "since": self.first.isoformat(),
            "until": self.last.isoformat(),
            "topic": self.topic,
            "articles": self.articles,
            "stories_total": len(self.stories),
            "stories": [s.to_json() for s in self.stories[:limit]],
            "latency_ms": round(self.latency_ms, 2),
        }


def make_brief(
    index: OpenIndex,
    *,
    first: dt.date,
    last: dt.date,
    topic: str | None = None,
    embed: Embed | None = None,
    config: StoryConfig | None = None,
) -> Brief:
    """The brief of the articles published from `first` to `last`: grouped into stories,
    ranked by how many articles and outlets carry each, newest first among equals.

    With `topic`, only the stories about it: all its words in an article's title or lead,
    or (when `embed` is given) its vector close to an article's.
    """
    started = time.perf_counter()
    topic = check_topic(topic) if topic and topic.strip() else None
    config = config or StoryConfig()
    articles = window_articles(index, first, last)
    vectors = article_vectors(index, articles, config.lead_chunks)
    groups = group_articles(vectors, config.threshold)
    if topic:
        about = _about_topic(index, articles, vectors, topic, embed, config)
        groups = [g for g in groups if about[g].any()]
    stories = [_story(index, articles[g], vectors[g], config) for g in groups]
    stories.sort(key=_rank)
    latency = (time.perf_counter() - started) * 1000
    return Brief(first, last, len(articles), tuple(stories), topic, latency)


def _about_topic(
    index: OpenIndex,
    articles: NDArray[np.int64],
    vectors: NDArray[np.float32],
    topic: str,
    embed: Embed | None,
    config: StoryConfig,
) -> NDArray[np.bool_]:
    """Which of `articles` are about `topic`."""
    terms = topic_terms(topic) if config.topic_words else ()
    about = np.array(
        [covers_terms(index, int(a), terms, config.lead_sentences) for a in articles], dtype=bool
    )
    if embed is not None and len(articles):
        near = vectors @ np.asarray(embed(topic), dtype=np.float32) >= config.topic_similarity
        about |= near
    return about


def _story(
    index: OpenIndex,
    articles: NDArray[np.int64],
    vectors: NDArray[np.float32],
    config: StoryConfig,
) -> Story:
    """One story: its quote, and its articles as sources, the quoted one first."""
    centre = story_centre(vectors)
    leads = {int(a): best_lead(index, int(a), centre, config) for a in articles}
    scored = [(lead[1], a) for a, lead in leads.items() if lead is not None]
    quoted = max(scored)[1] if scored else int(articles[0])
    others = sorted((a for a in leads if a != quoted), key=lambda a: -int(index.article_day[a]))
    sources = tuple(_source(index, a, leads[a]) for a in [quoted, *others])
    lead = leads[quoted]
    quote = index.sentence_text(lead[0]) if lead else index.articles[quoted].text.split("\n")[0]
    outlets: list[str] = []
    for source in sources:
        name = source.outlet or source.agency
        if name and name not in outlets:
            outlets.append(name)
    return Story(quote.strip(), sources, tuple(outlets))


def _source(index: OpenIndex, article: int, lead: tuple[int, float] | None) -> Source:
    """An article as a source, its span that of its lead sentence (or its first line)."""
    if lead is None:
        return source_of(index, article, 0, len(index.articles[article].text.split("\n")[0]))
    return source_of(index, *index.sentence_span(lead[0]))


def _rank(story: Story) -> tuple[int, int, int]:
    """Most articles first, then most outlets, then the newest (sorted ascending)."""
    newest = story.newest
    return (-story.articles, -len(story.outlets), -(newest.toordinal() if newest else 0))
