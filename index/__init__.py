"""Offline side of newsdesk: reading, cleaning, chunking and embedding articles into an index."""

from index.build import BuildOptions, BuildSummary, build_index
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
from index.onnx_encoder import Int8Embedder, make_embedder
from index.pipeline import ProgressFn
from index.reader import OpenIndex, check_precision, index_size_bytes, load_index
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
    "Int8Embedder",
    "ModelNotFound",
    "NewsdeskError",
    "OpenIndex",
    "ProgressFn",
    "QuestionTooLong",
    "RawArticle",
    "SentenceEmbedder",
    "SkippedFile",
    "Span",
    "build_index",
    "check_precision",
    "chunk_sentences",
    "clean_body",
    "default_model_path",
    "index_size_bytes",
    "iter_corpus_files",
    "load_file",
    "load_index",
    "make_embedder",
    "read_manifest",
    "segment",
    "split_sentences",
    "tokenize",
    "words",
]
