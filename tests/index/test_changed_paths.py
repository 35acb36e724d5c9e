"""A build told which files changed reads only them, and says how many chunks each got."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import index.build
from index import BuildOptions, SharedEmbedder, build_index, load_index
from index.reader import article_chunk_counts
from tests.fakes import FakeEmbedder
from tests.index.synthetic import article

OPTIONS = BuildOptions(chunk_tokens=64, overlap_tokens=16)
ARTICLES = 60


def _write_md(corpus: Path, number: int, outlet: str = "wire") -> Path:
    record = article(number)
    path = corpus / outlet / f"story-{number:03d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    front = {"title": record["title"], "outlet": outlet, "published": "2024-03-04"}
    path.write_text(f"---\n{json.dumps(front)}\n---\n{record['text']}\n", encoding="utf-8")
    return path


@pytest.fixture
def desk(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    for number in range(ARTICLES):
        _write_md(corpus, number)
    build_index(corpus, tmp_path / "index", FakeEmbedder(), OPTIONS)
    return corpus, tmp_path / "index"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files each build reads."""
    seen: list[str] = []
    real = index.build.load_file

    def counting(path, skipped):
        seen.append(Path(path).name)
        return real(path, skipped)

    monkeypatch.setattr(index.build, "load_file", counting)
    return seen


def test_a_build_of_changed_paths_reads_only_them_and_matches_a_full_build(desk, reads, tmp_path):
    corpus, index_dir = desk
    new = _write_md(corpus, ARTICLES)

    summary = build_index(corpus, index_dir, FakeEmbedder(), OPTIONS, changed=[new])

    assert reads == [new.name]
    assert summary.added == 1 and summary.unchanged == ARTICLES and summary.articles == ARTICLES + 1
    assert summary.article_chunks == {new.stem: article_chunk_counts(index_dir)[new.stem]}
    assert summary.article_chunks[new.stem] > 0
    full = build_index(corpus, tmp_path / "full", FakeEmbedder(), OPTIONS)
    assert full.articles == summary.articles and full.chunks == summary.chunks
    assert full.article_chunks[new.stem] == summary.article_chunks[new.stem]
    assert load_index(index_dir).n_articles == ARTICLES + 1


def test_a_changed_path_that_is_gone_removes_its_article(desk, reads):
    corpus, index_dir = desk
    gone = corpus / "wire" / "story-007.md"
    gone.unlink()

    summary = build_index(corpus, index_dir, FakeEmbedder(), OPTIONS, changed=[gone])

    assert reads == []
    assert summary.removed == 1 and summary.articles == ARTICLES - 1
    assert "story-007" not in article_chunk_counts(index_dir)


def test_an_id_a_changed_file_shares_with_another_file_needs_the_full_build(desk, reads):
    corpus, index_dir = desk
    twin = _write_md(corpus, 3, outlet="other")  # the same stem as wire/story-003.md

    summary = build_index(corpus, index_dir, FakeEmbedder(), OPTIONS, changed=[twin])

    assert reads[0] == twin.name
    assert len(reads[1:]) == ARTICLES + 1, "then the whole corpus, as a full build reads it"
    assert any("duplicate article id" in s.reason for s in summary.skipped)
    assert summary.articles == ARTICLES


class _OneAtATime(FakeEmbedder):
    """A model that notices two calls at once (a shared tokenizer would break)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = 0
        self.overlaps = 0

    def embed(self, texts):
        self.inside += 1
        self.overlaps += self.inside > 1
        time.sleep(0.005)
        try:
            return super().embed(texts)
        finally:
            self.inside -= 1


def test_a_shared_encoder_takes_one_call_at_a_time_and_gives_the_same_vectors():
    inner = _OneAtATime()
    shared = SharedEmbedder(inner)
    texts = [f"sentence number {n}" for n in range(8)]
    results: list[np.ndarray] = []

    def work() -> None:
        for _ in range(5):
            results.append(shared.embed(texts))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert inner.overlaps == 0
    assert len(results) == 15 and all(
        np.array_equal(r, FakeEmbedder().embed(texts)) for r in results
    )
    assert (shared.fingerprint, shared.dim) == (inner.fingerprint, inner.dim)
