"""`newsdesk brief` and `newsdesk timeline` end to end, over the dated test set's index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import _register_optional, cli

WINDOW = ["--since", "2024-02-01", "--as-of", "2024-03-12"]


@pytest.fixture
def env(dated_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    _register_optional()
    return {"NEWSDESK_INDEX_DIR": str(dated_index), "NEWSDESK_DB": str(tmp_path / "log.db")}


def run(env: dict[str, str], *args: str):
    return CliRunner().invoke(cli, list(args), env=env)


def test_brief_text_lists_stories_most_carried_first_with_quotes_and_sources(env):
    result = run(env, "brief", *WINDOW)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "3 stories from 4 articles published 2024-02-01 to 2024-03-12."
    assert "1. 2 articles · 1 outlet" in lines
    first_quote = next(line for line in lines if line.startswith("   > "))
    assert "Valdria" in first_quote
    sources = [line for line in lines if line.startswith("   — ")]
    assert len(sources) == 4
    assert all(re.match(r"   — 2024-0[23]-\d\d · ", line) for line in sources)


def test_brief_json_holds_every_story_with_its_sources(env):
    result = run(env, "brief", *WINDOW, "--json")

    assert result.exit_code == 0, result.output
    brief = json.loads(result.stdout)
    assert (brief["since"], brief["until"], brief["articles"]) == ("2024-02-01", "2024-03-12", 4)
    assert [s["articles"] for s in brief["stories"]] == [2, 1, 1]
    valdria = brief["stories"][0]
    assert {s["article_id"] for s in valdria["sources"]} == {"valdria_floods_1", "valdria_floods_2"}
    assert valdria["outlets"] == ["Northern Ledger"] and valdria["also_reported_by"] == []


def test_brief_default_is_the_day_before_and_the_as_of_day(env):
    result = run(env, "brief", "--as-of", "2024-03-09", "--json")

    brief = json.loads(result.stdout)
    assert (brief["since"], brief["until"]) == ("2024-03-08", "2024-03-09")
    assert [s["sources"][0]["article_id"] for s in brief["stories"]] == ["valdria_floods_2"]


def test_brief_topic_keeps_the_stories_about_it(env):
    result = run(env, "brief", *WINDOW, "--topic", "Halvern bridge", "--json")

    assert result.exit_code == 0, result.output
    stories = json.loads(result.stdout)["stories"]
    assert [s["sources"][0]["article_id"] for s in stories] == ["halvern_bridge_1"]


def test_brief_limit_shows_the_most_carried(env):
    result = run(env, "brief", *WINDOW, "--limit", "1")

    assert result.stdout.splitlines()[0].endswith("; the 1 most carried.")
    assert "2. " not in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["brief", "--since", "yesterday"], "'since' takes a span like 24h"),
        (["brief", "--since", "2030-01-01", "--as-of", "2024-01-01"], "is after the as-of day"),
        (["brief", "--as-of", "March"], "--as-of takes a date"),
        (["brief", "--topic", "?!"], "Name the topic in words"),
        (["timeline", "?!"], "Name the topic in words"),
        (["timeline", "Halvern", "--since", "spring"], "--since takes a date"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(env, args, says):
    result = run(env, *args)

    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert says in result.stderr and "Traceback" not in result.output


def test_timeline_text_gives_each_event_its_date_oldest_first(env):
    result = run(env, "timeline", "Halvern", "river", "bridge")

    assert result.exit_code == 0, result.output
    blocks = result.stdout.strip().split("\n\n")
    assert blocks[0].startswith('Timeline of "Halvern river bridge": 5 entries from 36 articles')
    dates = [b.splitlines()[0] for b in blocks[1:]]
    assert dates[0] == 'Monday 12 February 2024 ("on Monday")'
    assert dates[-1] == '8 July 2024 ("to July 8")'
    assert "29 April 2024 (published)" in dates
    assert all(b.splitlines()[1].startswith("  > ") for b in blocks[1:])
    assert all(b.splitlines()[2].startswith("  — 2024-") for b in blocks[1:])


def test_timeline_json_and_since(env):
    result = run(env, "timeline", "Halvern river bridge", "--since", "2024-03-01", "--json")

    assert result.exit_code == 0, result.output
    timeline = json.loads(result.stdout)
    assert timeline["since"] == "2024-03-01"
    entries = timeline["entries"]
    assert entries and all(
        s["article_id"] == "halvern_bridge_2" for e in entries for s in e["sources"]
    )
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)


@pytest.mark.parametrize("command", ["brief", "timeline"])
def test_commands_have_help_with_an_example(env, command):
    result = run(env, command, "--help")

    assert result.exit_code == 0
    assert f"Example: newsdesk {command}" in result.stdout
