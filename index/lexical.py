"""Lexical side of the index: the word tokenizer and BM25 (bm25s) over chunks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from numpy.typing import NDArray

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself s t
    said says say""".split()  # noqa: SIM905
)
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
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased words of `text`, possessive endings dropped."""
    return [w[:-2] if w.endswith(("'s", "’s")) else w for w in _WORD.findall(text.lower())]


def tokenize(text: str) -> list[str]:
    """Stemmed content words of `text`, as BM25 indexes and queries them."""
    kept = [w for w in words(text) if w not in STOPWORDS]
    return list(_stemmer().stemWords(kept)) if kept else []


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
        k = min(k, self.n_docs)
        mask = None if allowed is None else allowed.astype(np.float32)
        ids, scores = self._retriever.retrieve(
            [known], k=k, show_progress=False, n_threads=1, weight_mask=mask
        )
        keep = scores[0] > 0
        return ids[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)
