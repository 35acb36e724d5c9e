"""Wiring for live news: settings to an `Ingester` (corpus, index, feeds table, limits)."""

from __future__ import annotations

from dataclasses import replace

from index import Embedder
from ingest import FetchLimits, IngestConfig, Ingester
from newsdesk.building import build_options
from newsdesk.settings import Settings


def ingest_config(settings: Settings) -> IngestConfig:
    """Where ingest reads and writes, and its fetch limits, as the settings ask."""
    limits = FetchLimits()
    timeout = settings.newsdesk_fetch_timeout_s
    if timeout is not None:
        total = max(limits.total_timeout_s, 3 * timeout)
        limits = replace(limits, read_timeout_s=timeout, total_timeout_s=total)
    return IngestConfig(
        corpus_dir=settings.newsdesk_corpus_dir,
        index_dir=settings.newsdesk_index_dir,
        db_path=settings.newsdesk_db,
        allow_private=settings.newsdesk_allow_private_urls,
        limits=limits,
        build_options=build_options(settings),
    )


def make_ingester(settings: Settings, *, embedder: Embedder | None = None) -> Ingester:
    """An `Ingester` that indexes with `embedder` (the process's one encoder, shared with
    answering), or with its own, loaded the first time it has something to index."""
    from newsdesk.wiring import open_encoder

    loaded: list[Embedder] = [embedder] if embedder is not None else []

    def encoder() -> Embedder:
        if not loaded:
            loaded.append(open_encoder(settings))
        return loaded[0]

    return Ingester(ingest_config(settings), encoder)
