"""Lexical side of the index: the word tokenizer and BM25 (bm25s) over chunks."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from numpy.typing import NDArray

from language import POSSESSIVE_ENDINGS, STEMMER_LANGUAGE, STOPWORDS

# bm25s sets its own logger to DEBUG when imported, which would print its progress notes
# on every build beside ours.
logging.getLogger("bm25s").setLevel(logging.WARNING)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# BM25 term saturation and length normalisation (bm25s defaults: 1.5 and 0.75). A question
# names each thing once, so a chunk that matches more of its terms should beat one that
# repeats a single term: a low k1 saturates repeats early. Chosen on the development
# questions of bench/tune_quotes.py, where k1 0.3 to 0.7 with b 0.2 to 0.6 all did about as
# well (quote hit@1 on NewsQA dev 0.348 -> 0.362, XQuAD dev 0.897 -> 0.903); the highest
# k1 of that range keeps the bundled set's answers above the confidence line.
BM25_K1 = 0.7
BM25_B = 0.4


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMER_LANGUAGE)


def words(text: str) -> list[str]:
    """Lower-cased words of `text`, possessive endings (two characters) dropped."""
    return [w[:-2] if w.endswith(POSSESSIVE_ENDINGS) else w for w in _WORD.findall(text.lower())]


def tokenize(text: str) -> list[str]:
    """Stemmed content words of `text`, as BM25 indexes and queries them."""
    kept = [w for w in words(text) if w not in STOPWORDS]
    return list(_stemmer().stemWords(kept)) if kept else []


@lru_cache(maxsize=1 << 18)
def term_hash(term: str) -> int:
    """A stable 64-bit hash of a stemmed term: the index stores each sentence's terms as
    these, so a question finds the sentences' terms without tokenizing them again."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")


def term_hashes(text: str) -> NDArray[np.uint64]:
    """The sorted distinct `term_hash`es of `text`'s terms."""
    distinct = {term_hash(t) for t in tokenize(text)}
    return np.array(sorted(distinct), dtype=np.uint64)


class LexicalIndex:
    """BM25 over the chunks, with the document frequency of every term."""

    def __init__(self, retriever: bm25s.BM25, n_docs: int) -> None:
        self._retriever = retriever
        self.n_docs = n_docs
        self._vocab: dict[str, int] = dict(retriever.vocab_dict)
        indptr = np.asarray(retriever.scores["indptr"])
        self._df: NDArray[np.int64] = np.diff(indptr).astype(np.int64)

    @classmethod
    def build(
        cls, chunk_tokens: Sequence[list[str]], *, k1: float = BM25_K1, b: float = BM25_B
    ) -> LexicalIndex:
        """Index the token lists of all chunks (a chunk may have none)."""
        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index([t or [""] for t in chunk_tokens], show_progress=False)
        return cls(retriever, len(chunk_tokens))

    @classmethod
    def load(cls, folder: Path, n_docs: int) -> LexicalIndex:
        """Open an index written by `save`, memory-mapped."""
        return cls(bm25s.BM25.load(str(folder), mmap=True), n_docs)

    def save(self, folder: Path) -> None:
        """Write the index into `folder`."""
        self._retriever.save(str(folder))

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of a stemmed term (0 for unknown terms)."""
        term_id = self._vocab.get(term)
        if term_id is None:
            return 0.0
        df = float(self._df[term_id])
        return float(np.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5)))

    def search(
        self, tokens: list[str], k: int, allowed: NDArray[np.bool_] | None = None
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """The `k` best chunk ids for the query tokens, best first, with BM25 scores; with
        `allowed` (a mask over the chunks), only among those."""
        known = [t for t in tokens if t in self._vocab and t]
        if not known or self.n_docs == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        scores = np.asarray(self._retriever.get_scores(known), dtype=np.float32)
        if allowed is not None:
            scores[~allowed] = 0.0
        # Only chunks holding a query term score above 0, and of those only the ones
        # scoring at least the k-th best are sorted (ties broken by chunk order).
        hits = np.flatnonzero(scores > 0)
        if 0 < k < len(hits):
            values = scores[hits]
            kth = np.partition(values, len(values) - k)[len(values) - k]
            hits = hits[values >= kth]
        top = hits[np.argsort(-scores[hits], kind="stable")[:k]]
        return top.astype(np.int64), scores[top]


def average_length(chunk_tokens: Sequence[list[str]]) -> float:
    """The mean chunk length BM25 normalises by (an empty chunk counts one, as indexed)."""
    if not chunk_tokens:
        return 1.0
    return sum(len(t) or 1 for t in chunk_tokens) / len(chunk_tokens)


class AppendedLexical:
    """BM25 over chunks appended after a base index, scored with the base's statistics.

    The base's document count, document frequencies and mean length stay fixed until the
    next full build, so the scores of appended chunks and of base chunks compare as if
    both had been in the one index that was built.
    """

    def __init__(
        self,
        base: LexicalIndex,
        chunk_tokens: Sequence[list[str]],
        avgdl: float,
        *,
        k1: float = BM25_K1,
        b: float = BM25_B,
    ) -> None:
        self._base = base
        self.n_docs = len(chunk_tokens)
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for doc, terms in enumerate(chunk_tokens):
            norm = k1 * ((1 - b) + b * (len(terms) or 1) / avgdl)
            counts: dict[str, int] = {}
            for term in terms:
                counts[term] = counts.get(term, 0) + 1
            for term, tf in counts.items():
                self._postings.setdefault(term, []).append((doc, tf / (norm + tf)))

    def idf(self, term: str) -> float:
        """The base's idf, or, for a term only appended chunks hold, the idf it would have."""
        if term in self._base._vocab:
            return self._base.idf(term)
        df = len(self._postings.get(term, ()))
        n_docs = self._base.n_docs + self.n_docs
        return float(np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))) if df else 0.0

    def search(
        self, tokens: list[str], k: int, allowed: NDArray[np.bool_] | None = None
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """The `k` best appended chunks (numbered from 0) for the query tokens."""
        scores = np.zeros(self.n_docs, dtype=np.float32)
        for term in tokens:  # a repeated term counts again, as in the base's BM25
            postings = self._postings.get(term)
            if not postings:
                continue
            idf = self.idf(term)
            for doc, tfc in postings:
                scores[doc] += idf * tfc
        if allowed is not None:
            scores[~allowed] = 0.0
        hits = np.flatnonzero(scores > 0)
        top = hits[np.argsort(-scores[hits], kind="stable")[:k]]
        return top.astype(np.int64), scores[top]
