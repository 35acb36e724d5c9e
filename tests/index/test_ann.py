"""The approximate (HNSW) index: chosen above the threshold, and as good as exact search."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index import BuildOptions, OpenIndex, build_index, load_index, read_manifest, split_sentences
from tests.fakes import FakeEmbedder
from tests.index.synthetic import article_lines

INDEXED = 6000
QUERIES = 200


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    """Sentences of the synthetic articles, in order, enough to index 6,000 and query 200 more."""
    sentences: list[str] = []
    for line in article_lines(400):
        text = json.loads(line)["text"]
        sentences.extend(text[s.start : s.end] for s in split_sentences(text))
    assert len(sentences) >= INDEXED + QUERIES
    return sentences


@pytest.fixture(scope="module")
def hnsw_index(tmp_path_factory, sentences) -> OpenIndex:
    """6,000 one-sentence articles (one chunk each), built with a threshold of 5,000."""
    root = tmp_path_factory.mktemp("ann")
    (root / "corpus").mkdir()
    with (root / "corpus" / "sentences.jsonl").open("w", encoding="utf-8") as handle:
        for number, sentence in enumerate(sentences[:INDEXED]):
            handle.write(json.dumps({"id": f"s{number}", "text": sentence}) + "\n")
    build_index(root / "corpus", root / "index", FakeEmbedder(), BuildOptions(ann_threshold=5000))
    return load_index(root / "index")


def test_index_above_the_threshold_is_hnsw(hnsw_index):
    assert hnsw_index.n_chunks >= 5000
    assert hnsw_index.manifest["index_type"] == "hnsw32"


def test_index_below_the_threshold_is_exact(built_index):
    assert read_manifest(built_index)["index_type"] == "flat-ip"


def test_hnsw_recall_at_10_against_exact_search_is_at_least_95_percent(hnsw_index, sentences):
    queries = FakeEmbedder().embed(sentences[INDEXED : INDEXED + QUERIES])
    vectors = np.asarray(hnsw_index.chunk_vectors)

    found = [set(hnsw_index.dense_search(q, k=10)[0].tolist()) for q in queries]
    exact = [set(np.argsort(-(vectors @ q), kind="stable")[:10].tolist()) for q in queries]

    recall = np.mean([len(f & e) / 10 for f, e in zip(found, exact, strict=True)])
    assert recall >= 0.95


def test_small_index_over_the_threshold_searches_like_exact(tiny_corpus, tmp_path: Path):
    build_index(tiny_corpus, tmp_path / "index", FakeEmbedder(), BuildOptions(ann_threshold=5))
    opened = load_index(tmp_path / "index")
    query = FakeEmbedder().embed(["central bank interest rates"])[0]

    ids, scores = opened.dense_search(query, k=3)

    assert opened.manifest["index_type"] == "hnsw32"
    assert int(ids[0]) == int(np.argmax(np.asarray(opened.chunk_vectors) @ query))
    assert np.all(np.diff(scores) <= 1e-6)
