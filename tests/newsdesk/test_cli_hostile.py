"""Hostile input at the command line: one clear line, never a traceback, nothing lost; text
from users and articles never drives the terminal."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import BuildOptions, build_index
from kernel.errors import NewsdeskError
from newsdesk.cli import _register_optional, cli
from newsdesk.cli_ask import format_answer
from newsdesk.terminal import json_line, shown
from retrieval import Answer, Answerer, QueryLog, Quote, RetrievalConfig, Source, check_question
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m\u202e"
HYPOTHESIS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def env(bundled_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    _register_optional()
    return {"NEWSDESK_INDEX_DIR": str(bundled_index), "NEWSDESK_DB": str(tmp_path / "log.db")}


def _newsdesk(args: list[str | bytes], env: dict[str, str], stdin: bytes = b""):
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        timeout=180,
    )


def test_ask_with_bytes_that_are_not_utf8_is_one_line(env):
    run = _newsdesk(["ask", b"When was \xff\xfe cancelled?"], env)
    assert run.returncode != 0
    err = run.stderr.decode()
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "not UTF-8" in err


def test_chat_answers_the_lines_around_one_that_is_not_utf8(env, tmp_path):
    lines = b"When was Blinken's trip cancelled?\n\xff\xfe bad \xc3\n Who shot down the balloon?\n"
    run = _newsdesk(["chat", "--json"], env, stdin=lines)
    assert run.returncode == 0, run.stderr.decode()
    answers = [json.loads(line) for line in run.stdout.decode().splitlines()]
    assert len(answers) == 2 and answers[0]["answered"]
    err = run.stderr.decode()
    assert "Traceback" not in err and err.count("not UTF-8") == 1
    with sqlite3.connect(tmp_path / "log.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM queries").fetchone()[0] == 2


def test_log_tail_shows_escape_codes_without_running_them(env, tmp_path):
    querylog = QueryLog(tmp_path / "log.db")
    querylog.record(
        Answer(f"clear {ESCAPES} me", False, (), 1.0, articles_searched=1, index_version="b"),
        interface="cli",
    )
    querylog.close()
    for args in (["log", "tail"], ["log", "unanswered"], ["log", "tail", "--json"]):
        result = CliRunner().invoke(cli, args, env=env)
        assert result.exit_code == 0, result.output
        for char in "\x1b\x07\x9b\u202e":
            assert char not in result.stdout
        assert "\\x1b[2J" in result.stdout or "\\u001b[2J" in result.stdout
    row = json.loads(CliRunner().invoke(cli, ["log", "tail", "--json"], env=env).stdout)
    assert row["question"] == f"clear {ESCAPES} me"  # the log keeps what was asked


def test_quotes_from_articles_are_printed_inert():
    source = Source("a", f"Title {ESCAPES}", "Outlet", None, None, "corpus/a.md", 0, 5)
    answer = Answer("q", True, (Quote(f"Said {ESCAPES}.", 0.9, (source,)),), 1.0, 1, "b")
    for text in (format_answer(answer), json_line(answer.to_json())):
        assert not any(char in text for char in "\x1b\x07\x9b\u202e")
    assert json.loads(json_line(answer.to_json()))["answer"] == f"Said {ESCAPES}."


def test_a_question_of_exactly_the_limit_is_taken_and_one_more_is_refused_consistently():
    exact = ("why " * 125)[:499] + "?"
    assert len(exact) == 500
    check_question(exact, max_chars=500)
    with pytest.raises(NewsdeskError, match="to 500 at most"):
        check_question(exact + "!", max_chars=500)


def test_eval_of_a_file_that_is_not_utf8_is_one_line(env, tmp_path):
    qa = tmp_path / "qa.jsonl"
    qa.write_bytes(b'{"question": "caf\xe9?", "answers": []}\n')
    result = CliRunner().invoke(cli, ["eval", "--qa", str(qa)], env=env)
    assert result.exit_code != 0 and "not UTF-8" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.fixture
def small_index(tmp_path, tiny_corpus) -> Path:
    index_dir = tmp_path / "small"
    build_index(tiny_corpus, index_dir, FakeEmbedder(), BuildOptions(32, 8))
    return index_dir.resolve()


def _info(index_dir: Path):
    return CliRunner().invoke(cli, ["index", "info", "--index", str(index_dir)])


@pytest.mark.parametrize("part", ["vectors.faiss", "chunk_vectors.npy", "chunks.db", "bm25"])
def test_index_info_reports_a_damaged_index_as_damaged(small_index, part, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert _info(small_index).exit_code == 0
    target = small_index / part
    if target.is_dir():
        for file in target.iterdir():
            file.write_bytes(b"garbage")
    else:
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 3])
    result = _info(small_index)
    assert result.exit_code != 0 and "damaged" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("key", ["counts", "model", "index_type", "dimension"])
def test_a_hand_edited_manifest_is_one_line_not_a_key_error(
    small_index, key, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    manifest = json.loads((small_index / "manifest.json").read_text())
    manifest.pop(key)
    (small_index / "manifest.json").write_text(json.dumps(manifest))
    result = _info(small_index)
    assert result.exit_code != 0 and key in result.stderr and "damaged" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


@HYPOTHESIS
@given(text=st.text(max_size=600))
def test_any_text_is_a_question_or_one_clear_refusal(text):
    try:
        question = check_question(text, max_chars=500)
    except NewsdeskError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert question.text.strip()


@pytest.fixture(scope="module")
def answerer(bundled_index, real_embedder) -> Answerer:
    return Answerer(bundled_index, real_embedder, RetrievalConfig(top_k=3))


@HYPOTHESIS
@given(
    text=st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
    | st.sampled_from(
        [ESCAPES, "<@123> **when** was `it`?", "\x00\x01 when?", "?" * 300, "x" * 20_000]
    )
)
def test_any_text_asked_gets_an_answer_or_one_clear_refusal(answerer, text):
    try:
        answer = answerer.ask(text)
    except NewsdeskError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    printed = format_answer(answer) + json_line(answer.to_json())
    assert "\x1b" not in printed and "\x9b" not in printed
    for quote in answer.quotes:
        assert quote.text


def test_shown_keeps_ordinary_text_and_lines():
    text = "Línea uno\n\tcafé — 東京 🙂"
    assert shown(text) == text
