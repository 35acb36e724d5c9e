"""Stories: the articles of a time window grouped by the event they report (scikit-learn)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import AgglomerativeClustering  # type: ignore[import-untyped]

from index import OpenIndex, term_hash, tokenize

_WORD = re.compile(r"\w+")
_TERMINAL = re.compile(r"[.!”\"'’)]\s*$")


@dataclass(frozen=True)
class StoryConfig:
    """How articles are grouped into stories and how a story's quote is chosen.

    The grouping defaults are tuned on the articles of one day of the RealTimeQA archive
    and checked on days held out (bench/eval_grouping.py, README "Speed and quality").
    """

    # Two groups of articles join while the average cosine distance between their articles
    # stays under this (average linkage): the middle of the run of thresholds that grouped
    # the tuning day best.
    threshold: float = 0.525
    # An article's vector is the mean of its first chunks' vectors: its lead says what it
    # reports, its tail wanders (background, related stories, reader comments). One chunk
    # (about 128 tokens) grouped the tuning day as well as two or more.
    lead_chunks: int = 1
    # A story's quote is one of the first sentences of its articles (a news lead) ...
    lead_sentences: int = 6
    # ... the one closest to the story's centre, each position down costing this much.
    position_cost: float = 0.02
    # A quote is a whole statement: this many words at least, and at most.
    min_words: int = 8
    max_words: int = 70
    # A story is about a topic when all the topic's terms stand in an article's title or lead,
    # or the topic's vector is this close to one of its articles'.
    topic_similarity: float = 0.5
    topic_words: bool = True  # off: the topic's vector alone decides


def window_articles(index: OpenIndex, first: dt.date, last: dt.date) -> NDArray[np.int64]:
    """Positions of the live articles published from `first` to `last`, both included."""
    days = index.article_day
    inside = (days >= first.toordinal()) & (days <= last.toordinal()) & ~index.article_removed
    return np.flatnonzero(inside).astype(np.int64)


def _first_rows(owners: NDArray[np.int64], articles: NDArray[np.int64]) -> NDArray[np.int64]:
    """The first row of each of `articles` among rows sorted by their owner article."""
    return np.searchsorted(owners, articles).astype(np.int64)


def article_vectors(
    index: OpenIndex, articles: NDArray[np.int64], lead_chunks: int
) -> NDArray[np.float32]:
    """Each article's vector: the normalised mean of its first `lead_chunks` chunk vectors."""
    dim = int(index.manifest["dimension"])
    if not len(articles):
        return np.zeros((0, dim), np.float32)
    owners = index.chunk_rows[:, 0]
    start = _first_rows(owners, articles)
    end = _first_rows(owners, articles + 1)
    counts = np.minimum(end - start, lead_chunks)
    rows = np.repeat(start, counts) + _offsets(counts)
    vectors = np.asarray(index.chunk_vectors[rows], dtype=np.float32)
    sums = np.zeros((len(articles), dim), np.float32)
    np.add.at(sums, np.repeat(np.arange(len(articles)), counts), vectors)
    return _normalised(sums)


def _offsets(counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """0, 1, ..., n-1 for each n of `counts`, concatenated."""
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return (np.arange(total) - starts).astype(np.int64)


def _normalised(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def group_articles(vectors: NDArray[np.float32], threshold: float) -> list[NDArray[np.int64]]:
    """Groups of rows of `vectors` (normalised) that report one story, by agglomerative
    clustering on cosine distance with average linkage, cut at `threshold`."""
    if len(vectors) < 2:
        return [np.arange(len(vectors), dtype=np.int64)] if len(vectors) else []
    distances = np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0).astype(np.float64)
    np.fill_diagonal(distances, 0.0)
    clustering = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    labels = np.asarray(clustering.fit_predict(distances), dtype=np.int64)
    return [np.flatnonzero(labels == label).astype(np.int64) for label in np.unique(labels)]


def lead_sentences(index: OpenIndex, article: int, count: int) -> range:
    """Ids of the first `count` sentences of an article."""
    owners = index.sentence_rows[:, 0]
    first = int(np.searchsorted(owners, article))
    last = int(np.searchsorted(owners, article + 1))
    return range(first, min(last, first + count))


def is_statement(text: str, config: StoryConfig) -> bool:
    """Whether a sentence reads as a whole statement: enough words, not too many, not a
    question, ending as a sentence ends."""
    n_words = len(_WORD.findall(text))
    if not config.min_words <= n_words <= config.max_words:
        return False
    return not text.rstrip().endswith("?") and bool(_TERMINAL.search(text))


def best_lead(
    index: OpenIndex, article: int, centre: NDArray[np.float32], config: StoryConfig
) -> tuple[int, float] | None:
    """The article's lead sentence closest to `centre`, early ones preferred, with its
    score; None when none of its first sentences is a whole statement."""
    ids = [
        s
        for s in lead_sentences(index, article, config.lead_sentences)
        if is_statement(index.sentence_text(s), config)
    ]
    if not ids:
        return None
    vectors = np.asarray(index.sentence_vectors[np.array(ids)], dtype=np.float32)
    positions = np.asarray(index.sentence_position[np.array(ids)], dtype=np.float32)
    scores = _normalised(vectors) @ centre - config.position_cost * positions
    best = int(np.argmax(scores))
    return ids[best], float(scores[best])


def story_centre(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """The normalised mean of a story's article vectors."""
    centre: NDArray[np.float32] = _normalised(vectors.mean(axis=0, keepdims=True))[0]
    return centre


def topic_terms(topic: str) -> tuple[int, ...]:
    """The `term_hash`es of a topic's stemmed content words."""
    return tuple(sorted({term_hash(t) for t in tokenize(topic)}))


def covers_terms(index: OpenIndex, article: int, terms: tuple[int, ...], count: int) -> bool:
    """Whether every one of `terms` stands in the article's title or its first sentences."""
    if not terms:
        return False
    record = index.articles[article]
    found = {term_hash(t) for t in tokenize(record.title or "")}
    for sentence_id in lead_sentences(index, article, count):
        stored = index.stored_terms(sentence_id)
        if stored is None:
            found.update(term_hash(t) for t in tokenize(index.sentence_text(sentence_id)))
        else:
            found.update(stored.tolist())
    return all(t in found for t in terms)
