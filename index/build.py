"""Building an index from a corpus folder: incremental, atomic, and honest about skipped files."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import resource
import shutil
import time
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import Embedder
from index.lexical import LexicalIndex, average_length
from index.loaders import RawArticle, SkippedFile, display_path, iter_corpus_files, load_file
from index.pipeline import PreviousIndex, ProgressFn, StreamSettings, stream_articles
from index.reader import index_precision
from index.store import (
    BM25_DIR,
    CHUNK_VECTORS,
    DATABASE,
    DELTA_CHUNK_VECTORS,
    DELTA_SENTENCE_VECTORS,
    DELTA_TERMS,
    FORMAT_VERSION,
    MANIFEST,
    SENTENCE_TERM_COUNTS,
    SENTENCE_TERMS,
    SENTENCE_VECTORS,
    VECTORS,
    choose_faiss_index,
    read_index_data,
    write_faiss,
)
from index.update import UpdateResult, apply_update, part_sizes, plan_update
from index.writer import IndexWriter
from kernel.errors import CorpusNotFound, IndexFormatError, IndexNotFound, NewsdeskError

log = logging.getLogger(__name__)


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
    peak_memory_bytes: int = 0  # the most resident memory of the building process
    # Chunks of each article this build embedded or wrote, by article id (an update in place
    # names only its new and changed articles; a full build names every article).
    article_chunks: Mapping[str, int] = field(default_factory=dict)

    @property
    def chunks_per_second(self) -> float:
        """Chunks embedded per second of the whole build."""
        return self.embedded_chunks / self.seconds if self.seconds > 0 else 0.0


def _previous(
    index_dir: Path, embedder: Embedder, options: BuildOptions
) -> tuple[PreviousIndex | None, list[str]]:
    """The index now serving, if its vectors can be reused, and notes on why not."""
    if options.rebuild:
        return None, []
    try:
        old = read_index_data(index_dir)
    except IndexNotFound:
        return None, []
    except IndexFormatError as exc:
        return None, [f"The existing index could not be reused ({exc}); re-embedding everything."]
    manifest = old.manifest
    if manifest.get("model_fingerprint") != embedder.fingerprint:
        return None, [
            f"The model changed ({manifest.get('model')} → {embedder.name}); "
            "re-embedding every article so vectors are never mixed."
        ]
    if index_precision(manifest) != embedder.precision:
        return None, [
            f"The encoder changed ({index_precision(manifest)} → {embedder.precision}); "
            "re-embedding every article so vectors are never mixed."
        ]
    return PreviousIndex(old), []


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
    | {SENTENCE_TERMS, SENTENCE_TERM_COUNTS}
    | {DELTA_CHUNK_VECTORS, DELTA_SENTENCE_VECTORS, DELTA_TERMS}
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
    *,
    changed: Collection[Path] | None = None,
) -> BuildSummary:
    """Build or update the index at `index_dir` from the articles in `corpus_dir`.

    Unchanged articles keep their stored vectors; the new index is written beside the old
    one and swapped in at the end, so a build that dies leaves the old index serving.
    `changed` names the only files that changed since the serving build (written, rewritten
    or deleted): then only they are read, unless the change needs a full build.

    Raises:
        CorpusNotFound: the corpus folder is missing or holds no readable article.
        NewsdeskError: the index folder cannot be written.
    """
    options = options or BuildOptions()
    if not 8 <= options.chunk_tokens <= embedder.max_tokens - 2:
        raise NewsdeskError(f"Chunk size must be 8 to {embedder.max_tokens - 2} tokens.")
    started = time.perf_counter()
    check_index_target(index_dir)  # before reading the corpus: a swapped --index fails fast
    try:
        if changed is not None and not options.rebuild and _inside(corpus_dir, changed):
            update = _load_paths(changed)
            with _build_lock(index_dir):
                summary = _update_in_place(
                    *update, index_dir, embedder, options, progress, started, only=changed
                )
            if summary is not None:
                return summary
        raws, skipped = _load_corpus(corpus_dir)
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
    if not options.rebuild:
        summary = _update_in_place(raws, skipped, index_dir, embedder, options, progress, started)
        if summary is not None:
            return summary
    previous, notes = _previous(index_dir, embedder, options)
    work = _work_folder(index_dir)
    settings = StreamSettings(options.chunk_tokens, options.overlap_tokens, progress)
    with IndexWriter(work, embedder.dim) as writer:
        counts = stream_articles(raws, previous, embedder, writer, settings, skipped)
        kept = {raw.article_id for raw in raws}
        removed = len(set(previous.positions) - kept) if previous else 0
        del previous  # the old index's rows and texts are no longer needed
        writer.close_vectors()
        avgdl = average_length(counts.chunk_terms)
        chunks, kind = _write_search_parts(work, counts.chunk_terms, options, progress)
        counts.chunk_terms = []
        manifest = _manifest(embedder, options, writer, chunks, len(skipped), kind)
        manifest["bm25_avgdl"] = avgdl
        manifest["part_bytes"] = part_sizes(work)
        manifest["build_seconds"] = round(time.perf_counter() - started, 3)
        writer.finish(manifest)
    if progress:
        progress("writing", 1, 1)
    _publish(index_dir, work)
    return BuildSummary(
        added=counts.added,
        updated=counts.updated,
        unchanged=counts.unchanged,
        removed=removed,
        skipped=tuple(skipped),
        articles=writer.articles,
        chunks=chunks,
        sentences=writer.sentence_vectors.rows,
        embedded_chunks=counts.embedded_chunks,
        seconds=time.perf_counter() - started,
        index_type=kind,
        notes=tuple(notes),
        peak_memory_bytes=peak_memory_bytes(),
        article_chunks=counts.article_chunks,
    )


def _inside(corpus_dir: Path, paths: Collection[Path]) -> bool:
    """Whether every path is an article file the corpus scan would read."""
    root = os.path.abspath(corpus_dir)
    return all(
        os.path.abspath(path).startswith(root + os.sep)
        and not any(part.startswith(".") for part in path.parts)
        and path.suffix.lower() in (".md", ".txt", ".html", ".htm", ".jsonl")
        for path in paths
    )


def _load_paths(paths: Collection[Path]) -> tuple[list[RawArticle], list[SkippedFile]]:
    """The articles of the files that still exist among `paths`."""
    skipped: list[SkippedFile] = []
    raws = [raw for path in paths if path.is_file() for raw in load_file(path, skipped)]
    return raws, skipped


def _update_in_place(
    raws: list[RawArticle],
    skipped: list[SkippedFile],
    index_dir: Path,
    embedder: Embedder,
    options: BuildOptions,
    progress: ProgressFn | None,
    started: float,
    *,
    only: Collection[Path] | None = None,
) -> BuildSummary | None:
    """Apply a small change to the serving index in place (see index.update); None when a
    full build is needed. With `only`, `raws` are the articles of those files alone."""
    chunking = (options.chunk_tokens, options.overlap_tokens)
    paths = None if only is None else frozenset(display_path(path) for path in only)
    plan = plan_update(raws, index_dir, embedder, chunking, only=paths)
    if plan is None:
        return None
    counts = plan.manifest["counts"]
    if plan.changes_nothing and counts["skipped_files"] == len(skipped) + plan.skipped_elsewhere:
        result = UpdateResult(
            0, 0, 0, counts["articles"], counts["chunks"], counts["sentences"], 0, {}
        )
    else:
        work = _work_folder(index_dir)
        settings = StreamSettings(options.chunk_tokens, options.overlap_tokens, progress)
        kept = list(skipped)
        update = apply_update(plan, work, embedder, settings, kept, started)
        if update is None:
            return None
        result, skipped[:] = update, kept
        _publish(index_dir, work)
    if progress:
        progress("reading", len(raws), len(raws))
    return BuildSummary(
        added=result.added,
        updated=result.updated,
        unchanged=plan.unchanged,
        removed=result.removed,
        skipped=tuple(skipped),
        articles=result.articles,
        chunks=result.chunks,
        sentences=result.sentences,
        embedded_chunks=result.embedded_chunks,
        seconds=time.perf_counter() - started,
        index_type=str(plan.manifest["index_type"]),
        peak_memory_bytes=peak_memory_bytes(),
        article_chunks=result.article_chunks,
    )


def _work_folder(index_dir: Path) -> Path:
    """A new folder among the builds to write a build into (`tmp-` until published)."""
    builds = _builds_dir(index_dir)
    builds.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    return builds / f"tmp-{stamp}-{os.getpid()}"


def _publish(index_dir: Path, work: Path) -> None:
    """Rename a finished work folder to its build name, swap it in and prune older builds."""
    final = work.with_name(f"build-{work.name.split('-')[1]}")
    work.rename(final)
    _prune(index_dir, final, _swap_in(index_dir, final))


def _write_search_parts(
    work: Path, chunk_terms: list[list[str]], options: BuildOptions, progress: ProgressFn | None
) -> tuple[int, str]:
    """BM25 over the chunks' terms and FAISS over the streamed chunk vectors, into `work`."""
    chunks = len(chunk_terms)
    if progress:
        progress("bm25", 0, chunks)
    lexical = LexicalIndex.build(chunk_terms)
    lexical.save(work / BM25_DIR)
    del lexical
    if progress:
        progress("bm25", chunks, chunks)
    vectors = np.load(work / CHUNK_VECTORS, mmap_mode="r")

    def vectors_added(done: int) -> None:
        if progress:
            progress("vectors", done, chunks)

    faiss_index, kind = choose_faiss_index(
        vectors, ann_threshold=options.ann_threshold, progress=vectors_added
    )
    if progress:
        progress("writing", 0, 1)
    write_faiss(faiss_index, work)
    return chunks, kind


def _manifest(
    embedder: Embedder,
    options: BuildOptions,
    writer: IndexWriter,
    chunks: int,
    skipped: int,
    kind: str,
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "model": embedder.name,
        "model_fingerprint": embedder.fingerprint,
        "precision": embedder.precision,
        "dimension": embedder.dim,
        "chunk_tokens": options.chunk_tokens,
        "overlap_tokens": options.overlap_tokens,
        "counts": {
            "articles": writer.articles,
            "chunks": chunks,
            "sentences": writer.sentence_vectors.rows,
            "skipped_files": skipped,
        },
        "index_type": kind,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def peak_memory_bytes() -> int:
    """The most memory this process has held resident so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
