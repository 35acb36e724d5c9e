"""A build killed at any point leaves the previous index serving; the next build cleans up."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import build_index, load_index
from tests.fakes import FakeEmbedder
from tests.index.synthetic import article_lines, write_corpus

WORKER = Path(__file__).with_name("build_worker.py")
OLD_ARTICLES = 40
NEW_ARTICLES = 300


@pytest.fixture
def serving(tmp_path: Path) -> tuple[Path, Path]:
    """An index of the first 40 synthetic articles, and a corpus of the first 300 over it."""
    lines = article_lines(NEW_ARTICLES)
    old = write_corpus(tmp_path / "old_corpus", lines[:OLD_ARTICLES])
    index_dir = tmp_path / "var" / "index"
    build_index(old, index_dir, FakeEmbedder())
    return write_corpus(tmp_path / "corpus", lines), index_dir


def _start_build(corpus: Path, index_dir: Path) -> subprocess.Popen[str]:
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), str(corpus), str(index_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    assert worker.stdout.readline().strip() == "ready"
    return worker


def _wait_for_line(worker: subprocess.Popen[str], prefix: str) -> None:
    assert worker.stdout is not None
    for line in worker.stdout:
        if line.startswith(prefix):
            return
    pytest.fail(f"the build ended before printing {prefix!r}")


def _wait_for_path(pattern_dir: Path, pattern: str, worker: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while not any(pattern_dir.glob(pattern)):
        assert worker.poll() is None, "the build ended before writing"
        assert time.monotonic() < deadline
        time.sleep(0.0005)


def _kill(worker: subprocess.Popen[str]) -> bool:
    """SIGKILL the build; whether it was still running (it may just have finished)."""
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    return worker.returncode == -signal.SIGKILL


def _builds_dir(index_dir: Path) -> Path:
    return index_dir.parent / f".{index_dir.name}.builds"


@pytest.mark.parametrize("phase", ["reading", "embedding", "writing"])
def test_build_killed_in_a_phase_leaves_the_previous_index_serving(serving, phase):
    corpus, index_dir = serving
    worker = _start_build(corpus, index_dir)
    if phase == "writing":
        _wait_for_path(_builds_dir(index_dir), "tmp-*", worker)
    else:
        _wait_for_line(worker, phase)

    assert _kill(worker)

    opened = load_index(index_dir, expected_fingerprint=FakeEmbedder.fingerprint)
    assert opened.n_articles == OLD_ARTICLES
    ids, _ = opened.dense_search(FakeEmbedder().embed(["profits"])[0], k=3)
    assert len(ids) == 3


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_build_killed_at_a_random_moment_leaves_a_whole_index_serving(serving, seed):
    corpus, index_dir = serving
    worker = _start_build(corpus, index_dir)
    time.sleep(random.Random(seed).uniform(0.0, 0.9))

    killed = _kill(worker)

    # Killed before the swap the old index serves; the instant after, the new one does.
    served = load_index(index_dir).n_articles
    assert served in ((OLD_ARTICLES, NEW_ARTICLES) if killed else (NEW_ARTICLES,))


def test_build_after_killed_builds_succeeds_and_clears_their_leftovers(serving):
    corpus, index_dir = serving
    served_before = index_dir.resolve()
    for phase in ("embedding", "tmp-*"):
        worker = _start_build(corpus, index_dir)
        if phase == "embedding":
            _wait_for_line(worker, phase)
        else:
            _wait_for_path(_builds_dir(index_dir), phase, worker)
        assert _kill(worker)
    assert any(_builds_dir(index_dir).glob("tmp-*"))

    summary = build_index(corpus, index_dir, FakeEmbedder())

    assert summary.articles == load_index(index_dir).n_articles == NEW_ARTICLES
    assert summary.unchanged == OLD_ARTICLES
    assert sorted(p.name for p in _builds_dir(index_dir).iterdir()) == sorted(
        [served_before.name, index_dir.resolve().name]
    )
    assert list(index_dir.parent.glob(f".{index_dir.name}.link-*")) == []


def test_each_build_keeps_only_itself_and_the_one_before(tiny_corpus, tmp_path):
    index_dir = tmp_path / "index"
    served = []
    for n in range(3):
        with (tiny_corpus / "articles.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"id": f"new/{n}", "text": f"Story number {n} broke."}) + "\n")
        build_index(tiny_corpus, index_dir, FakeEmbedder())
        served.append(index_dir.resolve().name)

    assert sorted(p.name for p in _builds_dir(index_dir).iterdir()) == sorted(served[-2:])


def test_build_killed_between_finishing_and_swapping_in_is_cleared_not_kept(
    tiny_corpus, built_index
):
    served_before = built_index.resolve()
    # What a build killed after renaming its folder but before the swap leaves behind.
    orphan = _builds_dir(built_index) / "build-99991231T235959999999"
    shutil.copytree(served_before, orphan)

    build_index(tiny_corpus, built_index, FakeEmbedder())

    assert not orphan.exists()
    assert served_before.is_dir()
