"""`newsdesk index build` and `index info` as a user runs them, and help for every command."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from index import BuildOptions, build_index
from newsdesk import cli as cli_module
from newsdesk.cli import cli
from tests.conftest import CORPUS
from tests.fakes import FakeEmbedder


@pytest.fixture
def runner(tmp_path, monkeypatch) -> CliRunner:
    """A runner in an empty folder (no .env there), the fake model standing in for the real one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("newsdesk.building.open_encoder", lambda *a, **k: FakeEmbedder())
    return CliRunner()


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "budget.txt").write_text("The council approved the new budget on Monday.\n")
    (folder / "bridge.txt").write_text("The bridge reopened to traffic on Friday.\n")
    return folder


def _index(runner: CliRunner, *args: str):
    return runner.invoke(cli, ["index", *args])


def test_build_prints_a_summary_and_exits_zero(runner, corpus, tmp_path):
    result = _index(runner, "build", "--corpus", str(corpus), "--index", str(tmp_path / "idx"))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "Indexed 2 articles: 2 added, 0 updated, 0 unchanged, "
        "0 removed, 0 skipped; 2 chunks (2 embedded)"
    )
    assert result.stderr == ""


def test_second_build_reports_every_article_unchanged(runner, corpus, tmp_path):
    _index(runner, "build", "--corpus", str(corpus), "--index", str(tmp_path / "idx"))

    result = _index(runner, "build", "--corpus", str(corpus), "--index", str(tmp_path / "idx"))

    assert "0 added, 0 updated, 2 unchanged, 0 removed" in result.stdout
    assert "(0 embedded)" in result.stdout


def test_rebuild_embeds_every_chunk_again(runner, corpus, tmp_path):
    _index(runner, "build", "--corpus", str(corpus), "--index", str(tmp_path / "idx"))

    result = _index(
        runner, "build", "--corpus", str(corpus), "--index", str(tmp_path / "idx"), "--rebuild"
    )

    assert "2 chunks (2 embedded)" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("scan.txt", b"\x00\x01\x02binary", "binary file (contains NUL bytes)"),
        ("notes.txt", "Caf\u00e9".encode("latin-1"), "not valid UTF-8 (byte 3)"),
        ("broken.md", b"---\ntitle: [oops\n---\nText.\n", "malformed front matter"),
        ("empty.md", b"", "empty file"),
    ],
)
def test_unreadable_file_gives_one_warning_line_and_the_build_goes_on(
    runner, corpus, tmp_path, name, content, reason
):
    (corpus / name).write_bytes(content)

    result = _index(runner, "build", "--corpus", str(corpus), "--index", str(tmp_path / "idx"))

    assert result.exit_code == 0
    [warning] = result.stderr.splitlines()
    assert warning.startswith(f"warning: skipped corpus/{name}: {reason}")
    assert "Indexed 2 articles" in result.stdout
    assert "1 skipped" in result.stdout


def test_missing_corpus_folder_is_one_clear_line_and_a_failure(runner, tmp_path):
    result = _index(runner, "build", "--corpus", "nowhere", "--index", str(tmp_path / "idx"))

    assert result.exit_code != 0
    assert result.stderr.splitlines() == [
        "Error: The corpus folder nowhere does not exist; create it or set NEWSDESK_CORPUS_DIR."
    ]


def test_corpus_without_articles_is_one_clear_line_and_leaves_the_index(runner, corpus, tmp_path):
    _index(runner, "build", "--corpus", str(corpus), "--index", str(tmp_path / "idx"))
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"\xff\xd8")

    result = _index(runner, "build", "--corpus", "photos", "--index", str(tmp_path / "idx"))

    assert result.exit_code != 0
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: Nothing to index in photos")
    assert (
        json.loads(_index(runner, "info", "--index", str(tmp_path / "idx"), "--json").stdout)[
            "counts"
        ]["articles"]
        == 2
    )


def test_unwritable_index_folder_is_one_clear_line_and_a_failure(runner, corpus, tmp_path):
    (tmp_path / "var").write_text("a file where the index folder's parent should be")

    result = _index(runner, "build", "--corpus", str(corpus), "--index", "var/index")

    assert result.exit_code != 0
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: Cannot write the index at var/index:")
    assert "Traceback" not in result.output


def test_info_shows_model_counts_build_time_type_and_size(runner, tmp_path, tiny_corpus):
    build_index(
        tiny_corpus,
        tmp_path / "idx",
        FakeEmbedder(),
        BuildOptions(chunk_tokens=32, overlap_tokens=8),
    )

    result = _index(runner, "info", "--index", str(tmp_path / "idx"))

    assert result.exit_code == 0
    fields = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert fields["model"].strip().startswith("fake-bow")
    assert fields["articles"].strip() == "12"
    assert fields["undated"].strip() == "0 articles without a publication date"
    assert int(fields["chunks"]) >= 12
    assert fields["index type"].strip() == "flat-ip"
    assert fields["chunking"].strip() == "32 tokens, 8 overlap"
    assert " in " in fields["built at"] and fields["built at"].strip().endswith(" s")
    assert fields["size on disk"].strip().endswith("MiB")


def test_info_json_is_the_manifest_with_the_size(runner, built_index):
    result = _index(runner, "info", "--index", str(built_index), "--json")

    manifest = json.loads(result.stdout)
    assert manifest["counts"]["articles"] == 12
    assert manifest["size_bytes"] > 0
    assert manifest["undated_articles"] == 0


def test_info_without_an_index_is_one_clear_line_and_a_failure(runner, tmp_path):
    result = _index(runner, "info", "--index", str(tmp_path / "none"))

    assert result.exit_code != 0
    assert result.stderr.splitlines() == [
        f"Error: No index found at {tmp_path / 'none'}; run `newsdesk index build` first."
    ]


def test_real_model_build_of_the_bundled_corpus_reports_every_article(
    tmp_path, monkeypatch, real_embedder
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("newsdesk.building.open_encoder", lambda *a, **k: real_embedder)

    result = CliRunner().invoke(
        cli, ["index", "build", "--corpus", str(CORPUS), "--index", "var/index"]
    )
    info = CliRunner().invoke(cli, ["index", "info", "--index", "var/index"])

    assert result.exit_code == 0, result.output
    assert "Indexed 5 articles: 5 added" in result.stdout
    assert "all-MiniLM-L6-v2 (weights sha256 53aa5117" in info.stdout


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


cli_module._register_optional()
ALL_COMMANDS = [((), cli), *_commands(cli)]


@pytest.mark.parametrize(
    ("path", "command"), ALL_COMMANDS, ids=[" ".join(p) or "newsdesk" for p, _ in ALL_COMMANDS]
)
def test_every_command_has_help_text(path, command):
    result = CliRunner().invoke(cli, [*path, "--help"])

    assert result.exit_code == 0
    assert (command.help or "").strip()
    assert "Example:" in command.help
    assert all(p.help for p in command.params if isinstance(p, click.Option))


_BUILD_IN_PROCESS = """
import sys
from newsdesk.cli import main
sys.argv = ["newsdesk", "index", "build", "--corpus", "corpus", "--index", "idx"]
try:
    main()
finally:
    print("torch imported:", "torch" in sys.modules)
"""


def test_a_real_build_prints_no_library_chatter_and_never_loads_torch(tmp_path):
    import os
    import shutil
    import subprocess
    import sys

    from tests.conftest import ROOT

    shutil.copytree(CORPUS, tmp_path / "corpus")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    done = subprocess.run(
        [sys.executable, "-c", _BUILD_IN_PROCESS],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Indexed 5 articles: 5 added")
    assert "torch imported: False" in done.stdout  # a small update need not wait for torch
    assert done.stderr == ""  # no DEBUG lines from bm25s, no warnings
