"""Offline side of newsdesk: reading, cleaning, chunking and embedding articles into an index."""

from index.build import BuildOptions, BuildSummary, ProgressFn, build_index
from index.chunking import Chunk, Span, chunk_sentences, segment, split_sentences
from index.cleaning import CleanText, clean_body
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
)
from index.lexical import STOPWORDS, tokenize, words
from index.loaders import RawArticle, SkippedFile, iter_corpus_files, load_file
from index.reader import OpenIndex, article_chunk_counts, index_size_bytes, load_index
from index.store import ArticleRecord, read_manifest

__all__ = [
    "DEFAULT_MODEL_NAME",
    "STOPWORDS",
    "ArticleRecord",
    "BuildOptions",
    "BuildSummary",
    "Chunk",
    "CleanText",
    "ConfigError",
    "CorpusFormatError",
    "CorpusNotFound",
    "Embedder",
    "EmptyQuestion",
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
    "article_chunk_counts",
    "build_index",
    "chunk_sentences",
    "clean_body",
    "default_model_path",
    "index_size_bytes",
    "iter_corpus_files",
    "load_file",
    "load_index",
    "read_manifest",
    "segment",
    "split_sentences",
    "tokenize",
    "words",
]
