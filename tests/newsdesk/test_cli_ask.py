"""`newsdesk ask`, `chat` and `eval` end to end, with the real model and index."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import _register_optional, cli
from tests.conftest import QA_FILE, ROOT

DATE_FIRST = re.compile(r"^  — (?:earlier report: )?(?:\d{4}-\d\d-\d\d|undated) · ")


@pytest.fixture
def env(bundled_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    _register_optional()
    return {"NEWSDESK_INDEX_DIR": str(bundled_index), "NEWSDESK_DB": str(tmp_path / "log.db")}


def test_ask_json_has_exactly_the_documented_fields(env):
    result = CliRunner().invoke(
        cli, ["ask", "When was Blinken's trip cancelled?", "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    # "lead": a when-question leads with its date; "as_of" only when one was given.
    assert set(answer) == {"question", "answered", "answer", "lead", "quotes", "latency_ms"}
    assert answer["answered"] is True and "February" in answer["answer"]
    source = answer["quotes"][0]["sources"][0]
    assert set(source) == {
        "article_id",
        "title",
        "outlet",
        "url",
        "published",
        "path",
        "char_start",
        "char_end",
    }
    assert source["path"].endswith(".md")


def test_ask_text_shows_block_quotes_and_source_lines(env):
    result = CliRunner().invoke(
        cli, ["ask", "When was Blinken's trip cancelled?", "--k", "2"], env=env
    )
    assert result.exit_code == 0
    quotes = [line for line in result.stdout.splitlines() if line.startswith("> ")]
    assert quotes and any("February" in q for q in quotes)
    assert any(
        line.strip().startswith("—") and ".md" in line for line in result.stdout.splitlines()
    )


def test_ask_is_written_to_the_query_log(env, tmp_path):
    CliRunner().invoke(cli, ["ask", "who shot down the balloon"], env=env)
    rows = (
        sqlite3.connect(tmp_path / "log.db")
        .execute("select interface, question, answered from queries")
        .fetchall()
    )
    assert rows == [("cli", "who shot down the balloon", 1)]


@pytest.mark.parametrize("question", ["", "🙂", "x" * 10_000])
def test_ask_bad_question_is_one_line_and_non_zero_exit(env, question):
    result = CliRunner().invoke(cli, ["ask", question], env=env)
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_ask_without_an_index_says_how_to_build_one(env, tmp_path):
    env = {**env, "NEWSDESK_INDEX_DIR": str(tmp_path / "nothing")}
    result = CliRunner().invoke(cli, ["ask", "anything?"], env=env)
    assert result.exit_code != 0
    assert "newsdesk index build" in result.stderr


def test_chat_json_answers_each_piped_line_and_skips_bad_ones(env):
    lines = "When was Blinken's trip cancelled?\n\n🙂\nHow do I make a sourdough bread starter?\n"
    result = CliRunner().invoke(cli, ["chat", "--json"], input=lines, env=env)
    assert result.exit_code == 0
    answers = [json.loads(x) for x in result.stdout.splitlines()]
    assert [a["answered"] for a in answers] == [True, False]
    assert "ask a question" in result.stderr


def test_eval_reports_every_metric(env):
    result = CliRunner().invoke(cli, ["eval", "--qa", str(QA_FILE), "--json"], env=env)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    for name in (
        "hit@1",
        "hit@3",
        "source_recall@3",
        "mrr",
        "no_answer_precision",
        "no_answer_recall",
        "latency_p50_ms",
        "latency_p95_ms",
    ):
        assert name in report["metrics"]
    assert len(report["results"]) == sum(1 for x in QA_FILE.read_text().splitlines() if x.strip())


def test_python_dash_m_newsdesk_pipes_through_chat(env):
    run = subprocess.run(
        [sys.executable, "-m", "newsdesk", "chat"],
        input="When was Blinken's trip cancelled?\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "February" in run.stdout


def test_ask_json_carries_as_of_the_lead_and_resolved_dates(env):
    result = CliRunner().invoke(
        cli,
        ["ask", "When was Blinken's trip cancelled?", "--json", "--as-of", "2023-07-01"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["as_of"] == "2023-07-01"
    assert answer["lead"] == "February 2023"
    first = answer["quotes"][0]
    dates = {d["text"].lower(): d["resolved"] for d in first["dates"]}
    assert dates["in february"] == "2023-02"
    for quote in answer["quotes"]:
        for d in quote["dates"]:
            assert quote["text"][d["char_start"] : d["char_end"]] == d["text"]
            assert set(d) == {"text", "char_start", "char_end", "resolved"}


def test_every_source_line_starts_with_its_date(env):
    result = CliRunner().invoke(cli, ["ask", "Who met Blinken in Beijing?", "--k", "4"], env=env)
    assert result.exit_code == 0
    sources = [line for line in result.stdout.splitlines() if line.startswith("  — ")]
    assert sources and all(DATE_FIRST.match(line) for line in sources)


def test_a_bad_as_of_is_one_clear_line(env):
    result = CliRunner().invoke(cli, ["ask", "Who met Blinken?", "--as-of", "14/11/2025"], env=env)
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        "Error: --as-of takes a date like 2025-11-14, not '14/11/2025'."
    ]


def test_chat_mixes_json_lines_with_their_own_as_of_and_plain_lines(dated_index, tmp_path):
    env = {"NEWSDESK_INDEX_DIR": str(dated_index), "NEWSDESK_DB": str(tmp_path / "log.db")}
    _register_optional()
    question = "How many people have died in the floods in Valdria province?"
    lines = [
        json.dumps({"question": question, "as_of": "2024-03-06"}),
        question,
        json.dumps({"question": question, "as_of": "2024-13-01"}),
        json.dumps({"as_of": "2024-03-06"}),
        json.dumps({"question": question}),
    ]
    result = CliRunner().invoke(
        cli, ["chat", "--json", "--as-of", "2024-03-12"], input="\n".join(lines) + "\n", env=env
    )
    assert result.exit_code == 0, result.output
    answers = [json.loads(x) for x in result.stdout.splitlines()]
    assert [a["as_of"] for a in answers] == ["2024-03-06", "2024-03-12", "2024-03-12"]
    assert "12 people" in answers[0]["answer"]
    assert "37 people" in answers[1]["answer"] and "37 people" in answers[2]["answer"]
    assert any(q.get("earlier_report") and "12 people" in q["text"] for q in answers[1]["quotes"])
    errors = result.stderr.strip().splitlines()
    assert errors == [
        "error: --as-of takes a date like 2025-11-14, not '2024-13-01'.",
        'error: a JSON line needs a "question" string: {"question": "...", "as_of": "2025-11-14"}.',
    ]


def test_eval_reads_as_of_from_the_qa_file(dated_index, tmp_path):
    env = {"NEWSDESK_INDEX_DIR": str(dated_index), "NEWSDESK_DB": str(tmp_path / "log.db")}
    _register_optional()
    qa = tmp_path / "qa.jsonl"
    question = "How many people have died in the floods in Valdria province?"
    qa.write_text(
        json.dumps({"question": question, "answers": ["12 people"], "as_of": "2024-03-06"})
        + "\n"
        + json.dumps({"question": question, "answers": ["37 people"]})
        + "\n"
    )
    result = CliRunner().invoke(
        cli, ["eval", "--qa", str(qa), "--json", "--as-of", "2024-03-12"], env=env
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["metrics"]["hit@1"] == 1.0
    assert [r["as_of"] for r in report["results"]] == ["2024-03-06", "2024-03-12"]
