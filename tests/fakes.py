"""Test doubles for our own seams (never for the model in quality tests)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index import BuildOptions, OpenIndex, build_index, load_index
from retrieval import Question
from retrieval.context import QuestionContext, make_context

_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Deterministic hashed bag-of-words vectors: fast, for plumbing tests only."""

    name = "fake-bow"
    fingerprint = "fake-bow-1"
    precision = "fp32"
    dim = 64
    max_tokens = 256

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(_WORD.findall(t)) for t in texts]

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, np.float32)
        for word in _WORD.findall(text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
            vec[h % self.dim] += 1.0
        norm = np.linalg.norm(vec)
        return vec / norm if norm else vec

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return (
            np.stack([self._vector(t) for t in texts])
            if texts
            else np.zeros((0, self.dim), np.float32)
        )

    def embed_with_spans(self, texts, spans):
        vectors = self.embed(texts)
        span_vectors = [
            np.stack([self._vector(t[s:e]) for s, e in sp])
            if len(sp)
            else np.zeros((0, self.dim), np.float32)
            for t, sp in zip(texts, spans, strict=True)
        ]
        return vectors, span_vectors


def story_index(root: Path, stories: dict[str, str]) -> OpenIndex:
    """A small index of `stories` (article id → text) under `root`, built with the fake
    model: for tests of one pipeline stage."""
    corpus = root / "corpus"
    corpus.mkdir()
    with (corpus / "stories.jsonl").open("w") as handle:
        for article_id, text in stories.items():
            handle.write(json.dumps({"id": article_id, "text": text}) + "\n")
    build_index(corpus, root / "index", FakeEmbedder(), BuildOptions(32, 8))
    return load_index(root / "index")


def story_context(index: OpenIndex, text: str, kind: str | None = None) -> QuestionContext:
    """The context of question `text` (read as asking for `kind`) over a `story_index`."""
    question = Question(original=text, text=text, kind=kind)
    return make_context(index, question, FakeEmbedder().embed([text])[0])
