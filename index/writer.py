"""Writing an index folder while it is built: vectors streamed to disk, rows into SQLite."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import astuple, fields
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from index.store import (
    CHUNK_VECTORS,
    DATABASE,
    MANIFEST,
    SENTENCE_TERM_COUNTS,
    SENTENCE_TERMS,
    SENTENCE_VECTORS,
    ArticleRecord,
)

_NPY_HEADER_BYTES = 128  # room for any shape; numpy reads a header of any padded length


class NpyAppender:
    """A 2-D .npy file written row block by row block; the header is fixed up on close."""

    def __init__(self, path: Path, dim: int, dtype: type[np.generic]) -> None:
        self.path, self.dim, self.dtype = path, dim, np.dtype(dtype)
        self.rows = 0
        self._handle: BinaryIO = path.open("wb")
        self._handle.write(b"\0" * _NPY_HEADER_BYTES)

    def append(self, block: NDArray[Any]) -> None:
        """Write rows (any count, the file's width) at the end."""
        block = np.ascontiguousarray(block, dtype=self.dtype).reshape(-1, self.dim)
        self._handle.write(block.tobytes())
        self.rows += len(block)

    def close(self) -> None:
        """Write the real header and close the file."""
        header = {"descr": self.dtype.str, "fortran_order": False, "shape": (self.rows, self.dim)}
        text = repr(header).encode("latin1")
        room = _NPY_HEADER_BYTES - 10  # magic (6), version (2), header length (2)
        text = text + b" " * (room - len(text) - 1) + b"\n"
        self._handle.seek(0)
        self._handle.write(b"\x93NUMPY\x01\x00" + room.to_bytes(2, "little") + text)
        self._handle.close()


_ARTICLE_COLUMNS = ["article_idx", *(f.name for f in fields(ArticleRecord))]
_SCHEMA = f"""
create table articles ({", ".join(_ARTICLE_COLUMNS)}, primary key (article_idx));
create table chunks (
    chunk_id integer primary key, article_idx integer, char_start integer, char_end integer,
    first_sentence integer, last_sentence integer
);
create table sentences (
    sentence_id integer primary key, article_idx integer, char_start integer, char_end integer
);
create table manifest (key text primary key, value text);
"""


def insert_article(
    db: sqlite3.Connection,
    numbers: tuple[int, int, int],
    record: ArticleRecord,
    sentences: list[tuple[int, int]],
    chunks: list[tuple[int, int, int, int]],
) -> None:
    """Insert an article's row, sentences and chunks; `numbers` are its article position
    and the ids its first sentence and first chunk take."""
    idx, base, first_chunk = numbers
    placeholders = ", ".join("?" * len(_ARTICLE_COLUMNS))
    db.execute(f"insert into articles values ({placeholders})", (idx, *astuple(record)))
    db.executemany(
        "insert into sentences values (?, ?, ?, ?)",
        [(base + n, idx, s, e) for n, (s, e) in enumerate(sentences)],
    )
    db.executemany(
        "insert into chunks values (?, ?, ?, ?, ?, ?)",
        [(first_chunk + n, idx, s, e, base + f, base + t) for n, (s, e, f, t) in enumerate(chunks)],
    )


class IndexWriter:
    """The parts of a new index folder, written article by article in final order.

    Chunk ids and sentence ids are the running row numbers, so they match the rows of the
    vector files. `finish` writes the manifest last: a folder without one is incomplete.
    """

    def __init__(self, folder: Path, dim: int) -> None:
        folder.mkdir(parents=True)
        self.folder = folder
        self.chunk_vectors = NpyAppender(folder / CHUNK_VECTORS, dim, np.float32)
        self.sentence_vectors = NpyAppender(folder / SENTENCE_VECTORS, dim, np.float16)
        self.sentence_terms = NpyAppender(folder / SENTENCE_TERMS, 1, np.uint64)
        self.sentence_term_counts = NpyAppender(folder / SENTENCE_TERM_COUNTS, 1, np.uint32)
        self._db = sqlite3.connect(folder / DATABASE)
        self._db.execute("pragma journal_mode = off")
        self._db.execute("pragma synchronous = off")
        self._db.executescript(_SCHEMA)
        self.articles = 0

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._db.close()
        for appender in self._appenders():
            if not appender._handle.closed:
                appender._handle.close()

    def add_article(
        self,
        record: ArticleRecord,
        sentences: list[tuple[int, int]],
        chunks: list[tuple[int, int, int, int]],
        chunk_vectors: NDArray[np.float32],
        sentence_vectors: NDArray[Any],
        sentence_terms: list[NDArray[np.uint64]],
    ) -> None:
        """Append one article: its row, its sentences and chunks (local sentence numbers),
        their vectors and each sentence's term hashes."""
        insert_article(
            self._db,
            (self.articles, self.sentence_vectors.rows, self.chunk_vectors.rows),
            record,
            sentences,
            chunks,
        )
        self.chunk_vectors.append(chunk_vectors)
        self.sentence_vectors.append(sentence_vectors)
        if sentence_terms:
            self.sentence_terms.append(np.concatenate(sentence_terms))
        self.sentence_term_counts.append(np.array([len(t) for t in sentence_terms]))
        self.articles += 1

    def _appenders(self) -> tuple[NpyAppender, ...]:
        return (
            self.chunk_vectors,
            self.sentence_vectors,
            self.sentence_terms,
            self.sentence_term_counts,
        )

    def close_vectors(self) -> None:
        """Finish the vector and term files (they can be memory-mapped from then on)."""
        for appender in self._appenders():
            appender.close()

    def finish(self, manifest: dict[str, Any]) -> None:
        """Commit the rows and write the manifest."""
        self._db.executemany(
            "insert into manifest values (?, ?)", [(k, json.dumps(v)) for k, v in manifest.items()]
        )
        self._db.commit()
        self._db.close()
        text = json.dumps(manifest, indent=2) + "\n"
        (self.folder / MANIFEST).write_text(text, encoding="utf-8")
