"""The timeline: the sentences about a topic that report an event, oldest event first."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from index import OpenIndex, tokenize
from kernel.errors import NewsdeskError
from retrieval._events import DatedBy, Event, date_event
from retrieval._stories import (
    StoryConfig,
    article_vectors,
    covers_terms,
    topic_terms,
)
from retrieval.answer import Source, source_of
from retrieval.evidence import SentenceTerms
from retrieval.quote_dates import spell_date

Embed = Callable[[str], NDArray[np.float32]]

MAX_TOPIC_CHARS = 200

_DIGITS = re.compile(r"\d+")
_WORDS = re.compile(r"\w+")
_COPY_SHARE = 0.6  # the share of the longer sentence's words a shorter copy holds
_SPACE = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadTopic(NewsdeskError):
    """A topic that is empty, too long or not text."""


def check_topic(topic: str, *, max_chars: int = MAX_TOPIC_CHARS) -> str:
    """The topic with its spaces tidied.

    Raises:
        BadTopic: no words in it, longer than `max_chars`, or bytes that are not UTF-8.
    """
    text = _SPACE.sub(" ", topic).strip()
    if _SURROGATE.search(text):
        raise BadTopic("That topic holds bytes that are not UTF-8 text; please type it again.")
    if len(text) > max_chars:
        raise BadTopic(
            f"That topic is {len(text):,} characters long; name it in {max_chars} at most."
        )
    if not tokenize(text):
        raise BadTopic("Name the topic in words, for example: Halvern bridge.")
    return text


@dataclass(frozen=True)
class TimelineConfig:
    """Which sentences a timeline takes, and how many."""

    chunks: int = 40  # chunks each search (dense and BM25) brings
    # An article is about the topic when its lead's vector is this close to the topic's, or
    # all the topic's words stand in its title or lead.
    article_similarity: float = 0.4
    # A sentence of such an article is about the topic when it holds one of the topic's
    # words or its vector is this close to the topic's.
    sentence_similarity: float = 0.35
    entries: int = 30  # the most relevant entries kept, then put in order of date
    copy_similarity: float = 0.9  # sentences this close, with the same numbers, are copies
    story: StoryConfig = field(default_factory=StoryConfig)


@dataclass(frozen=True)
class TimelineEntry:
    """A verbatim sentence that reports an event, dated, with every article it stands in.

    `date` is an ISO day, month or year: the date the sentence names (`dated_by` "text",
    `date_text` the words), or else its article's publication day ("published").
    """

    text: str
    date: str
    dated_by: DatedBy
    sources: tuple[Source, ...]
    date_text: str | None = None

    @property
    def spelled(self) -> str:
        """The date in words: "Monday 4 March 2024", "November 2023"."""
        return spell_date(self.date, self.date_text or "")

    def to_json(self) -> dict[str, Any]:
        """The `timeline --json` shape of an entry."""
        return {
            "date": self.date,
            "dated_by": self.dated_by,
            "date_text": self.date_text,
            "text": self.text,
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass(frozen=True)
class Timeline:
    """A topic's entries, oldest first, from the articles published in the window."""

    topic: str
    entries: tuple[TimelineEntry, ...]
    articles_searched: int
    since: dt.date | None = None
    as_of: dt.date | None = None
    latency_ms: float = field(default=0.0, compare=False)

    def to_json(self, limit: int | None = None) -> dict[str, Any]:
        """The `newsdesk timeline --json` object (the first `limit` entries, if given)."""
        return {
            "topic": self.topic,
            "since": self.since.isoformat() if self.since else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "articles_searched": self.articles_searched,
            "entries_total": len(self.entries),
            "entries": [e.to_json() for e in self.entries[:limit]],
            "latency_ms": round(self.latency_ms, 2),
        }


def make_timeline(
    index: OpenIndex,
    topic: str,
    *,
    embed: Embed,
    since: dt.date | None = None,
    as_of: dt.date | None = None,
    config: TimelineConfig | None = None,
) -> Timeline:
    """The timeline of `topic` over the articles published from `since` to `as_of` (either
    open): its most relevant event sentences, copies across articles made one entry with
    every source, in the order of their event dates, oldest first."""
    started = time.perf_counter()
    topic = check_topic(topic)
    config = config or TimelineConfig()
    allowed = _window(index, since, as_of)
    vector = np.asarray(embed(topic), dtype=np.float32)
    sentences = _about(index, topic, vector, allowed, config)
    found = [f for f in (date_event(index, s, r) for s, r in sentences) if f is not None]
    entries = _collapse(index, found, config)[: config.entries]
    entries.sort(key=lambda group: (group[0].start, _day(index, group[0]), group[0].sentence_id))
    searched = len(np.unique(index.chunk_rows[allowed, 0])) if allowed.any() else 0
    latency = (time.perf_counter() - started) * 1000
    return Timeline(
        topic, tuple(_entry(index, g) for g in entries), searched, since, as_of, latency
    )


def _window(index: OpenIndex, since: dt.date | None, as_of: dt.date | None) -> NDArray[np.bool_]:
    """The chunks of live articles published in the window (undated ones only without
    `since`: they may be older)."""
    allowed = index.chunk_live.copy()
    if since is not None:
        allowed &= index.chunk_day >= since.toordinal()
    if as_of is not None:
        allowed &= index.chunk_day <= as_of.toordinal()
    return allowed


def _about(
    index: OpenIndex,
    topic: str,
    vector: NDArray[np.float32],
    allowed: NDArray[np.bool_],
    config: TimelineConfig,
) -> list[tuple[int, float]]:
    """The sentences about the topic in the chunks both searches bring, with their relevance
    (closeness to the topic, plus the share of its words they hold), most relevant first."""
    dense, _ = index.dense_search(vector, config.chunks, allowed)
    lexical, _ = index.lexical_search(tokenize(topic), config.chunks, allowed)
    chunks = np.union1d(dense, lexical)
    articles = np.unique(index.chunk_rows[chunks, 0]) if len(chunks) else chunks
    relevant = _relevant_articles(index, articles, topic, vector, config)
    ids = sorted(
        {
            s
            for c in chunks.tolist()
            if index.chunk_article(c) in relevant
            for s in index.chunk_sentences(c)
        }
    )
    if not ids:
        return []
    closeness = np.asarray(index.sentence_vectors[np.array(ids)], dtype=np.float32) @ vector
    terms = SentenceTerms(index, tokenize(topic))
    wanted = max(len(set(tokenize(topic))), 1)
    scored = []
    for sentence_id, close in zip(ids, closeness.tolist(), strict=True):
        share = len(terms(sentence_id)) / wanted
        if share > 0 or close >= config.sentence_similarity:
            scored.append((sentence_id, close + share / 4))
    return sorted(scored, key=lambda pair: -pair[1])


def _relevant_articles(
    index: OpenIndex,
    articles: NDArray[np.int64],
    topic: str,
    vector: NDArray[np.float32],
    config: TimelineConfig,
) -> set[int]:
    """The articles among `articles` that are about the topic."""
    if not len(articles):
        return set()
    story = config.story
    close = article_vectors(index, articles, story.lead_chunks) @ vector
    terms = topic_terms(topic)
    return {
        int(a)
        for a, near in zip(articles.tolist(), close.tolist(), strict=True)
        if near >= config.article_similarity or covers_terms(index, a, terms, story.lead_sentences)
    }


def _day(index: OpenIndex, found: Event) -> int:
    return int(index.article_day[index.sentence_span(found.sentence_id)[0]])


def _collapse(index: OpenIndex, found: list[Event], config: TimelineConfig) -> list[list[Event]]:
    """The sentences grouped into copies, most relevant group first; each group's first
    member is its earliest published copy. Copies have the same words (one may add a few:
    "…,” his family said"), or vectors at least `copy_similarity` close and the same numbers.
    """
    groups: list[list[Event]] = []
    keys: list[tuple[str, frozenset[str], NDArray[np.float32]]] = []
    for item in sorted(found, key=lambda f: -f.relevance):
        text = index.sentence_text(item.sentence_id)
        key = " ".join(_WORDS.findall(text.casefold()))
        numbers = frozenset(_DIGITS.findall(text))
        vector = np.asarray(index.sentence_vectors[item.sentence_id], dtype=np.float32)
        vector = vector / (float(np.linalg.norm(vector)) or 1.0)
        for group, (other, other_numbers, other_vector) in zip(groups, keys, strict=True):
            close = float(vector @ other_vector) >= config.copy_similarity
            if _same_words(key, other) or (other_numbers == numbers and close):
                group.append(item)
                break
        else:
            groups.append([item])
            keys.append((key, numbers, vector))
    return [sorted(g, key=lambda f: (_day(index, f), f.sentence_id)) for g in groups]


def _same_words(one: str, other: str) -> bool:
    """Whether one sentence's words stand in the other's, making most of it."""
    short, long = sorted((one, other), key=len)
    return bool(short) and short in long and len(short) >= _COPY_SHARE * len(long)


def _entry(index: OpenIndex, group: list[Event]) -> TimelineEntry:
    """A group of copies as one entry, dated by its earliest published copy."""
    first = group[0]
    sources = tuple(source_of(index, *index.sentence_span(f.sentence_id)) for f in group)
    text = index.sentence_text(first.sentence_id).strip()
    return TimelineEntry(text, first.date, first.dated_by, sources, first.date_text)
