"""The index: reading, cleaning, chunking and embedding articles into an index on disk, and
opening it to search.

This front door names what the layers above use; everything else (cleaning, chunking,
loaders, the encoders' classes) is imported from its module. Names are loaded on first use,
so that importing `index` does not load FAISS, BM25 or the model libraries: `newsdesk --help`
stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kernel.exports import lazy_names

if TYPE_CHECKING:
    from index.build import BuildOptions, BuildSummary, build_index
    from index.chunking import split_sentences
    from index.dates import DateMention, find_dates, iso_window, publication_date
    from index.embedder import Embedder, SentenceEmbedder, SharedEmbedder, default_model_path
    from index.lexical import term_hash, tokenize, words
    from index.loaders import display_path, iter_corpus_files, split_front_matter
    from index.onnx_encoder import make_embedder
    from index.reader import UNDATED, OpenIndex, index_size_bytes, load_index
    from index.reader_model import Reader
    from index.store import read_manifest

_SOURCES = {
    # building, and the article files it reads (ingest/, newsdesk/)
    "BuildOptions": "index.build",
    "BuildSummary": "index.build",
    "build_index": "index.build",
    "display_path": "index.loaders",
    "iter_corpus_files": "index.loaders",
    "split_front_matter": "index.loaders",
    # the model (every layer above; training/ for the reader)
    "Embedder": "index.embedder",
    "SharedEmbedder": "index.embedder",
    "SentenceEmbedder": "index.embedder",
    "default_model_path": "index.embedder",
    "make_embedder": "index.onnx_encoder",
    "Reader": "index.reader_model",  # the trained reader (retrieval's reading stage)
    # the index on disk
    "OpenIndex": "index.reader",
    "UNDATED": "index.reader",
    "index_size_bytes": "index.reader",
    "load_index": "index.reader",
    "read_manifest": "index.store",
    # text and dates, as the index reads them (retrieval/; training/)
    "split_sentences": "index.chunking",
    "term_hash": "index.lexical",
    "tokenize": "index.lexical",
    "words": "index.lexical",
    "DateMention": "index.dates",
    "find_dates": "index.dates",
    "iso_window": "index.dates",
    "publication_date": "index.dates",
}


__getattr__ = lazy_names("index", _SOURCES, globals())


__all__ = [
    "UNDATED",
    "BuildOptions",
    "BuildSummary",
    "DateMention",
    "Embedder",
    "OpenIndex",
    "Reader",
    "SentenceEmbedder",
    "SharedEmbedder",
    "build_index",
    "default_model_path",
    "display_path",
    "find_dates",
    "index_size_bytes",
    "iso_window",
    "iter_corpus_files",
    "load_index",
    "make_embedder",
    "publication_date",
    "read_manifest",
    "split_front_matter",
    "split_sentences",
    "term_hash",
    "tokenize",
    "words",
]
