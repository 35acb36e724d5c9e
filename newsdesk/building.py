"""Wiring for index builds: settings to build options, a progress bar on stderr."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from index import BuildOptions, BuildSummary, Embedder, build_index
from kernel.errors import CorpusNotFound
from newsdesk.settings import Settings
from newsdesk.wiring import open_encoder

_UNITS = {"reading": " articles", "embedding": " chunks", "bm25": " chunks", "vectors": " vectors"}


class _Progress:
    """A tqdm bar on stderr per phase (reading and embedding run at once), on a terminal only."""

    def __init__(self) -> None:
        self._bars: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, phase: str, done: int, total: int) -> None:
        from tqdm import tqdm

        with self._lock:  # reading reports from the build's worker thread
            bar = self._bars.get(phase)
            if bar is None:
                bar = tqdm(
                    total=total,
                    desc=f"{phase:9}",
                    unit=_UNITS.get(phase, " steps"),
                    file=sys.stderr,
                    disable=None,
                    leave=False,
                    position=len(self._bars),
                )
                self._bars[phase] = bar
            if bar.total != total:  # the chunks to embed are known only once all are read
                bar.total = total
            bar.update(done - bar.n)
            bar.refresh()  # reports come seconds apart: show each one as it comes

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()


def build_options(settings: Settings, *, rebuild: bool = False) -> BuildOptions:
    """The build options the settings ask for."""
    return BuildOptions(
        chunk_tokens=settings.newsdesk_chunk_tokens,
        overlap_tokens=settings.newsdesk_chunk_overlap,
        ann_threshold=settings.newsdesk_ann_threshold,
        rebuild=rebuild,
    )


def run_build(
    settings: Settings,
    *,
    corpus: Path | None = None,
    index_dir: Path | None = None,
    rebuild: bool = False,
    embedder: Embedder | None = None,
    show_progress: bool = True,
) -> BuildSummary:
    """Build the index the settings point at (or the given folders)."""
    corpus = corpus or settings.newsdesk_corpus_dir
    if not corpus.is_dir():  # say so before spending seconds loading the model
        raise CorpusNotFound(
            f"The corpus folder {corpus} does not exist; create it or set NEWSDESK_CORPUS_DIR."
        )
    progress = _Progress() if show_progress else None
    try:
        return build_index(
            corpus,
            index_dir or settings.newsdesk_index_dir,
            embedder or open_encoder(settings),
            build_options(settings, rebuild=rebuild),
            progress=progress,
        )
    finally:
        if progress:
            progress.close()
