"""The build's stream of articles: read and split on a worker thread, embedded in windows.

Articles flow in corpus order. A worker thread cleans, splits, chunks and tokenizes each new
or changed one (or takes an unchanged one from the index now serving) while the model
embeds the window before; each window is then written to the new index folder and
dropped, so memory holds a window of vectors, not the corpus's.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from index.chunking import chunk_sentences, segment
from index.cleaning import clean_body
from index.embedder import Embedder
from index.lexical import term_hashes, tokenize
from index.loaders import RawArticle, SkippedFile
from index.prefetch import prefetch
from index.store import ArticleRecord, IndexData
from index.writer import IndexWriter

CLEANER_VERSION = 2
ProgressFn = Callable[[str, int, int], None]
# Chunks embedded together: sorted by length inside the window, so batches pad little;
# progress is reported after each window.
WINDOW_CHUNKS = 256
_PREFETCH_ARTICLES = 64
_READING_STEP = 10


@dataclass
class Prepared:
    """One article ready to write: spans, chunks, BM25 terms, each sentence's term hashes and
    (once embedded) vectors."""

    record: ArticleRecord
    sentences: list[tuple[int, int]]
    chunks: list[tuple[int, int, int, int]]  # start, end, first and last sentence (local)
    terms: list[list[str]] = field(default_factory=list)
    chunk_vectors: NDArray[np.float32] | None = None
    sentence_vectors: NDArray[np.float16] | None = None
    sentence_terms: list[NDArray[np.uint64]] = field(default_factory=list)


@dataclass
class StreamCounts:
    """What the stream has seen so far; read by the main thread while the worker counts."""

    total: int
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    fresh_chunks: int = 0
    embedded_chunks: int = 0
    chunk_terms: list[list[str]] = field(default_factory=list)
    article_chunks: dict[str, int] = field(default_factory=dict)  # chunks written, by article

    def expected_fresh_chunks(self) -> int:
        """Chunks to embed in all, extrapolated from the articles read so far."""
        if self.read >= self.total or not self.read:
            return self.fresh_chunks
        return max(self.fresh_chunks, round(self.fresh_chunks * self.total / self.read))


def content_hash(raw: RawArticle, chunk_tokens: int, overlap_tokens: int) -> str:
    """What decides whether an article must be embedded again."""
    fields_ = {k: v for k, v in asdict(raw).items() if k != "path"}
    fields_["_cleaner"] = CLEANER_VERSION
    fields_["_chunking"] = [chunk_tokens, overlap_tokens]
    return hashlib.sha256(json.dumps(fields_, sort_keys=True).encode()).hexdigest()


def _terms(text: str, chunks: list[tuple[int, int, int, int]]) -> list[list[str]]:
    # Interned: a corpus repeats its words, and each copy of a string costs ~50 bytes.
    return [[sys.intern(t) for t in tokenize(text[s:e])] for s, e, _, _ in chunks]


def prepare(
    raw: RawArticle, digest: str, embedder: Embedder, *, chunk_tokens: int, overlap_tokens: int
) -> Prepared:
    """Clean, split and chunk one article (no model pass: only its tokenizer counts)."""
    cleaned = clean_body(raw.body, raw.title)
    fields_ = {k: v for k, v in asdict(raw).items() if k not in ("body", "agency")}
    record = ArticleRecord(
        **fields_, text=cleaned.text, content_hash=digest, agency=raw.agency or cleaned.agency
    )
    spans, sizes = segment(cleaned.text, max_tokens=chunk_tokens, count=embedder.count_tokens)
    chunks = chunk_sentences(spans, sizes, max_tokens=chunk_tokens, overlap_tokens=overlap_tokens)
    rows = [(c.start, c.end, c.first_sentence, c.last_sentence) for c in chunks]
    return Prepared(
        record,
        [(s.start, s.end) for s in spans],
        rows,
        _terms(cleaned.text, rows),
        sentence_terms=[term_hashes(cleaned.text[s.start : s.end]) for s in spans],
    )


class PreviousIndex:
    """The index now serving, for taking unchanged articles' rows and vectors from."""

    def __init__(self, data: IndexData) -> None:
        self._data = data
        self.positions = {
            a.article_id: i for i, a in enumerate(data.articles) if not data.removed[i]
        }
        self._chunk_owner = data.chunk_rows[:, 0]
        self._sentence_owner = data.sentence_rows[:, 0]

    def take(self, article_id: str, digest: str, path: str) -> Prepared | None:
        """The stored article if its content hash is `digest`, else None."""
        idx = self.positions.get(article_id)
        if idx is None or self._data.articles[idx].content_hash != digest:
            return None
        data = self._data
        c0, c1 = (int(x) for x in np.searchsorted(self._chunk_owner, [idx, idx + 1]))
        s0, s1 = (int(x) for x in np.searchsorted(self._sentence_owner, [idx, idx + 1]))
        record = replace(data.articles[idx], path=path)
        chunks = [
            (int(a), int(b), int(f) - s0, int(t) - s0) for _, a, b, f, t in data.chunk_rows[c0:c1]
        ]
        sentences = [(int(a), int(b)) for _, a, b in data.sentence_rows[s0:s1]]
        stored = data.sentence_terms
        if stored is not None and s1 <= len(stored):
            sentence_terms = [np.array(stored.of(i)) for i in range(s0, s1)]
        else:  # an appended article, or an index from before terms were stored
            sentence_terms = [term_hashes(record.text[a:b]) for a, b in sentences]
        return Prepared(
            record,
            sentences,
            chunks,
            _terms(record.text, chunks),
            np.asarray(data.chunk_vectors[c0:c1], dtype=np.float32),
            np.asarray(data.sentence_vectors[s0:s1], dtype=np.float16),
            sentence_terms,
        )


@dataclass(frozen=True)
class StreamSettings:
    """How to cut articles, and what to report to."""

    chunk_tokens: int
    overlap_tokens: int
    progress: ProgressFn | None = None


def _read(
    raws: list[RawArticle],
    previous: PreviousIndex | None,
    embedder: Embedder,
    settings: StreamSettings,
    counts: StreamCounts,
    skipped: list[SkippedFile],
) -> Iterator[Prepared]:
    """Each article prepared or taken from the previous index, in corpus order."""
    for raw in raws:
        digest = content_hash(raw, settings.chunk_tokens, settings.overlap_tokens)
        old = previous.take(raw.article_id, digest, raw.path) if previous else None
        counts.read += 1
        if old is not None:
            counts.unchanged += 1
            item = old
        else:
            item = prepare(
                raw,
                digest,
                embedder,
                chunk_tokens=settings.chunk_tokens,
                overlap_tokens=settings.overlap_tokens,
            )
            if not item.chunks:
                skipped.append(
                    SkippedFile(raw.path, f"{raw.article_id}: no text left after cleaning")
                )
            elif previous is not None and raw.article_id in previous.positions:
                counts.updated += 1
            else:
                counts.added += 1
            counts.fresh_chunks += len(item.chunks)
        if settings.progress and (counts.read % _READING_STEP == 0 or counts.read == counts.total):
            settings.progress("reading", counts.read, counts.total)
        if item.chunks:
            yield item


def embed_window(items: list[Prepared], embedder: Embedder) -> int:
    """Embed the chunks of the items that have no vectors, and their sentences, in one pass.

    Returns:
        How many chunks were embedded.
    """
    fresh = [item for item in items if item.chunk_vectors is None]
    texts: list[str] = []
    spans: list[list[tuple[int, int]]] = []
    for item in fresh:
        for start, end, first, last in item.chunks:
            texts.append(item.record.text[start:end])
            spans.append([(s - start, e - start) for s, e in item.sentences[first : last + 1]])
    if not texts:
        return 0
    vectors, span_vectors = embedder.embed_with_spans(texts, spans)
    row = 0
    for item in fresh:
        sums = np.zeros((len(item.sentences), embedder.dim), np.float32)
        for _, _, first, _ in item.chunks:
            sent = span_vectors[row]
            sums[first : first + len(sent)] += sent
            row += 1
        item.chunk_vectors = vectors[row - len(item.chunks) : row]
        norms = np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        item.sentence_vectors = (sums / norms).astype(np.float16)
    return len(texts)


def stream_articles(
    raws: list[RawArticle],
    previous: PreviousIndex | None,
    embedder: Embedder,
    writer: IndexWriter,
    settings: StreamSettings,
    skipped: list[SkippedFile],
) -> StreamCounts:
    """Prepare, embed and write every article; the BM25 terms are kept in the counts."""
    counts = StreamCounts(total=len(raws))
    window: list[Prepared] = []
    pending = 0

    def flush() -> None:
        if settings.progress and counts.fresh_chunks:  # the bar shows before the first pass
            settings.progress("embedding", counts.embedded_chunks, counts.expected_fresh_chunks())
        counts.embedded_chunks += embed_window(window, embedder)
        for item in window:
            assert item.chunk_vectors is not None and item.sentence_vectors is not None
            writer.add_article(
                item.record,
                item.sentences,
                item.chunks,
                item.chunk_vectors,
                item.sentence_vectors,
                item.sentence_terms,
            )
            counts.chunk_terms.extend(item.terms)
            counts.article_chunks[item.record.article_id] = len(item.chunks)
        window.clear()
        if settings.progress and counts.fresh_chunks:
            settings.progress("embedding", counts.embedded_chunks, counts.expected_fresh_chunks())

    stream = _read(raws, previous, embedder, settings, counts, skipped)
    for item in prefetch(stream, _PREFETCH_ARTICLES):
        window.append(item)
        pending += len(item.chunks) if item.chunk_vectors is None else 0
        if pending >= WINDOW_CHUNKS or len(window) >= WINDOW_CHUNKS:
            flush()
            pending = 0
    flush()
    return counts
