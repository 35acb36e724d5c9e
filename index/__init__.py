"""Offline side of newsdesk: reading, cleaning, chunking and embedding articles into an index."""

from index.build import BuildOptions, BuildSummary, ProgressFn, build_index
from index.chunking import Chunk, Span, chunk_sentences, segment, split_sentences
from index.cleaning import CleanText, clean_body
from index.dates import (
    CLOCK_PATTERN,
    MONTH_NAMES,
    MONTH_PATTERN,
    WEEKDAY_NAMES,
    WEEKDAY_PATTERN,
    YEAR_PATTERN,
    DateMention,
    Grain,
    find_dates,
    iso_window,
    publication_date,
)
from index.embedder import DEFAULT_MODEL_NAME, Embedder, SentenceEmbedder, default_model_path
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
from index.lexical import STOPWORDS, tokenize, words
from index.loaders import RawArticle, SkippedFile, iter_corpus_files, load_file
from index.reader import UNDATED, OpenIndex, index_size_bytes, load_index
from index.store import ArticleRecord, read_manifest

__all__ = [
    "CLOCK_PATTERN",
    "DEFAULT_MODEL_NAME",
    "MONTH_NAMES",
    "MONTH_PATTERN",
    "STOPWORDS",
    "UNDATED",
    "WEEKDAY_NAMES",
    "WEEKDAY_PATTERN",
    "YEAR_PATTERN",
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
    "ModelNotFound",
    "NewsdeskError",
    "OpenIndex",
    "ProgressFn",
    "QuestionTooLong",
    "RawArticle",
    "SentenceEmbedder",
    "SkippedFile",
    "Span",
    "UnreadableQuestion",
    "build_index",
    "chunk_sentences",
    "clean_body",
    "default_model_path",
    "find_dates",
    "index_size_bytes",
    "iso_window",
    "iter_corpus_files",
    "load_file",
    "load_index",
    "publication_date",
    "read_manifest",
    "segment",
    "split_sentences",
    "tokenize",
    "words",
]
