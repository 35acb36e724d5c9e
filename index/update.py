"""Updating an index in place: new and changed articles appended, replaced ones masked.

A build that changes a few articles of a large index does not re-read, re-index and
re-write the whole of it. The new build folder shares the serving build's FAISS, BM25 and
vector files (hard links: nothing is copied, and they are never written again), copies its
SQLite rows, and adds the appended part:

- the new and changed articles' rows, after the existing ones;
- their chunk and sentence vectors (`delta_*_vectors.npy`) and BM25 terms (`delta_terms.json`),
  searched exactly and scored with the base's BM25 statistics;
- the articles that were replaced or left the corpus, in the `removed_articles` table, so
  that no search returns their chunks.

Once the appended and removed chunks pass `MAX_APPENDED_SHARE` of the base's, the next
build is a full one (unchanged articles keep their vectors), which folds them in.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import Embedder
from index.loaders import RawArticle, SkippedFile
from index.pipeline import (
    WINDOW_CHUNKS,
    Prepared,
    ProgressFn,
    StreamSettings,
    content_hash,
    embed_window,
    prepare,
)
from index.reader import index_precision
from index.store import (
    BM25_DIR,
    CHUNK_VECTORS,
    DATABASE,
    DELTA_CHUNK_VECTORS,
    DELTA_SENTENCE_VECTORS,
    DELTA_TERMS,
    MANIFEST,
    REMOVED_TABLE,
    SENTENCE_TERM_COUNTS,
    SENTENCE_TERMS,
    SENTENCE_VECTORS,
    VECTORS,
    read_manifest,
    row_counts,
)
from index.writer import insert_article
from kernel.errors import IndexFormatError, IndexNotFound

# Appended plus removed chunks, as a share of the base build's, beyond which a full build
# folds them in: appended chunks are searched exactly and removed ones still cost memory.
MAX_APPENDED_SHARE = 0.10
_SHARED_PARTS = (VECTORS, CHUNK_VECTORS, SENTENCE_VECTORS, SENTENCE_TERMS, SENTENCE_TERM_COUNTS)


@dataclass(frozen=True)
class UpdatePlan:
    """What an update in place would change, worked out from the rows alone."""

    serving: Path
    manifest: dict[str, Any]
    fresh: list[tuple[RawArticle, str]]  # new or changed articles, with their content hash
    removed: list[int]  # positions of the articles replaced or gone
    removed_before: frozenset[int]  # positions marked removed by earlier updates
    moved: list[tuple[int, str]]  # unchanged articles now read from another file
    unchanged: int
    replacing: frozenset[str]  # ids of the fresh articles that replace stored ones
    skipped_elsewhere: int = 0  # files skipped before, not read again (an update of some paths)

    @property
    def changes_nothing(self) -> bool:
        """Whether the index already holds exactly these articles."""
        return not (self.fresh or self.removed or self.moved)


def plan_update(
    raws: list[RawArticle],
    index_dir: Path,
    embedder: Embedder,
    chunking: tuple[int, int],
    *,
    only: frozenset[str] | None = None,
) -> UpdatePlan | None:
    """How to bring the index at `index_dir` up to `raws` in place, or None when it can't be.

    With `only` (the paths of the files that changed), `raws` are the articles of those files
    and every stored article from another file stays as it is; an article whose file is among
    `only` but not in `raws` is removed.

    None means a full build: no index, one of another model, encoder or chunking, one from
    before updates in place (no BM25 mean length recorded), or (with `only`) an article id
    that a changed file shares with an unchanged one.
    """
    serving = index_dir.resolve()
    try:
        manifest = read_manifest(serving)
    except (IndexNotFound, IndexFormatError):
        return None
    if (
        manifest.get("model_fingerprint") != embedder.fingerprint
        or index_precision(manifest) != embedder.precision
        or (manifest.get("chunk_tokens"), manifest.get("overlap_tokens")) != chunking
        or not isinstance(manifest.get("bm25_avgdl"), int | float)
        or not parts_intact(serving, manifest)
    ):
        return None
    try:
        conn = sqlite3.connect(f"file:{serving / DATABASE}?mode=ro", uri=True)
        try:
            rows = conn.execute("select article_idx, article_id, content_hash, path from articles")
            stored = {r[1]: (int(r[0]), str(r[2]), str(r[3])) for r in rows}
            gone: frozenset[int] = frozenset()
            if "delta" in manifest:
                gone = frozenset(int(r[0]) for r in conn.execute(f"select * from {REMOVED_TABLE}"))
                stored = {k: v for k, v in stored.items() if v[0] not in gone}
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    fresh, moved, unchanged = [], [], 0
    if only is not None:
        elsewhere = {k for k, (_, _, path) in stored.items() if path not in only}
        if any(
            raw.article_id in elsewhere and stored[raw.article_id][2] != raw.path for raw in raws
        ):
            return None
        unchanged = len(elsewhere - {raw.article_id for raw in raws})
    for raw in raws:
        digest = content_hash(raw, *chunking)
        old = stored.get(raw.article_id)
        if old is not None and old[1] == digest:
            unchanged += 1
            if old[2] != raw.path:
                moved.append((old[0], raw.path))
            continue
        fresh.append((raw, digest))
    kept = {raw.article_id for raw in raws}
    if only is not None:
        kept |= {k for k, (_, _, path) in stored.items() if path not in only}
    removed = [idx for article_id, (idx, digest, _) in stored.items() if article_id not in kept]
    removed += [stored[raw.article_id][0] for raw, _ in fresh if raw.article_id in stored]
    replacing = frozenset(raw.article_id for raw, _ in fresh if raw.article_id in stored)
    skipped_before = int(manifest["counts"].get("skipped_files", 0)) if only is not None else 0
    return UpdatePlan(
        serving,
        manifest,
        fresh,
        sorted(removed),
        gone,
        moved,
        unchanged,
        replacing,
        skipped_before,
    )


def part_sizes(folder: Path) -> dict[str, int]:
    """Bytes of each part an update in place shares, by its path in the index folder."""
    paths = [folder / name for name in _SHARED_PARTS] + sorted((folder / BM25_DIR).iterdir())
    return {str(path.relative_to(folder)): path.stat().st_size for path in paths}


def parts_intact(folder: Path, manifest: dict[str, Any]) -> bool:
    """Whether the shared parts have the sizes the full build recorded, and the appended
    parts load and agree with the rows: a damaged index is never shared or kept."""
    try:
        if part_sizes(folder) != manifest.get("part_bytes"):
            return False
        if "delta" not in manifest:
            return True
        rows = row_counts(manifest)
        delta = manifest["delta"]
        chunks = np.load(folder / DELTA_CHUNK_VECTORS, mmap_mode="r")
        sentences = np.load(folder / DELTA_SENTENCE_VECTORS, mmap_mode="r")
        terms = json.loads((folder / DELTA_TERMS).read_text(encoding="utf-8"))
        base = np.load(folder / CHUNK_VECTORS, mmap_mode="r")
    except (OSError, ValueError, TypeError, KeyError):
        return False
    return (
        len(chunks) == len(terms) == delta.get("chunks")
        and len(sentences) == delta.get("sentences")
        and len(base) + len(chunks) == rows["chunks"]
    )


@dataclass(frozen=True)
class UpdateResult:
    """What an update in place changed, and the counts of the index it leaves."""

    added: int
    updated: int
    removed: int
    articles: int
    chunks: int
    sentences: int
    embedded_chunks: int
    article_chunks: dict[str, int]  # chunks written, by article, for the new and changed ones


def apply_update(
    plan: UpdatePlan,
    work: Path,
    embedder: Embedder,
    settings: StreamSettings,
    skipped: list[SkippedFile],
    started: float,
) -> UpdateResult | None:
    """Write the updated index into the new folder `work`; None (with nothing written and
    `skipped` untouched) when the appended and removed chunks would pass
    `MAX_APPENDED_SHARE` of the base's."""
    items = [
        prepare(
            raw,
            digest,
            embedder,
            chunk_tokens=settings.chunk_tokens,
            overlap_tokens=settings.overlap_tokens,
        )
        for raw, digest in plan.fresh
    ]
    empty = [
        SkippedFile(raw.path, f"{raw.article_id}: no text left after cleaning")
        for (raw, _), item in zip(plan.fresh, items, strict=True)
        if not item.chunks
    ]
    items = [item for item in items if item.chunks]
    rows = row_counts(plan.manifest)
    delta = plan.manifest.get("delta", {})
    base_chunks = rows["chunks"] - int(delta.get("chunks", 0))
    removed_chunks, removed_sentences = _sizes(
        plan.serving, plan.removed_before | set(plan.removed)
    )
    appended = int(delta.get("chunks", 0)) + sum(len(item.chunks) for item in items)
    if appended + removed_chunks > MAX_APPENDED_SHARE * base_chunks:
        return None
    skipped.extend(empty)
    embedded = _embed(items, embedder, settings.progress)
    work.mkdir(parents=True)
    _share_base(plan.serving, work)
    shutil.copyfile(plan.serving / DATABASE, work / DATABASE)
    counts = _write_rows(work / DATABASE, plan, items, rows)
    _write_delta(plan.serving, work, items, embedder.dim, had_delta="delta" in plan.manifest)
    live_articles = counts["articles"] - counts["removed"]
    manifest = dict(plan.manifest)
    manifest["rows"] = {k: counts[k] for k in ("articles", "chunks", "sentences")}
    manifest["delta"] = {
        "chunks": counts["chunks"] - base_chunks,
        "sentences": counts["sentences"] - (rows["sentences"] - int(delta.get("sentences", 0))),
        "removed_articles": counts["removed"],
    }
    manifest["counts"] = {
        "articles": live_articles,
        "chunks": counts["chunks"] - removed_chunks,
        "sentences": counts["sentences"] - removed_sentences,
        "skipped_files": len(skipped) + plan.skipped_elsewhere,
    }
    manifest["built_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    manifest["build_seconds"] = round(time.perf_counter() - started, 3)
    _write_manifest(work, manifest)
    updated = sum(item.record.article_id in plan.replacing for item in items)
    return UpdateResult(
        added=len(items) - updated,
        updated=updated,
        removed=len(plan.removed) - updated,
        articles=live_articles,
        chunks=manifest["counts"]["chunks"],
        sentences=manifest["counts"]["sentences"],
        embedded_chunks=embedded,
        article_chunks={item.record.article_id: len(item.chunks) for item in items},
    )


def _embed(items: list[Prepared], embedder: Embedder, progress: ProgressFn | None) -> int:
    """Embed the items in windows of about `WINDOW_CHUNKS` chunks, reporting progress."""
    total, done, window, pending = sum(len(item.chunks) for item in items), 0, [], 0
    for n, item in enumerate(items):
        window.append(item)
        pending += len(item.chunks)
        if pending >= WINDOW_CHUNKS or n == len(items) - 1:
            done += embed_window(window, embedder)
            window, pending = [], 0
            if progress:
                progress("embedding", done, total)
    return done


def _sizes(serving: Path, removed: set[int] | frozenset[int]) -> tuple[int, int]:
    """Chunks and sentences of the articles at these positions."""
    wanted = ",".join(str(i) for i in sorted(removed)) or "-1"
    conn = sqlite3.connect(f"file:{serving / DATABASE}?mode=ro", uri=True)
    try:
        chunks = conn.execute(f"select count(*) from chunks where article_idx in ({wanted})")
        sentences = conn.execute(f"select count(*) from sentences where article_idx in ({wanted})")
        return int(chunks.fetchone()[0]), int(sentences.fetchone()[0])
    finally:
        conn.close()


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _share_base(serving: Path, work: Path) -> None:
    """The base build's FAISS, vectors and BM25, shared with the serving build."""
    for name in _SHARED_PARTS:
        _link_or_copy(serving / name, work / name)
    (work / BM25_DIR).mkdir()
    for path in (serving / BM25_DIR).iterdir():
        _link_or_copy(path, work / BM25_DIR / path.name)


def _write_rows(
    database: Path, plan: UpdatePlan, items: list[Prepared], rows: dict[str, int]
) -> dict[str, int]:
    """Append the items' rows, mark the removed articles and the moved paths."""
    db = sqlite3.connect(database)
    try:
        db.execute(f"create table if not exists {REMOVED_TABLE} (article_idx integer primary key)")
        db.executemany(
            f"insert or ignore into {REMOVED_TABLE} values (?)", [(i,) for i in plan.removed]
        )
        db.executemany(
            "update articles set path = ? where article_idx = ?",
            [(path, idx) for idx, path in plan.moved],
        )
        articles, sentences, chunks = rows["articles"], rows["sentences"], rows["chunks"]
        for item in items:
            insert_article(
                db, (articles, sentences, chunks), item.record, item.sentences, item.chunks
            )
            articles, sentences, chunks = (
                articles + 1,
                sentences + len(item.sentences),
                chunks + len(item.chunks),
            )
        removed = int(db.execute(f"select count(*) from {REMOVED_TABLE}").fetchone()[0])
        db.commit()
    finally:
        db.close()
    return {"articles": articles, "sentences": sentences, "chunks": chunks, "removed": removed}


def _write_delta(
    serving: Path, work: Path, items: list[Prepared], dim: int, *, had_delta: bool
) -> None:
    """The appended chunks' vectors and terms: the serving build's, then the items'."""
    parts: list[tuple[str, list[Any], type[np.floating[Any]]]] = [
        (DELTA_CHUNK_VECTORS, [i.chunk_vectors for i in items], np.float32),
        (DELTA_SENTENCE_VECTORS, [i.sentence_vectors for i in items], np.float16),
    ]
    for name, blocks, dtype in parts:
        old = [np.load(serving / name)] if had_delta else []
        joined = np.concatenate([*old, *blocks]) if old or blocks else np.zeros((0, dim))
        np.save(work / name, joined.astype(dtype).reshape(-1, dim))
    terms: list[list[str]] = []
    if had_delta:
        terms = json.loads((serving / DELTA_TERMS).read_text(encoding="utf-8"))
    terms += [t for item in items for t in item.terms]
    (work / DELTA_TERMS).write_text(json.dumps(terms), encoding="utf-8")


def _write_manifest(work: Path, manifest: dict[str, Any]) -> None:
    db = sqlite3.connect(work / DATABASE)
    try:
        db.executemany(
            "insert or replace into manifest values (?, ?)",
            [(k, json.dumps(v)) for k, v in manifest.items()],
        )
        db.commit()
    finally:
        db.close()
    (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
