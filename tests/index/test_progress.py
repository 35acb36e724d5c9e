"""What a build reports while it runs and when it ends: phases, counts, peak memory."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from click.testing import CliRunner

from index import BuildOptions, build_index, load_index
from index.prefetch import prefetch
from index.writer import NpyAppender
from newsdesk.cli import cli
from tests.fakes import FakeEmbedder
from tests.index.synthetic import article_lines, write_corpus


@pytest.fixture
def corpus_120(tmp_path):
    return write_corpus(tmp_path / "corpus", article_lines(120))


def _record(build) -> list[tuple[str, int, int]]:
    calls: list[tuple[str, int, int]] = []
    build(lambda phase, done, total: calls.append((phase, done, total)))
    return calls


def test_every_phase_reports_progress_and_ends_complete(corpus_120, tmp_path):
    calls = _record(
        lambda progress: build_index(
            corpus_120, tmp_path / "index", FakeEmbedder(), progress=progress
        )
    )

    phases = list(dict.fromkeys(phase for phase, _, _ in calls))
    assert set(phases) == {"reading", "embedding", "bm25", "vectors", "writing"}
    assert phases.index("bm25") < phases.index("vectors") < phases.index("writing")
    last = {phase: (done, total) for phase, done, total in calls}
    assert last["reading"] == (120, 120)
    chunks = load_index(tmp_path / "index").n_chunks
    assert last["embedding"] == (chunks, chunks)
    assert last["vectors"] == (chunks, chunks)


def test_reading_reports_start_before_the_last_article_is_read(corpus_120, tmp_path):
    calls = _record(
        lambda progress: build_index(
            corpus_120, tmp_path / "index", FakeEmbedder(), progress=progress
        )
    )

    reading = [done for phase, done, _ in calls if phase == "reading"]
    assert reading[0] < 120 and reading == sorted(reading)


def test_embedding_estimate_never_falls_below_what_is_done(corpus_120, tmp_path):
    calls = _record(
        lambda progress: build_index(
            corpus_120,
            tmp_path / "index",
            FakeEmbedder(),
            BuildOptions(chunk_tokens=32, overlap_tokens=8),
            progress=progress,
        )
    )

    embedding = [(done, total) for phase, done, total in calls if phase == "embedding"]
    assert len(embedding) > 1
    assert all(done <= total for done, total in embedding)


def test_summary_reports_peak_memory(corpus_120, tmp_path):
    summary = build_index(corpus_120, tmp_path / "index", FakeEmbedder())

    assert 10 * 2**20 < summary.peak_memory_bytes < 64 * 2**30


def test_build_command_prints_peak_memory_and_chunks_per_second(corpus_120, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("newsdesk.building.open_encoder", lambda *a, **k: FakeEmbedder())

    result = CliRunner().invoke(
        cli, ["index", "build", "--corpus", str(corpus_120), "--index", "idx"]
    )

    assert result.exit_code == 0, result.output
    assert "chunks/s); peak memory " in result.stdout
    peak = result.stdout.rsplit("peak memory ", 1)[1].split(" MiB")[0]
    assert int(peak.replace(",", "")) > 10


def test_prefetch_yields_everything_in_order_from_another_thread():
    seen_threads = set()

    def numbers():
        for n in range(500):
            seen_threads.add(threading.current_thread().name)
            yield n

    assert list(prefetch(numbers(), 8)) == list(range(500))
    assert seen_threads == {"newsdesk-prefetch"}


def test_prefetch_raises_the_workers_error_in_the_consumer():
    def failing():
        yield 1
        raise ValueError("bad article")

    with pytest.raises(ValueError, match="bad article"):
        list(prefetch(failing(), 4))


def test_prefetch_stops_its_worker_when_the_consumer_stops_early():
    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    stream = prefetch(endless(), 4)
    assert [next(stream) for _ in range(3)] == [0, 1, 2]
    stream.close()

    count = len(produced)
    assert count < 20
    assert not any(t.name == "newsdesk-prefetch" for t in threading.enumerate())


def test_streamed_vector_file_loads_as_the_rows_appended(tmp_path):
    rows = np.random.default_rng(0).standard_normal((1000, 384)).astype(np.float32)
    appender = NpyAppender(tmp_path / "v.npy", 384, np.float32)
    for begin in range(0, 1000, 333):
        appender.append(rows[begin : begin + 333])
    appender.close()

    loaded = np.load(tmp_path / "v.npy", mmap_mode="r")
    assert loaded.shape == (1000, 384) and loaded.dtype == np.float32
    assert np.array_equal(loaded, rows)
