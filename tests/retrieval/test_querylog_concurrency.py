"""The query log under several processes at once, and after a failure to open it."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from retrieval import Answer, QueryLog
from retrieval.querylog import QueryLogUnavailable

WRITERS, ROWS = 8, 50


def _answer(question: str) -> Answer:
    return Answer(question, False, (), 1.0, articles_searched=1, index_version="build-1")


def _write(path: str, writer: int, start, results) -> None:
    start.wait()  # every process opens the new log at the same moment
    querylog = QueryLog(Path(path), salt="s")
    kept = sum(
        querylog.record(_answer(f"{writer}-{n}"), interface="cli") is not None for n in range(ROWS)
    )
    querylog.close()
    results.put(kept)


@pytest.mark.parametrize("trial", range(2))
def test_processes_opening_a_new_log_at_once_lose_no_row(tmp_path, trial):
    path = tmp_path / f"new-{trial}.db"
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(WRITERS), context.Queue()
    writers = [
        context.Process(target=_write, args=(str(path), w, start, results)) for w in range(WRITERS)
    ]
    for process in writers:
        process.start()
    kept = [results.get(timeout=60) for _ in writers]
    for process in writers:
        process.join(30)
    assert kept == [ROWS] * WRITERS
    with sqlite3.connect(path) as conn:
        questions = {row[0] for row in conn.execute("SELECT question FROM queries")}
    assert len(questions) == WRITERS * ROWS


def test_a_log_that_could_not_be_opened_is_tried_again(tmp_path):
    blocker = tmp_path / "var"
    blocker.write_text("a file where the log's folder should be")
    querylog = QueryLog(blocker / "newsdesk.db")
    assert querylog.record(_answer("lost"), interface="cli") is None
    blocker.unlink()
    assert querylog.record(_answer("kept"), interface="cli") == 1
    assert [q.question for q in querylog.tail()] == ["kept"]
    querylog.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reading_an_unrelated_database_changes_nothing_in_it(tmp_path):
    other = tmp_path / "recipes.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('bread')")
    before = _digest(other)
    with pytest.raises(QueryLogUnavailable, match="not a newsdesk query log"):
        QueryLog(other, readonly=True)
    assert _digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recipes.db"]
    with sqlite3.connect(other) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_reading_a_file_that_is_no_database_says_so(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(QueryLogUnavailable, match="not an SQLite database"):
        QueryLog(junk, readonly=True)


def test_a_real_log_reads_the_same_read_only(tmp_path):
    path = tmp_path / "log.db"
    writer = QueryLog(path, salt="s")
    writer.record(_answer("When?"), interface="slash")
    writer.close()
    reader = QueryLog(path, salt="s", readonly=True)
    assert [q.question for q in reader.tail()] == ["When?"]
    assert reader.record(_answer("never written"), interface="cli") is None
    reader.close()
