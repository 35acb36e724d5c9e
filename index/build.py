"""Building an index from a corpus folder: incremental, atomic, and honest about skipped files."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from index.chunking import chunk_sentences, segment
from index.cleaning import clean_body
from index.embedder import Embedder
from index.errors import CorpusNotFound, IndexFormatError, IndexNotFound, NewsdeskError
from index.lexical import LexicalIndex, tokenize
from index.loaders import RawArticle, SkippedFile, iter_corpus_files, load_file
from index.store import (
    BM25_DIR,
    CHUNK_VECTORS,
    DATABASE,
    FORMAT_VERSION,
    MANIFEST,
    SENTENCE_VECTORS,
    VECTORS,
    ArticleRecord,
    IndexData,
    choose_faiss_index,
    read_index_data,
    write_index,
)

log = logging.getLogger(__name__)

CLEANER_VERSION = 2
ProgressFn = Callable[[str, int, int], None]
_EMBED_SLICE = 256


@dataclass(frozen=True)
class BuildOptions:
    """How to cut and store an index."""

    chunk_tokens: int = 128
    overlap_tokens: int = 32
    ann_threshold: int = 50_000
    rebuild: bool = False


@dataclass(frozen=True)
class BuildSummary:
    """What a build did."""

    added: int
    updated: int
    unchanged: int
    removed: int
    skipped: tuple[SkippedFile, ...]
    articles: int
    chunks: int
    sentences: int
    embedded_chunks: int
    seconds: float
    index_type: str
    notes: tuple[str, ...] = field(default=())

    @property
    def chunks_per_second(self) -> float:
        """Chunks embedded per second of the whole build."""
        return self.embedded_chunks / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _Prepared:
    record: ArticleRecord
    sentences: list[tuple[int, int]]
    chunks: list[tuple[int, int, int, int]]  # start, end, first and last sentence (local)
    chunk_vectors: NDArray[np.float32] | None = None
    sentence_vectors: NDArray[np.float16] | None = None


def _content_hash(raw: RawArticle, options: BuildOptions) -> str:
    fields = {k: v for k, v in asdict(raw).items() if k != "path"}
    fields["_cleaner"] = CLEANER_VERSION
    fields["_chunking"] = [options.chunk_tokens, options.overlap_tokens]
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def _prepare(raw: RawArticle, digest: str, embedder: Embedder, options: BuildOptions) -> _Prepared:
    cleaned = clean_body(raw.body, raw.title)
    fields = {k: v for k, v in asdict(raw).items() if k not in ("body", "agency")}
    record = ArticleRecord(
        **fields, text=cleaned.text, content_hash=digest, agency=raw.agency or cleaned.agency
    )
    spans, sizes = segment(
        cleaned.text, max_tokens=options.chunk_tokens, count=embedder.count_tokens
    )
    chunks = chunk_sentences(
        spans, sizes, max_tokens=options.chunk_tokens, overlap_tokens=options.overlap_tokens
    )
    return _Prepared(
        record,
        [(s.start, s.end) for s in spans],
        [(c.start, c.end, c.first_sentence, c.last_sentence) for c in chunks],
    )


def _embed(items: list[_Prepared], embedder: Embedder, progress: ProgressFn | None) -> None:
    """Embed every chunk of `items`, and every sentence through its chunk, in one pass."""
    jobs = [(i, c) for i, item in enumerate(items) for c in range(len(item.chunks))]
    chunk_vectors = [np.zeros((len(it.chunks), embedder.dim), np.float32) for it in items]
    sentence_sums = [np.zeros((len(it.sentences), embedder.dim), np.float32) for it in items]

    def text_of(job: tuple[int, int]) -> str:
        item, (start, end, _, _) = items[job[0]], items[job[0]].chunks[job[1]]
        return item.record.text[start:end]

    jobs.sort(key=lambda job: len(text_of(job)))
    for begin in range(0, len(jobs), _EMBED_SLICE):
        part = jobs[begin : begin + _EMBED_SLICE]
        texts, spans = [], []
        for i, c in part:
            start, _, first, last = items[i].chunks[c]
            texts.append(text_of((i, c)))
            spans.append([(s - start, e - start) for s, e in items[i].sentences[first : last + 1]])
        vectors, span_vectors = embedder.embed_with_spans(texts, spans)
        for (i, c), vector, sent_vecs in zip(part, vectors, span_vectors, strict=True):
            chunk_vectors[i][c] = vector
            first = items[i].chunks[c][2]
            sentence_sums[i][first : first + len(sent_vecs)] += sent_vecs
        if progress:
            progress("embedding", min(begin + _EMBED_SLICE, len(jobs)), len(jobs))
    for item, cv, sums in zip(items, chunk_vectors, sentence_sums, strict=True):
        norms = np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        item.chunk_vectors = cv
        item.sentence_vectors = (sums / norms).astype(np.float16)


def _previous(
    index_dir: Path, embedder: Embedder, options: BuildOptions
) -> tuple[dict[str, _Prepared], list[str]]:
    """Reusable articles of the index now serving, by article id, and notes on why not."""
    if options.rebuild:
        return {}, []
    try:
        old = read_index_data(index_dir)
    except IndexNotFound:
        return {}, []
    except IndexFormatError as exc:
        return {}, [f"The existing index could not be reused ({exc}); re-embedding everything."]
    manifest = old.manifest
    if manifest.get("model_fingerprint") != embedder.fingerprint:
        return {}, [
            f"The model changed ({manifest.get('model')} → {embedder.name}); "
            "re-embedding every article so vectors are never mixed."
        ]
    reusable: dict[str, _Prepared] = {}
    chunk_owner = old.chunk_rows[:, 0]
    sentence_owner = old.sentence_rows[:, 0]
    for idx, record in enumerate(old.articles):
        c0, c1 = np.searchsorted(chunk_owner, [idx, idx + 1])
        s0, s1 = np.searchsorted(sentence_owner, [idx, idx + 1])
        chunks = [
            (int(a), int(b), int(f) - s0, int(t) - s0) for _, a, b, f, t in old.chunk_rows[c0:c1]
        ]
        reusable[record.article_id] = _Prepared(
            record,
            [(int(a), int(b)) for _, a, b in old.sentence_rows[s0:s1]],
            chunks,
            np.array(old.chunk_vectors[c0:c1], dtype=np.float32),
            np.array(old.sentence_vectors[s0:s1], dtype=np.float16),
        )
    return reusable, []


@contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(index_dir.parent / f".{index_dir.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _builds_dir(index_dir: Path) -> Path:
    return index_dir.parent / f".{index_dir.name}.builds"


_INDEX_PARTS = frozenset(
    {MANIFEST, VECTORS, CHUNK_VECTORS, SENTENCE_VECTORS, DATABASE, BM25_DIR}
    | {f"{DATABASE}{suffix}" for suffix in ("-wal", "-shm", "-journal")}
)
_BUILD_PREFIXES = ("build-", "tmp-", "moved-")


def check_index_target(index_dir: Path) -> None:
    """Refuse an index path that holds anything but a newsdesk index (or nothing).

    A build replaces what is at `index_dir`; only an index it can recognise may go, so a
    mistyped `--index` (the corpus, a home folder, a file) is refused and left untouched.

    Raises:
        NewsdeskError: something other than a newsdesk index is there.
    """
    refuse = (
        f"{index_dir} is not a newsdesk index"
        " ({why}); the build was stopped and nothing there was changed. "
        "Choose an empty or new folder with --index or NEWSDESK_INDEX_DIR."
    )
    if index_dir.is_symlink():
        target = index_dir.resolve()
        if target.parent != _builds_dir(index_dir).resolve() and not _is_index_folder(target):
            raise NewsdeskError(refuse.format(why=f"a link to {target}"))
        return
    if not index_dir.exists():
        return
    if not index_dir.is_dir():
        raise NewsdeskError(refuse.format(why="it is a file"))
    if any(index_dir.iterdir()) and not _is_index_folder(index_dir):
        raise NewsdeskError(refuse.format(why="it holds other files"))


def _is_index_folder(folder: Path) -> bool:
    """Whether `folder` holds a manifest of ours and nothing but index parts."""
    try:
        names = {path.name for path in folder.iterdir()}
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    ours = isinstance(manifest, dict) and {"format_version", "model_fingerprint"} <= set(manifest)
    return ours and names <= _INDEX_PARTS


def _swap_in(index_dir: Path, new_dir: Path) -> Path | None:
    """Point `index_dir` at `new_dir` in one atomic rename of a symlink.

    Returns the folder that served before, if any.
    """
    check_index_target(index_dir)  # again, under the lock: it may have changed since
    previous = None
    if index_dir.is_symlink():
        previous = index_dir.resolve()
    elif index_dir.is_dir() and not any(index_dir.iterdir()):
        index_dir.rmdir()
    elif index_dir.exists():
        # An index folder from elsewhere: move it among the builds, then link.
        previous = _builds_dir(index_dir) / f"moved-{time.time_ns()}"
        index_dir.rename(previous)
    link = index_dir.parent / f".{index_dir.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(new_dir.relative_to(index_dir.parent))
    os.replace(link, index_dir)
    return previous


def _prune(index_dir: Path, keep: Path, previous: Path | None) -> None:
    """Remove older builds and leftovers of killed ones, keeping the current and previous.

    The previous build stays for readers that still have it open; other builds of ours in
    the builds folder (half-written `tmp-` folders, builds never swapped in) and link files
    left by a killed swap go; anything else there is left alone. The caller holds the build
    lock, so none of it is in use.
    """
    wanted = {keep.resolve(), previous.resolve() if previous else None}
    for path in _builds_dir(index_dir).iterdir():
        ours = path.name.startswith(_BUILD_PREFIXES) and not path.is_symlink()
        if ours and path.resolve() not in wanted:
            shutil.rmtree(path, ignore_errors=True)
    for link in index_dir.parent.glob(f".{index_dir.name}.link-*"):
        if link.is_symlink():
            link.unlink(missing_ok=True)


def _load_corpus(corpus_dir: Path) -> tuple[list[RawArticle], list[SkippedFile]]:
    if not corpus_dir.is_dir():
        raise CorpusNotFound(
            f"The corpus folder {corpus_dir} does not exist; create it or set NEWSDESK_CORPUS_DIR."
        )
    skipped: list[SkippedFile] = []
    seen: dict[str, str] = {}
    articles = []
    for path in iter_corpus_files(corpus_dir, skipped):
        for raw in load_file(path, skipped):
            if raw.article_id in seen:
                reason = (
                    f"duplicate article id {raw.article_id!r} (first in {seen[raw.article_id]})"
                )
                skipped.append(SkippedFile(raw.path, reason))
                continue
            seen[raw.article_id] = raw.path
            articles.append(raw)
    if not articles:
        # An empty index would replace the one serving: a wrong --corpus must lose nothing.
        why = (
            f"no file could be read (first: {skipped[0].path}: {skipped[0].reason})"
            if skipped
            else "it holds no .txt, .md, .html or .jsonl files"
        )
        raise CorpusNotFound(
            f"Nothing to index in {corpus_dir}: {why}; the index was left as it was."
        )
    return articles, skipped


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    options: BuildOptions | None = None,
    progress: ProgressFn | None = None,
) -> BuildSummary:
    """Build or update the index at `index_dir` from the articles in `corpus_dir`.

    Unchanged articles keep their stored vectors; the new index is written beside the old
    one and swapped in at the end, so a build that dies leaves the old index serving.

    Raises:
        CorpusNotFound: the corpus folder is missing or holds no readable article.
        NewsdeskError: the index folder cannot be written.
    """
    options = options or BuildOptions()
    if not 8 <= options.chunk_tokens <= embedder.max_tokens - 2:
        raise NewsdeskError(f"Chunk size must be 8 to {embedder.max_tokens - 2} tokens.")
    started = time.perf_counter()
    check_index_target(index_dir)  # before reading the corpus: a swapped --index fails fast
    raws, skipped = _load_corpus(corpus_dir)
    try:
        with _build_lock(index_dir):
            return _build_locked(raws, skipped, index_dir, embedder, options, progress, started)
    except OSError as exc:
        # Reading the old index turns its own errors into IndexFormatError, so what is
        # left here is the index folder (or its parent) that cannot be created or written.
        raise NewsdeskError(
            f"Cannot write the index at {index_dir}: {exc.strerror or exc}; "
            "choose another folder with --index or NEWSDESK_INDEX_DIR."
        ) from exc


def _build_locked(
    raws: list[RawArticle],
    skipped: list[SkippedFile],
    index_dir: Path,
    embedder: Embedder,
    options: BuildOptions,
    progress: ProgressFn | None,
    started: float,
) -> BuildSummary:
    reusable, notes = _previous(index_dir, embedder, options)
    items: list[_Prepared] = []
    fresh: list[_Prepared] = []
    added = updated = unchanged = 0
    for n, raw in enumerate(raws, start=1):
        digest = _content_hash(raw, options)
        old = reusable.get(raw.article_id)
        if old is not None and old.record.content_hash == digest:
            items.append(
                _Prepared(
                    replace(old.record, path=raw.path),
                    old.sentences,
                    old.chunks,
                    old.chunk_vectors,
                    old.sentence_vectors,
                )
            )
            unchanged += 1
        else:
            item = _prepare(raw, digest, embedder, options)
            if not item.chunks:
                skipped.append(
                    SkippedFile(raw.path, f"{raw.article_id}: no text left after cleaning")
                )
                continue
            items.append(item)
            fresh.append(item)
            updated, added = (updated + 1, added) if old else (updated, added + 1)
        if progress and n % 200 == 0:
            progress("reading", n, len(raws))
    removed = len(set(reusable) - {item.record.article_id for item in items})
    _embed(fresh, embedder, progress)
    data = _assemble(items, embedder, options, skipped)
    chunk_tokens = [tokenize(data.articles[int(r[0])].text[r[1] : r[2]]) for r in data.chunk_rows]
    lexical = LexicalIndex.build(chunk_tokens)
    faiss_index, kind = choose_faiss_index(data.chunk_vectors, ann_threshold=options.ann_threshold)
    data.manifest["index_type"] = kind
    builds = _builds_dir(index_dir)
    builds.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    work = builds / f"tmp-{stamp}-{os.getpid()}"
    seconds = time.perf_counter() - started
    data.manifest["build_seconds"] = round(seconds, 3)
    write_index(work, data, lexical, faiss_index)
    final = builds / f"build-{stamp}"
    work.rename(final)
    previous = _swap_in(index_dir, final)
    _prune(index_dir, final, previous)
    return BuildSummary(
        added=added,
        updated=updated,
        unchanged=unchanged,
        removed=removed,
        skipped=tuple(skipped),
        articles=len(items),
        chunks=len(data.chunk_rows),
        sentences=len(data.sentence_rows),
        embedded_chunks=sum(len(i.chunks) for i in fresh),
        seconds=time.perf_counter() - started,
        index_type=kind,
        notes=tuple(notes),
    )


def _assemble(
    items: list[_Prepared], embedder: Embedder, options: BuildOptions, skipped: list[SkippedFile]
) -> IndexData:
    chunk_rows: list[tuple[int, int, int, int, int]] = []
    sentence_rows: list[tuple[int, int, int]] = []
    for idx, item in enumerate(items):
        base = len(sentence_rows)
        sentence_rows.extend((idx, s, e) for s, e in item.sentences)
        chunk_rows.extend((idx, s, e, base + f, base + t) for s, e, f, t in item.chunks)
    dim = embedder.dim
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": embedder.name,
        "model_fingerprint": embedder.fingerprint,
        "dimension": dim,
        "chunk_tokens": options.chunk_tokens,
        "overlap_tokens": options.overlap_tokens,
        "counts": {
            "articles": len(items),
            "chunks": len(chunk_rows),
            "sentences": len(sentence_rows),
            "skipped_files": len(skipped),
        },
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    return IndexData(
        manifest=manifest,
        articles=[item.record for item in items],
        chunk_rows=np.array(chunk_rows, dtype=np.int64).reshape(-1, 5),
        sentence_rows=np.array(sentence_rows, dtype=np.int64).reshape(-1, 3),
        chunk_vectors=np.concatenate(
            [i.chunk_vectors for i in items if i.chunk_vectors is not None]
            or [np.zeros((0, dim), np.float32)]
        ),
        sentence_vectors=np.concatenate(
            [i.sentence_vectors for i in items if i.sentence_vectors is not None]
            or [np.zeros((0, dim), np.float16)]
        ),
    )
