"""Offline side of newsdesk: reading, cleaning, chunking and embedding articles into an index.

Names are loaded on first use, so that importing `index` (for its errors, say) does not load
FAISS, BM25 or the model libraries: `newsdesk --help` stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.exports import lazy_names

if TYPE_CHECKING:
    from index.build import BuildOptions, BuildSummary, build_index
    from index.chunking import Chunk, Span, chunk_sentences, segment, split_sentences
    from index.cleaning import CleanText, clean_body
    from index.database import BUSY_TIMEOUT_S, is_busy, open_shared, with_retries
    from index.dates import DateMention, Grain, find_dates, iso_window, publication_date
    from index.embedder import (
        DEFAULT_MODEL_NAME,
        Embedder,
        SentenceEmbedder,
        SharedEmbedder,
        default_model_path,
    )
    from index.errors import (
        ConfigError,
        CorpusFormatError,
        CorpusNotFound,
        EmptyQuestion,
        IndexFormatError,
        IndexNotFound,
        ModelNotFound,
        NewsdeskError,
        QuestionTooLong,
        UnreadableQuestion,
    )
    from index.lexical import term_hash, tokenize, words
    from index.loaders import (
        RawArticle,
        SkippedFile,
        iter_corpus_files,
        load_file,
        split_front_matter,
    )
    from index.onnx_encoder import Int8Embedder, OnnxEmbedder, make_embedder
    from index.pipeline import ProgressFn
    from index.reader import (
        UNDATED,
        OpenIndex,
        article_chunk_counts,
        check_precision,
        index_size_bytes,
        load_index,
    )
    from index.store import ArticleRecord, read_manifest
    from language import MONTH_NAMES, WEEKDAY_NAMES

_SOURCES = {
    "lazy_names": "index.exports",
    "BUSY_TIMEOUT_S": "index.database",
    "is_busy": "index.database",
    "open_shared": "index.database",
    "with_retries": "index.database",
    "publication_date": "index.dates",
    "UNDATED": "index.reader",
    "ArticleRecord": "index.store",
    "BuildOptions": "index.build",
    "BuildSummary": "index.build",
    "Chunk": "index.chunking",
    "CleanText": "index.cleaning",
    "ConfigError": "index.errors",
    "CorpusFormatError": "index.errors",
    "CorpusNotFound": "index.errors",
    "DEFAULT_MODEL_NAME": "index.embedder",
    "DateMention": "index.dates",
    "Embedder": "index.embedder",
    "EmptyQuestion": "index.errors",
    "Grain": "index.dates",
    "IndexFormatError": "index.errors",
    "IndexNotFound": "index.errors",
    "MONTH_NAMES": "language",
    "ModelNotFound": "index.errors",
    "NewsdeskError": "index.errors",
    "OpenIndex": "index.reader",
    "ProgressFn": "index.pipeline",
    "Int8Embedder": "index.onnx_encoder",
    "OnnxEmbedder": "index.onnx_encoder",
    "make_embedder": "index.onnx_encoder",
    "check_precision": "index.reader",
    "QuestionTooLong": "index.errors",
    "RawArticle": "index.loaders",
    "SentenceEmbedder": "index.embedder",
    "SharedEmbedder": "index.embedder",
    "SkippedFile": "index.loaders",
    "Span": "index.chunking",
    "UnreadableQuestion": "index.errors",
    "WEEKDAY_NAMES": "language",
    "article_chunk_counts": "index.reader",
    "build_index": "index.build",
    "chunk_sentences": "index.chunking",
    "clean_body": "index.cleaning",
    "default_model_path": "index.embedder",
    "find_dates": "index.dates",
    "index_size_bytes": "index.reader",
    "iso_window": "index.dates",
    "iter_corpus_files": "index.loaders",
    "load_file": "index.loaders",
    "split_front_matter": "index.loaders",
    "load_index": "index.reader",
    "read_manifest": "index.store",
    "segment": "index.chunking",
    "split_sentences": "index.chunking",
    "term_hash": "index.lexical",
    "tokenize": "index.lexical",
    "words": "index.lexical",
}


__getattr__ = lazy_names("index", _SOURCES, globals())


__all__ = [
    "BUSY_TIMEOUT_S",
    "DEFAULT_MODEL_NAME",
    "MONTH_NAMES",
    "UNDATED",
    "WEEKDAY_NAMES",
    "ArticleRecord",
    "BuildOptions",
    "BuildSummary",
    "Chunk",
    "CleanText",
    "ConfigError",
    "CorpusFormatError",
    "CorpusNotFound",
    "DateMention",
    "Embedder",
    "EmptyQuestion",
    "Grain",
    "IndexFormatError",
    "IndexNotFound",
    "Int8Embedder",
    "ModelNotFound",
    "NewsdeskError",
    "OnnxEmbedder",
    "OpenIndex",
    "ProgressFn",
    "QuestionTooLong",
    "RawArticle",
    "SentenceEmbedder",
    "SharedEmbedder",
    "SkippedFile",
    "Span",
    "UnreadableQuestion",
    "article_chunk_counts",
    "build_index",
    "check_precision",
    "chunk_sentences",
    "clean_body",
    "default_model_path",
    "find_dates",
    "index_size_bytes",
    "is_busy",
    "iso_window",
    "iter_corpus_files",
    "lazy_names",
    "load_file",
    "load_index",
    "make_embedder",
    "open_shared",
    "publication_date",
    "read_manifest",
    "segment",
    "split_front_matter",
    "split_sentences",
    "term_hash",
    "tokenize",
    "with_retries",
    "words",
]
