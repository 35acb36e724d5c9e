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

from index.errors import IndexFormatError, IndexNotFound
from index.lexical import LexicalIndex

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
CHUNK_VECTORS = "chunk_vectors.npy"
SENTENCE_VECTORS = "sentence_vectors.npy"
DATABASE = "chunks.db"
BM25_DIR = "bm25"
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


@dataclass
class IndexData:
    """Everything an index folder holds, in memory; rows are in article order."""

    manifest: dict[str, Any]
    articles: list[ArticleRecord]
    chunk_rows: NDArray[np.int64]  # article_idx, start, end, first_sentence, last_sentence
    sentence_rows: NDArray[np.int64]  # article_idx, start, end
    chunk_vectors: NDArray[np.float32]
    sentence_vectors: NDArray[np.float16]


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
        finally:
            conn.close()
        chunk_vectors = np.load(folder / CHUNK_VECTORS, mmap_mode="r")
        sentence_vectors = np.load(folder / SENTENCE_VECTORS, mmap_mode="r")
    except (sqlite3.Error, OSError, ValueError) as exc:
        raise _damaged(folder, type(exc).__name__) from exc
    counts = manifest.get("counts", {})
    if (
        len(chunk_rows) != counts.get("chunks")
        or len(sentence_rows) != counts.get("sentences")
        or len(articles) != counts.get("articles")
        or chunk_vectors.shape[0] != len(chunk_rows)
        or sentence_vectors.shape[0] != len(sentence_rows)
    ):
        raise _damaged(folder, "row and vector counts differ from the manifest")
    return IndexData(manifest, articles, chunk_rows, sentence_rows, chunk_vectors, sentence_vectors)


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
