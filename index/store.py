"""The on-disk index: one folder of FAISS vectors, BM25, and SQLite rows; writing and loading it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from index.lexical import LexicalIndex
from kernel.errors import IndexFormatError, IndexNotFound

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
CHUNK_VECTORS = "chunk_vectors.npy"
SENTENCE_VECTORS = "sentence_vectors.npy"
# Each base sentence's distinct term hashes (index/lexical.py, `term_hash`), sentence after
# sentence, and how many each has: a question reads which of its terms a sentence holds
# instead of tokenizing the sentence again.
SENTENCE_TERMS = "sentence_terms.npy"
SENTENCE_TERM_COUNTS = "sentence_term_counts.npy"
DATABASE = "chunks.db"
BM25_DIR = "bm25"
# An update in place: the chunks of new and changed articles, appended after the base
# build's rows, and the articles they replace or that left the corpus, marked removed.
DELTA_CHUNK_VECTORS = "delta_chunk_vectors.npy"
DELTA_SENTENCE_VECTORS = "delta_sentence_vectors.npy"
DELTA_TERMS = "delta_terms.json"
REMOVED_TABLE = "removed_articles"
_ADD_BLOCK = 4096


@dataclass(frozen=True)
class ArticleRecord:
    """An indexed article: its metadata and its cleaned text."""

    article_id: str
    path: str
    text: str
    content_hash: str
    title: str | None = None
    outlet: str | None = None
    agency: str | None = None
    published: str | None = None
    url: str | None = None
    category: str | None = None


class StackedRows:
    """The rows of a base array (often a memory map) followed by those of a small one.

    Indexing by an int, a slice or an array of row numbers reads from both as if they were
    one array, without copying the base.
    """

    def __init__(self, base: NDArray[Any], extra: NDArray[Any]) -> None:
        self.base, self.extra = base, extra
        self.split = len(base)
        self.shape = (len(base) + len(extra), *base.shape[1:])
        self.dtype = base.dtype

    def __len__(self) -> int:
        return int(self.shape[0])

    def __getitem__(self, key: Any) -> Any:  # noqa: ANN401 (numpy's own indexing types)
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step == 1 and stop <= self.split:
                return self.base[start:stop]
            if step == 1 and start >= self.split:
                return self.extra[start - self.split : stop - self.split]
            return self[np.arange(start, stop, step)]
        if isinstance(key, int | np.integer):
            row = int(key) + len(self) if key < 0 else int(key)
            return self.base[row] if row < self.split else self.extra[row - self.split]
        rows = np.asarray(key, dtype=np.int64)
        out = np.empty((len(rows), *self.shape[1:]), dtype=self.dtype)
        low = rows < self.split
        out[low] = self.base[rows[low]]
        out[~low] = self.extra[rows[~low] - self.split]
        return out

    def __array__(self, dtype: Any = None, copy: Any = None) -> NDArray[Any]:  # noqa: ANN401
        joined = np.concatenate([np.asarray(self.base), self.extra])
        return joined if dtype is None else joined.astype(dtype)


Rows = NDArray[Any] | StackedRows


@dataclass(frozen=True)
class TermRows:
    """The stored term hashes of the base build's sentences: sentence `i`'s are
    `hashes[offsets[i]:offsets[i + 1]]`."""

    hashes: NDArray[np.uint64]
    offsets: NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def of(self, sentence_id: int) -> NDArray[np.uint64]:
        """The term hashes of one stored sentence."""
        return self.hashes[self.offsets[sentence_id] : self.offsets[sentence_id + 1]]


@dataclass
class IndexData:
    """Everything an index folder holds, in memory; rows are in article order.

    After updates in place, the rows of the base build come first and the appended ones
    after them; `removed` marks the articles (by position) that no longer count.
    """

    manifest: dict[str, Any]
    articles: list[ArticleRecord]
    chunk_rows: NDArray[np.int64]  # article_idx, start, end, first_sentence, last_sentence
    sentence_rows: NDArray[np.int64]  # article_idx, start, end
    chunk_vectors: Rows
    sentence_vectors: Rows
    removed: NDArray[np.bool_]
    delta_terms: list[list[str]]  # BM25 terms of the appended chunks
    sentence_terms: TermRows | None = None  # the base sentences' terms, where stored

    @property
    def base_chunks(self) -> int:
        """How many chunks the base build's FAISS and BM25 parts hold."""
        return len(self.chunk_rows) - len(self.delta_terms)


def row_counts(manifest: dict[str, Any]) -> dict[str, int]:
    """Rows stored of articles, chunks and sentences, removed ones included."""
    rows = manifest.get("rows") or manifest.get("counts") or {}
    return {name: int(rows.get(name, -1)) for name in ("articles", "chunks", "sentences")}


def choose_faiss_index(
    vectors: NDArray[np.float32],
    *,
    ann_threshold: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[Any, str]:
    """Exact inner product below `ann_threshold` vectors, HNSW above it.

    Vectors are added in blocks (they may be a memory map of the file being built);
    `progress` hears how many are in after each block.
    """
    dim = vectors.shape[1]
    faiss_index: Any
    if len(vectors) < ann_threshold:
        faiss_index = faiss.IndexFlatIP(dim)
        kind = "flat-ip"
    else:
        faiss_index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        faiss_index.hnsw.efConstruction = 80
        kind = "hnsw32"
    for begin in range(0, len(vectors), _ADD_BLOCK):
        block = vectors[begin : begin + _ADD_BLOCK]
        faiss_index.add(np.ascontiguousarray(block, dtype=np.float32))
        if progress:
            progress(begin + len(block))
    return faiss_index, kind


def write_faiss(faiss_index: Any, folder: Path) -> None:  # noqa: ANN401 (faiss has no type stubs)
    """Write the FAISS index into the index folder being built."""
    faiss.write_index(faiss_index, str(folder / VECTORS))


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the index in `folder`.

    Raises:
        IndexNotFound: no index is there.
        IndexFormatError: the manifest is unreadable or of another format version.
    """
    path = folder / MANIFEST
    if not path.is_file():
        raise IndexNotFound(f"No index found at {folder}; run `newsdesk index build` first.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexFormatError(
            f"The index manifest at {path} is damaged; run `newsdesk index build --rebuild`."
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        raise IndexFormatError(
            f"The index at {folder} has another format version; "
            "run `newsdesk index build --rebuild`."
        )
    wrong = [name for name, kind in _MANIFEST_FIELDS.items() if not _is(manifest.get(name), kind)]
    if "delta" in manifest:
        rows = manifest.get("rows")
        if not isinstance(rows, dict) or not isinstance(manifest["delta"], dict):
            wrong.append("rows")
        else:
            wrong += [f"rows.{n}" for n in _COUNTS[:3] if not _is(rows.get(n), int)]
    counts = manifest.get("counts")
    if isinstance(counts, dict):
        wrong += [f"counts.{n}" for n in _COUNTS if not _is(counts.get(n), int)]
    if wrong:
        raise IndexFormatError(
            f"The index manifest at {path} is damaged ({', '.join(wrong)} missing or of the "
            "wrong type); run `newsdesk index build --rebuild`."
        )
    return manifest


_MANIFEST_FIELDS: dict[str, type | tuple[type, ...]] = {
    "model": str,
    "model_fingerprint": str,
    "dimension": int,
    "chunk_tokens": int,
    "overlap_tokens": int,
    "counts": dict,
    "built_at": str,
    "index_type": str,
    "build_seconds": (int, float),
}
_COUNTS = ("articles", "chunks", "sentences", "skipped_files")


def _is(value: object, kind: type | tuple[type, ...]) -> bool:
    return isinstance(value, kind) and not isinstance(value, bool)


def _damaged(folder: Path, what: str) -> IndexFormatError:
    return IndexFormatError(
        f"The index at {folder} is damaged ({what}); run `newsdesk index build --rebuild`."
    )


def read_index_data(folder: Path) -> IndexData:
    """Read every part of the index in `folder` and check that the parts agree."""
    manifest = read_manifest(folder)
    try:
        conn = sqlite3.connect(f"file:{folder / DATABASE}?mode=ro", uri=True)
        try:
            columns = ", ".join(ArticleRecord.__dataclass_fields__)
            articles = [
                ArticleRecord(*row)
                for row in conn.execute(f"select {columns} from articles order by article_idx")
            ]
            chunk_rows = np.array(
                conn.execute(
                    "select article_idx, char_start, char_end, first_sentence, last_sentence "
                    "from chunks order by chunk_id"
                ).fetchall(),
                dtype=np.int64,
            ).reshape(-1, 5)
            sentence_rows = np.array(
                conn.execute(
                    "select article_idx, char_start, char_end from sentences order by sentence_id"
                ).fetchall(),
                dtype=np.int64,
            ).reshape(-1, 3)
            removed = np.zeros(len(articles), dtype=bool)
            if "delta" in manifest:
                gone = [r[0] for r in conn.execute(f"select article_idx from {REMOVED_TABLE}")]
                removed[np.asarray(gone, dtype=np.int64)] = True
        finally:
            conn.close()
        base_chunk_vectors = np.load(folder / CHUNK_VECTORS, mmap_mode="r")
        base_sentence_vectors = np.load(folder / SENTENCE_VECTORS, mmap_mode="r")
        chunk_vectors: Rows = base_chunk_vectors
        sentence_vectors: Rows = base_sentence_vectors
        delta_terms: list[list[str]] = []
        if "delta" in manifest:
            chunk_vectors = StackedRows(base_chunk_vectors, np.load(folder / DELTA_CHUNK_VECTORS))
            sentence_vectors = StackedRows(
                base_sentence_vectors, np.load(folder / DELTA_SENTENCE_VECTORS)
            )
            delta_terms = json.loads((folder / DELTA_TERMS).read_text(encoding="utf-8"))
        sentence_terms = read_term_rows(folder, len(base_sentence_vectors))
    except (sqlite3.Error, OSError, ValueError, IndexError) as exc:
        raise _damaged(folder, type(exc).__name__) from exc
    rows = row_counts(manifest)
    if (
        len(chunk_rows) != rows["chunks"]
        or len(sentence_rows) != rows["sentences"]
        or len(articles) != rows["articles"]
        or chunk_vectors.shape[0] != len(chunk_rows)
        or sentence_vectors.shape[0] != len(sentence_rows)
        or not isinstance(delta_terms, list)
        or len(delta_terms) > len(chunk_rows)
    ):
        raise _damaged(folder, "row and vector counts differ from the manifest")
    return IndexData(
        manifest,
        articles,
        chunk_rows,
        sentence_rows,
        chunk_vectors,
        sentence_vectors,
        removed,
        delta_terms,
        sentence_terms,
    )


def read_term_rows(folder: Path, sentences: int) -> TermRows | None:
    """The stored sentence terms of `folder`'s base build (None for an index built before
    they were stored), checked to cover its `sentences` base sentences."""
    if not (folder / SENTENCE_TERMS).is_file():
        return None
    counts = np.load(folder / SENTENCE_TERM_COUNTS).reshape(-1)
    offsets = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
    hashes = np.load(folder / SENTENCE_TERMS, mmap_mode="r").reshape(-1)
    if len(counts) != sentences or offsets[-1] != len(hashes) or hashes.dtype != np.uint64:
        raise _damaged(folder, "the sentence terms differ from the sentence rows")
    return TermRows(hashes, offsets)


def read_faiss(folder: Path, expected: int) -> Any:  # noqa: ANN401 (faiss has no type stubs)
    """The FAISS index of `folder`, checked to hold `expected` vectors."""
    try:
        faiss_index = faiss.read_index(str(folder / VECTORS))
    except RuntimeError as exc:
        raise _damaged(folder, "vectors.faiss unreadable") from exc
    if faiss_index.ntotal != expected:
        raise _damaged(folder, "vector count differs from the chunk rows")
    return faiss_index


def read_lexical(folder: Path, n_docs: int) -> LexicalIndex:
    """The BM25 index of `folder`."""
    try:
        return LexicalIndex.load(folder / BM25_DIR, n_docs)
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise _damaged(folder, "bm25 unreadable") from exc
