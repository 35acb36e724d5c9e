"""The query log: a real SQLite file in tmp_path, the docs/design.md schema, WAL, never raising."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from retrieval import Answer, QueryLog, Quote, Source
from retrieval.querylog import QueryLogUnavailable

SOURCE = Source(
    article_id="002_b693",
    title=None,
    outlet=None,
    url=None,
    published=None,
    path="corpus/002_b693.md",
    char_start=10,
    char_end=60,
    agency="DN",
)


def _answer(
    question: str = "When was Blinken's trip cancelled?",
    *,
    answered: bool = True,
    latency_ms: float = 20.0,
) -> Answer:
    quotes = (Quote("In February, Blinken canceled a trip.", 0.83, (SOURCE,)),) if answered else ()
    return Answer(
        question=question,
        answered=answered,
        quotes=quotes,
        latency_ms=latency_ms,
        articles_searched=5,
        index_version="build-7",
    )


@pytest.fixture
def querylog(tmp_path: Path):
    log = QueryLog(tmp_path / "var" / "newsdesk.db", salt="pepper")
    yield log
    log.close()


def _rows(path: Path, table: str) -> list[dict]:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(f"SELECT * FROM {table}")]


def test_tables_have_the_design_schema_and_use_wal(querylog):
    with sqlite3.connect(querylog.path) as conn:
        queries = [r[1] for r in conn.execute("PRAGMA table_info(queries)")]
        feedback = [r[1] for r in conn.execute("PRAGMA table_info(feedback)")]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert queries == [
        "id",
        "ts",
        "interface",
        "guild_id",
        "channel_id",
        "user_hash",
        "question",
        "answered",
        "answer",
        "sources",
        "top_score",
        "latency_ms",
        "index_version",
    ]
    assert feedback == ["query_id", "user_hash", "vote", "ts"]
    assert mode == "wal"


def test_record_stores_the_question_and_its_answer(querylog):
    query_id = querylog.record(_answer(), interface="slash", guild_id=11, channel_id=22, user_id=33)
    [row] = _rows(querylog.path, "queries")
    assert row["id"] == query_id == 1
    assert dt.datetime.fromisoformat(row["ts"]).utcoffset() == dt.timedelta(0)
    assert (row["interface"], row["guild_id"], row["channel_id"]) == ("slash", 11, 22)
    assert row["question"] == "When was Blinken's trip cancelled?"
    assert (row["answered"], row["answer"]) == (1, "In February, Blinken canceled a trip.")
    assert json.loads(row["sources"])[0]["sources"][0]["article_id"] == "002_b693"
    assert (row["top_score"], row["latency_ms"], row["index_version"]) == (0.83, 20.0, "build-7")


def test_user_ids_are_stored_as_salted_hashes(tmp_path, querylog):
    querylog.record(_answer(), interface="slash", user_id=33)
    other_salt = QueryLog(tmp_path / "other.db", salt="salt2")
    other_salt.record(_answer(), interface="slash", user_id=33)
    hashed = _rows(querylog.path, "queries")[0]["user_hash"]
    assert hashed != "33" and len(hashed) == 24
    assert hashed == querylog.user_hash(33)
    assert hashed != _rows(other_salt.path, "queries")[0]["user_hash"]
    other_salt.close()


def test_raw_user_ids_when_configured(tmp_path):
    raw = QueryLog(tmp_path / "raw.db", raw_user_ids=True)
    raw.record(_answer(), interface="mention", user_id=33)
    assert _rows(raw.path, "queries")[0]["user_hash"] == "33"
    raw.close()


def test_cli_questions_need_no_user(querylog):
    assert querylog.record(_answer(), interface="cli") == 1
    assert _rows(querylog.path, "queries")[0]["user_hash"] is None


def test_one_vote_per_user_per_answer_and_it_can_change(querylog):
    query_id = querylog.record(_answer(), interface="slash")
    assert querylog.vote(query_id, 1, 1)
    assert querylog.vote(query_id, 1, -1)
    assert querylog.vote(query_id, 2, 1)
    votes = sorted((r["user_hash"], r["vote"]) for r in _rows(querylog.path, "feedback"))
    assert votes == sorted([(querylog.user_hash(1), -1), (querylog.user_hash(2), 1)])
    stats = querylog.stats()
    assert (stats.votes_up, stats.votes_down) == (1, 1)


def test_a_vote_is_plus_or_minus_one(querylog):
    with pytest.raises(ValueError, match="a vote is"):
        querylog.vote(1, 1, 2)


def test_a_vote_on_an_unknown_answer_is_refused_not_raised(querylog, caplog):
    with caplog.at_level(logging.WARNING):
        assert querylog.vote(999, 1, 1) is False
    assert "could not record the vote" in caplog.text


def test_record_never_raises_when_the_log_cannot_be_opened(tmp_path, caplog):
    (tmp_path / "a-folder.db").mkdir()
    with caplog.at_level(logging.WARNING):
        broken = QueryLog(tmp_path / "a-folder.db")
        assert broken.record(_answer(), interface="slash") is None
        assert broken.vote(1, 1, 1) is False
    assert "cannot be opened" in caplog.text
    with pytest.raises(QueryLogUnavailable, match="could not be opened"):
        broken.stats()


def test_record_never_raises_when_a_write_fails(querylog, caplog):
    with sqlite3.connect(querylog.path) as conn:
        conn.execute(
            "CREATE TRIGGER full BEFORE INSERT ON queries "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    with caplog.at_level(logging.WARNING):
        assert querylog.record(_answer(), interface="slash") is None
    assert "could not log the question" in caplog.text


def test_reading_something_that_is_not_a_log_says_so(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(QueryLogUnavailable):
        QueryLog(junk).tail()


def test_stats_count_questions_answers_and_median_latency(querylog):
    assert querylog.stats().questions == 0
    assert querylog.stats().answered_share is None
    for latency, answered in [(10, True), (30, False), (20, True), (40, True)]:
        querylog.record(_answer(answered=answered, latency_ms=latency), interface="cli")
    stats = querylog.stats()
    assert (stats.questions, stats.answered, stats.answered_share) == (4, 3, 0.75)
    assert stats.median_latency_ms == 25.0
    querylog.record(_answer(latency_ms=1000), interface="cli")
    assert querylog.stats().median_latency_ms == 30.0


def test_tail_is_newest_first_and_get_returns_the_quotes(querylog):
    for n in range(5):
        querylog.record(_answer(f"question {n}"), interface="cli")
    assert [q.question for q in querylog.tail(3)] == ["question 4", "question 3", "question 2"]
    logged = querylog.get(2)
    assert logged is not None and logged.question == "question 1"
    assert logged.quote_texts == ("In February, Blinken canceled a trip.",)
    assert querylog.get(99) is None


def test_unanswered_are_grouped_and_most_frequent_first(querylog):
    for question in ["Who won?", "who won? ", "Banana bread?", "WHO WON?", "Banana bread?"]:
        querylog.record(_answer(question, answered=False), interface="slash")
    querylog.record(_answer("Answered one"), interface="slash")
    top = querylog.unanswered(5)
    assert [(u.question.strip().lower(), u.count) for u in top] == [
        ("who won?", 3),
        ("banana bread?", 2),
    ]


def test_writes_from_many_threads_all_land(querylog):
    with ThreadPoolExecutor(8) as pool:
        ids = list(
            pool.map(
                lambda n: querylog.record(_answer(f"q{n}"), interface="slash", user_id=n), range(64)
            )
        )
    assert sorted(ids) == list(range(1, 65))
    assert querylog.stats().questions == 64


def test_two_logs_on_one_file_share_it(querylog):
    second = QueryLog(querylog.path, salt="pepper")
    query_id = querylog.record(_answer(), interface="cli")
    assert second.vote(query_id, 5, 1)
    assert querylog.stats().votes_up == 1
    second.close()
