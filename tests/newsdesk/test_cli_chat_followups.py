"""`newsdesk chat` follows the conversation: a line that leans on the one before is read as
its follow-up (and says so), `--no-context` turns that off, and a blank line starts over.
The real model and the bundled index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import _register_optional, cli

FIRST = "Who shot down the Chinese balloon?"
FOLLOW = "and when?"


@pytest.fixture
def env(bundled_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    _register_optional()
    return {"NEWSDESK_INDEX_DIR": str(bundled_index), "NEWSDESK_DB": str(tmp_path / "log.db")}


def _chat(env: dict[str, str], lines: list[str], *options: str) -> list[dict]:
    result = CliRunner().invoke(
        cli,
        ["chat", "--json", "--as-of", "2023-06-20", *options],
        input="\n".join(lines) + "\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_follow_up_is_read_with_the_earlier_names_and_answered(env):
    first, second = _chat(env, [FIRST, FOLLOW])
    assert "read_as" not in first
    assert second["question"] == FOLLOW
    assert second["read_as"].startswith("when")
    assert "balloon" in second["read_as"]
    assert second["answered"] is True
    assert "February" in second["answer"]
    assert second["as_of"] == "2023-06-20"


def test_a_question_of_its_own_after_a_turn_is_read_as_it_is(env):
    _, second = _chat(env, [FIRST, "When was Blinken's trip cancelled?"])
    assert "read_as" not in second


def test_no_context_reads_every_line_alone(env):
    _, second = _chat(env, [FIRST, FOLLOW], "--no-context")
    assert "read_as" not in second


def test_a_blank_line_starts_over(env):
    _, second = _chat(env, [FIRST, "", FOLLOW])
    assert "read_as" not in second


def test_text_output_says_how_a_follow_up_was_read_above_the_quotes(env):
    result = CliRunner().invoke(
        cli, ["chat", "--as-of", "2023-06-20"], input=f"{FIRST}\n{FOLLOW}\n", env=env
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    read = [n for n, line in enumerate(lines) if line.startswith("Read as: ")]
    assert len(read) == 1
    assert "balloon" in lines[read[0]]
    assert any(line.startswith("> ") for line in lines[read[0] :])
    assert not any(line.startswith("> ") for line in lines[read[0] - 1 : read[0]])
