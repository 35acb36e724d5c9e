"""`newsdesk log stats | tail | unanswered` over a real query log."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from newsdesk import cli as cli_module
from newsdesk.cli import cli
from newsdesk.settings import Settings
from retrieval import Answer, QueryLog, Quote, Source

SOURCE = Source(
    article_id="a1",
    title="T",
    outlet=None,
    url=None,
    published=None,
    path="corpus/a1.md",
    char_start=0,
    char_end=5,
)


def _answer(question: str, answered: bool, latency_ms: float) -> Answer:
    quotes = (Quote("In February.", 0.9, (SOURCE,)),) if answered else ()
    return Answer(
        question=question,
        answered=answered,
        quotes=quotes,
        latency_ms=latency_ms,
        articles_searched=5,
        index_version="build-1",
    )


@pytest.fixture
def db(tmp_path, monkeypatch):
    cli_module._register_optional()
    path = tmp_path / "var" / "newsdesk.db"
    settings = Settings(_env_file=None, newsdesk_db=path, newsdesk_log_salt="s")
    monkeypatch.setattr(cli_module, "load_settings", lambda: settings)
    return path


@pytest.fixture
def filled(db):
    querylog = QueryLog(db, salt="s")
    first = querylog.record(_answer("When was the trip cancelled?", True, 10), interface="slash")
    for latency in (20, 30):
        querylog.record(_answer("Banana bread?", False, latency), interface="mention")
    querylog.record(_answer("Who won?", False, 40), interface="cli")
    querylog.vote(first, 1, 1)
    querylog.close()
    return db


def _run(*args: str):
    return CliRunner().invoke(cli, ["log", *args])


def test_stats_prints_the_totals(filled):
    result = _run("stats")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "questions:       4",
        "answered:        1 (25%)",
        "median latency:  25.0 ms",
        "votes:           +1 / -0",
    ]


def test_stats_as_json(filled):
    data = json.loads(_run("stats", "--json").stdout)
    assert data == {
        "questions": 4,
        "answered": 1,
        "median_latency_ms": 25.0,
        "votes_up": 1,
        "votes_down": 0,
        "answered_share": 0.25,
    }


def test_tail_shows_the_latest_first(filled):
    lines = _run("tail", "-n", "2").stdout.splitlines()
    assert lines[0].startswith("#4 ") and lines[0].endswith("Who won?")
    assert "no answer" in lines[0] and "cli" in lines[0]
    assert lines[1].startswith("#3 ")


def test_tail_as_json_lines(filled):
    rows = [json.loads(line) for line in _run("tail", "--json").stdout.splitlines()]
    assert [r["query_id"] for r in rows] == [4, 3, 2, 1]
    assert rows[-1]["answer"] == "In February."


def test_unanswered_most_frequent_first(filled):
    lines = _run("unanswered").stdout.splitlines()
    assert lines[0].startswith("   2× Banana bread?")
    assert lines[1].startswith("   1× Who won?")


def test_a_missing_log_is_one_clear_line(db):
    result = _run("stats")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: No query log at {db} yet")
    assert not db.exists()
