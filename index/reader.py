"""An opened index: the query-time view of one index folder (dense and lexical search, spans)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from index.dates import publication_date
from index.lexical import AppendedLexical
from index.store import (
    DATABASE,
    REMOVED_TABLE,
    ArticleRecord,
    Rows,
    read_faiss,
    read_index_data,
    read_lexical,
    read_manifest,
)
from kernel.errors import IndexFormatError

_HNSW_EF_SEARCH = 128
UNDATED = -1  # the day ordinal of an article without a publication date
_EXACT_BELOW = 8192  # a dense search over at most this many allowed chunks is exact


class OpenIndex:
    """A loaded index, read-only and safe to share between threads."""

    def __init__(self, folder: Path) -> None:
        data = read_index_data(folder)
        self.folder = folder
        self.version = folder.resolve().name
        self.manifest: dict[str, Any] = data.manifest
        self.articles: list[ArticleRecord] = data.articles
        self.chunk_rows = data.chunk_rows
        self.sentence_rows = data.sentence_rows
        self.sentence_vectors = data.sentence_vectors
        self.chunk_vectors = data.chunk_vectors
        self._sentence_terms = data.sentence_terms
        owners = data.sentence_rows[:, 0]
        first = np.searchsorted(owners, np.arange(len(data.articles)))
        # Position of each sentence within its article (0 = the lead sentence).
        self.sentence_position = np.arange(len(owners)) - first[owners] if len(owners) else owners
        # Articles replaced or removed by updates in place keep their rows until the next
        # full build; no search returns their chunks.
        self.article_removed: NDArray[np.bool_] = data.removed
        self.chunk_live: NDArray[np.bool_] = ~data.removed[data.chunk_rows[:, 0]]
        self._all_live = bool(self.chunk_live.all())
        self._base_chunks = data.base_chunks
        self._faiss = read_faiss(folder, data.base_chunks)
        if hasattr(self._faiss, "hnsw"):
            self._faiss.hnsw.efSearch = _HNSW_EF_SEARCH
        self._lexical = read_lexical(folder, data.base_chunks)
        self._appended = (
            AppendedLexical(self._lexical, data.delta_terms, float(self.manifest["bm25_avgdl"]))
            if data.delta_terms
            else None
        )
        # Publication days as date ordinals (UNDATED when unknown), parsed once here so a
        # question's as-of date and time window cost one comparison over an array.
        days = [publication_date(a.published) for a in data.articles]
        self.article_day: NDArray[np.int32] = np.array(
            [d.toordinal() if d else UNDATED for d in days], dtype=np.int32
        )
        self.chunk_day: NDArray[np.int32] = (
            self.article_day[data.chunk_rows[:, 0]]
            if len(data.chunk_rows)
            else np.zeros(0, np.int32)
        )

    @property
    def live_articles(self) -> list[ArticleRecord]:
        """The articles the index answers from (none replaced or removed), in order."""
        return [a for a, gone in zip(self.articles, self.article_removed, strict=True) if not gone]

    @property
    def n_undated(self) -> int:
        """How many articles have no publication date."""
        return int(np.count_nonzero((self.article_day == UNDATED) & ~self.article_removed))

    def published_on(self, article: int) -> dt.date | None:
        """The publication day of the article at position `article`, if it has one."""
        day = int(self.article_day[article])
        return None if day == UNDATED else dt.date.fromordinal(day)

    def chunks_until(self, as_of: dt.date) -> NDArray[np.bool_]:
        """Which chunks stand in articles published on or before `as_of`, or undated."""
        return (self.chunk_day <= as_of.toordinal()) & self.chunk_live

    def chunks_within(self, first: dt.date, last: dt.date) -> NDArray[np.bool_]:
        """Which chunks stand in articles published from `first` to `last`, both included."""
        within = (self.chunk_day >= first.toordinal()) & (self.chunk_day <= last.toordinal())
        return within & self.chunk_live

    @property
    def n_articles(self) -> int:
        """How many articles the index answers from."""
        return len(self.articles) - int(np.count_nonzero(self.article_removed))

    @property
    def n_chunks(self) -> int:
        """How many chunks the index answers from."""
        return int(np.count_nonzero(self.chunk_live))

    def _searchable(self, allowed: NDArray[np.bool_] | None) -> NDArray[np.bool_] | None:
        """`allowed` without the chunks of removed articles (None: every chunk)."""
        if allowed is None:
            return None if self._all_live else self.chunk_live
        return allowed if self._all_live else allowed & self.chunk_live

    def dense_search(
        self,
        question_vector: NDArray[np.float32],
        k: int,
        allowed: NDArray[np.bool_] | None = None,
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """The `k` chunks nearest the (normalised) question vector, with cosine scores.

        With `allowed` (a mask over the chunks), only those chunks are searched: FAISS skips
        the others while it searches, so `k` allowed chunks come back whenever there are.
        """
        allowed = self._searchable(allowed)
        if len(self.chunk_rows) == 0 or (allowed is not None and not allowed.any()):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        question_vector = question_vector.astype(np.float32).reshape(-1)
        base = self._base_chunks
        appended = np.arange(base, len(self.chunk_rows))
        if allowed is not None and np.count_nonzero(allowed) <= _EXACT_BELOW:
            # A few thousand allowed chunks (a week's articles) are scored exactly: faster
            # than a graph search that must step over all the others.
            return _top(np.flatnonzero(allowed), self.chunk_vectors, question_vector, k)
        ids, scores = self._faiss_search(
            question_vector, k, None if allowed is None else allowed[:base]
        )
        if len(appended):
            more = appended if allowed is None else appended[allowed[base:]]
            extra_ids, extra_scores = _top(more, self.chunk_vectors, question_vector, k)
            ids, scores = _merge(ids, scores, extra_ids, extra_scores, k)
        return ids, scores

    def _faiss_search(
        self, question_vector: NDArray[np.float32], k: int, allowed: NDArray[np.bool_] | None
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """The base build's FAISS search, over `allowed` of its chunks when given."""
        query = question_vector.reshape(1, -1)
        if self._base_chunks == 0 or (allowed is not None and not allowed.any()):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if allowed is None or allowed.all():
            scores, ids = self._faiss.search(query, min(k, self._base_chunks))
        else:
            bits = np.packbits(allowed, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bits))
            # faiss's bundled stubs lack the search parameters with a selector.
            params: Any
            if hasattr(self._faiss, "hnsw"):
                params = faiss.SearchParametersHNSW(  # type: ignore[attr-defined]
                    sel=selector, efSearch=_HNSW_EF_SEARCH
                )
            else:
                params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
            count = min(k, int(np.count_nonzero(allowed)))
            scores, ids = self._faiss.search(query, count, params=params)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)

    def lexical_search(
        self, tokens: list[str], k: int, allowed: NDArray[np.bool_] | None = None
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """The `k` best chunks by BM25 for already tokenized query terms (only `allowed`
        chunks, when given)."""
        allowed = self._searchable(allowed)
        base = self._base_chunks
        ids, scores = self._lexical.search(tokens, k, None if allowed is None else allowed[:base])
        if self._appended is not None:
            more, more_scores = self._appended.search(
                tokens, k, None if allowed is None else allowed[base:]
            )
            ids, scores = _merge(ids, scores, more + base, more_scores, k)
        return ids, scores

    def idf(self, term: str) -> float:
        """BM25 inverse document frequency of a stemmed term over the chunks."""
        return (self._appended or self._lexical).idf(term)

    def chunk_sentences(self, chunk_id: int) -> range:
        """Ids of the sentences that make up a chunk."""
        row = self.chunk_rows[chunk_id]
        return range(int(row[3]), int(row[4]) + 1)

    def chunk_article(self, chunk_id: int) -> int:
        """Position of a chunk's article in `articles`."""
        return int(self.chunk_rows[chunk_id][0])

    def sentence_span(self, sentence_id: int) -> tuple[int, int, int]:
        """(article position, char start, char end) of a sentence."""
        a, s, e = self.sentence_rows[sentence_id]
        return int(a), int(s), int(e)

    def sentence_text(self, sentence_id: int) -> str:
        """The verbatim text of a sentence."""
        a, s, e = self.sentence_span(sentence_id)
        return self.articles[a].text[s:e]

    def stored_terms(self, sentence_id: int) -> NDArray[np.uint64] | None:
        """The sentence's distinct term hashes (`term_hash`) as the build stored them; None
        for a sentence appended by an update in place, or an index from before they were
        stored (then tokenize its text)."""
        stored = self._sentence_terms
        if stored is None or sentence_id >= len(stored):
            return None
        return stored.of(sentence_id)

    def chunk_text(self, chunk_id: int) -> str:
        """The verbatim text of a chunk."""
        a, s, e = (int(x) for x in self.chunk_rows[chunk_id][:3])
        return self.articles[a].text[s:e]


def _top(
    ids: NDArray[np.int64],
    vectors: Rows,
    question_vector: NDArray[np.float32],
    k: int,
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """The `k` of `ids` whose vectors score highest against the question, exactly."""
    if not len(ids):
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    scores = np.asarray(vectors[ids], dtype=np.float32) @ question_vector
    top = np.argsort(-scores, kind="stable")[:k]
    return ids[top].astype(np.int64), scores[top].astype(np.float32)


def _merge(
    ids: NDArray[np.int64],
    scores: NDArray[np.float32],
    more_ids: NDArray[np.int64],
    more_scores: NDArray[np.float32],
    k: int,
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """The best `k` of two scored lists of distinct chunks, best first."""
    if not len(more_ids):
        return ids, scores
    all_ids = np.concatenate([ids, more_ids]).astype(np.int64)
    all_scores = np.concatenate([scores, more_scores]).astype(np.float32)
    top = np.argsort(-all_scores, kind="stable")[:k]
    return all_ids[top], all_scores[top]


def index_precision(manifest: dict[str, Any]) -> str:
    """The encoder precision an index was built with (indexes from before int8 say none)."""
    return str(manifest.get("precision", "fp32"))


def check_precision(folder: Path, manifest: dict[str, Any], precision: str) -> None:
    """Raise unless the index was built by the encoder of this precision.

    Raises:
        IndexFormatError: the index's vectors come from the other encoder.
    """
    built = index_precision(manifest)
    if built != precision:
        raise IndexFormatError(
            f"The index at {folder} was built with the {built} encoder, not {precision}; "
            f"run `newsdesk index build` to rebuild it with {precision}, "
            f"or set NEWSDESK_ENCODER={built}."
        )


def load_index(
    folder: Path,
    *,
    expected_fingerprint: str | None = None,
    expected_precision: str | None = None,
) -> OpenIndex:
    """Open the index in `folder`.

    Raises:
        IndexNotFound: there is no index.
        IndexFormatError: it is damaged, of another format, or built with another model or
            encoder precision.
    """
    # Follow the link to the build once, so a build swapped in meanwhile is never half-read.
    folder = folder.resolve() if folder.is_symlink() else folder
    manifest = read_manifest(folder)
    if expected_fingerprint and manifest.get("model_fingerprint") != expected_fingerprint:
        raise IndexFormatError(
            f"The index at {folder} was built with another model ({manifest.get('model')}); "
            "run `newsdesk index build` to rebuild it with the configured one."
        )
    if expected_precision:
        check_precision(folder, manifest, expected_precision)
    return OpenIndex(folder)


def index_size_bytes(folder: Path) -> int:
    """Bytes on disk of the index files."""
    root = folder.resolve()
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def article_chunk_counts(folder: Path) -> dict[str, int]:
    """How many chunks each article of the index in `folder` has, by article id.

    Raises:
        IndexNotFound, IndexFormatError: no readable index is there.
    """
    folder = folder.resolve() if folder.is_symlink() else folder
    manifest = read_manifest(folder)
    live = f"where a.article_idx not in (select article_idx from {REMOVED_TABLE}) "
    try:
        conn = sqlite3.connect(f"file:{folder / DATABASE}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "select a.article_id, count(c.chunk_id) from articles a "
                "left join chunks c on c.article_idx = a.article_idx "
                f"{live if 'delta' in manifest else ''}group by a.article_idx"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise IndexFormatError(f"The index at {folder} is damaged ({exc}).") from exc
    return {str(article_id): int(count) for article_id, count in rows}
