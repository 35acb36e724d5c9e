"""Wiring shared by the commands: settings to an `Answerer` and a `QueryLog`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from index import Embedder, make_embedder

if TYPE_CHECKING:
    from index import Reader
from newsdesk.settings import Settings
from retrieval import Answerer, QueryLog, RetrievalConfig, SearchConfig


def retrieval_config(settings: Settings) -> RetrievalConfig:
    """The retrieval knobs the settings ask for; one left unset keeps `RetrievalConfig`'s."""
    default = RetrievalConfig()
    top_k = settings.newsdesk_top_k
    max_chars = settings.newsdesk_max_question_chars
    min_confidence = settings.newsdesk_min_confidence
    search = SearchConfig(
        rrf_k=settings.newsdesk_rrf_k,
        dense_weight=settings.newsdesk_dense_weight,
        lexical_weight=settings.newsdesk_lexical_weight,
    )
    return RetrievalConfig(
        top_k=default.top_k if top_k is None else top_k,
        search=search,
        min_confidence=default.min_confidence if min_confidence is None else min_confidence,
        max_question_chars=default.max_question_chars if max_chars is None else max_chars,
    )


def open_encoder(settings: Settings) -> Embedder:
    """The configured model run by the configured encoder (`NEWSDESK_ENCODER`), on two threads
    for builds and questions alike: two embed one question faster than one (fused fp32 ONNX,
    bench/query_latency.py), and their waiting threads sleep rather than spin, leaving a
    build's reading thread its core.
    """
    return make_embedder(
        settings.newsdesk_encoder,
        settings.newsdesk_model,
        cache_dir=settings.newsdesk_model_cache,
        threads=2,
        notify=lambda message: print(message, file=sys.stderr),
    )


def open_reader(settings: Settings) -> Reader | None:
    """The trained reader, as `NEWSDESK_READER` asks (None when off).

    Raises:
        ModelNotFound: its committed weights are missing or differ from their model card.
    """
    if settings.newsdesk_reader == "off":
        return None
    from index import Reader

    return Reader(cache_dir=settings.newsdesk_model_cache, precision=settings.newsdesk_reader)


def make_answerer(
    settings: Settings,
    index_dir: Path | None = None,
    *,
    embedder: Embedder | None = None,
    reader: bool = True,
) -> Answerer:
    """An `Answerer` over the configured index, with `embedder` (or the configured model)
    and, unless `reader` is false or `NEWSDESK_READER` is off, the trained reader.

    Raises:
        IndexNotFound, IndexFormatError, ModelNotFound: with a message saying what to do.
    """
    from index import read_manifest

    folder = index_dir or settings.newsdesk_index_dir
    read_manifest(folder)  # fail fast, before the model loads, when there is no index
    return Answerer(
        folder,
        embedder or open_encoder(settings),
        retrieval_config(settings),
        reader=open_reader(settings) if reader else None,
    )


def make_query_log(settings: Settings, *, readonly: bool = False) -> QueryLog:
    """The query log the settings point at (`readonly`: an existing one, left unchanged)."""
    return QueryLog(
        settings.newsdesk_db,
        salt=settings.newsdesk_log_salt.get_secret_value(),
        raw_user_ids=settings.newsdesk_log_raw_user_ids,
        readonly=readonly,
    )
