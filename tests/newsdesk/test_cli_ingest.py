"""`newsdesk add` and `newsdesk feeds …` end to end: local server, real model, real index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import _register_optional, cli
from tests.ingest.conftest import BRIDGE, COMET, TRAM, server  # noqa: F401 (fixture)
from tests.ingest.server import Page

BRIDGE_QUESTION = "How long is the glass footbridge in Vellmar?"


@pytest.fixture
def env(bundled_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A desk with its own copy of the bundled corpus and index, allowed to read 127.0.0.1."""
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    _register_optional()
    shutil.copytree(bundled_index.parent, tmp_path / "desk", symlinks=True)
    return {
        "NEWSDESK_CORPUS_DIR": str(tmp_path / "desk" / "corpus"),
        "NEWSDESK_INDEX_DIR": str(tmp_path / "desk" / "index"),
        "NEWSDESK_DB": str(tmp_path / "newsdesk.db"),
        "NEWSDESK_ALLOW_PRIVATE_URLS": "true",
        "NEWSDESK_FETCH_TIMEOUT_S": "1",
    }


def run(env: dict[str, str], *args: str):
    return CliRunner().invoke(cli, list(args), env=env)


def _articles(env) -> list[Path]:
    return sorted(Path(env["NEWSDESK_CORPUS_DIR"]).rglob("*.md"))


def test_follow_poll_ask_and_poll_again(env, server):  # noqa: F811
    before = len(_articles(env))
    followed = run(env, "feeds", "add", server.url("/rss.xml"), "--every", "30m")
    run(env, "feeds", "add", server.url("/atom.xml"), "--every", "1h")

    polled = run(env, "feeds", "poll")
    answer = run(env, "ask", BRIDGE_QUESTION, "--json")
    hits = len(server.hits)
    again = run(env, "feeds", "poll", "--all")

    assert followed.exit_code == 0 and "Following #1" in followed.stdout
    assert polled.exit_code == 0, polled.output
    assert "3 articles added from 2 feeds." in polled.stdout
    added = [line for line in polled.stdout.splitlines() if line.startswith("added: ")]
    assert len(added) == 3
    bridge = next(line for line in added if "Vellmar" in line)
    assert f"{BRIDGE[0]} — Valley Courier, 2024-03-04, 1 chunk" in bridge
    assert "valley-courier/" in bridge
    result = json.loads(answer.stdout)
    assert result["answered"] is True and "720 metres" in result["answer"]
    assert result["quotes"][0]["sources"][0]["url"] == server.url("/news/bridge.html")
    assert again.exit_code == 0 and "0 articles added from 2 feeds." in again.stdout
    assert [(h.path, h.status) for h in server.hits[hits:]] == [
        ("/rss.xml", 304),
        ("/atom.xml", 200),
    ] or [(h.path, h.status) for h in server.hits[hits:]] == [
        ("/atom.xml", 200),
        ("/rss.xml", 304),
    ]
    assert len(_articles(env)) == before + 3


def test_add_prints_title_outlet_date_and_chunks_then_refuses_a_second_copy(
    env,
    server,  # noqa: F811
):
    first = run(env, "add", server.url("/news/tram.html"), server.url("/science/comet.html"))
    second = run(env, "add", server.url("/news/tram.html"))

    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert any(
        line.startswith(f"added: {TRAM[0]} — Kessel Post, no date, 1 chunk") for line in lines
    )
    assert any(f"added: {COMET[0]} — Sky Weekly, 2024-03-04" in line for line in lines)
    assert second.exit_code == 0
    assert "is already in the corpus as" in second.stdout


def test_add_failures_are_one_line_each_and_exit_non_zero(env, server):  # noqa: F811
    server.add("/report.pdf", Page(b"%PDF-1.4", content_type="application/pdf"))
    before = _articles(env)

    result = run(env, "add", server.url("/nowhere.html"), server.url("/report.pdf"))

    assert result.exit_code == 1
    assert result.stdout == ""
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("failed: ") for line in errors)
    assert "answered 404" in errors[0] and "is a PDF document" in errors[1]
    assert "Traceback" not in result.output
    assert _articles(env) == before


def test_private_addresses_are_refused_unless_allowed(env, server):  # noqa: F811
    closed = {k: v for k, v in env.items() if k != "NEWSDESK_ALLOW_PRIVATE_URLS"}

    result = run(closed, "add", server.url("/news/bridge.html"))

    assert result.exit_code == 1
    assert "127.0.0.1, a private, local or reserved address" in result.stderr
    assert "NEWSDESK_ALLOW_PRIVATE_URLS=true" in result.stderr
    assert server.hits == []


def test_feeds_list_shows_a_failing_feed_with_its_error_and_remove_drops_it(
    env,
    server,  # noqa: F811
):
    run(env, "feeds", "add", server.url("/rss.xml"))
    server.add("/rss.xml", Page(b"", status=500))
    run(env, "feeds", "poll")

    listed = run(env, "feeds", "list")
    as_json = run(env, "feeds", "list", "--json")
    removed = run(env, "feeds", "remove", server.url("/rss.xml"))
    empty = run(env, "feeds", "list")

    assert "failing (1 in a row; next try after 1h)" in listed.stdout
    assert "answered 500" in listed.stdout
    row = json.loads(as_json.stdout.splitlines()[0])
    assert row["failures"] == 1 and row["every_s"] == 1800
    assert removed.exit_code == 0 and "Stopped following #1" in removed.stdout
    assert "No feeds yet" in empty.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("feeds", "remove", "42"), "No followed feed has the id or URL '42'"),
        (("feeds", "add", "http://127.0.0.1:9/x.xml", "--every", "soon"), "not a polling interval"),
    ],
)
def test_bad_feed_commands_are_one_clear_line(env, args, expected):
    result = run(env, *args)

    assert result.exit_code == 1
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_feeds_poll_exit_status_tells_cron_what_happened(env, server, tmp_path):  # noqa: F811
    from ingest.ingester import one_at_a_time

    run(env, "feeds", "add", server.url("/atom.xml"))
    good = run(env, "feeds", "poll")
    run(env, "feeds", "add", server.url("/rss.xml"))
    server.add("/rss.xml", Page(b"", status=500))
    some_failed = run(env, "feeds", "poll", "--all")
    with one_at_a_time(Path(env["NEWSDESK_DB"]), wait=False):
        busy = run(env, "feeds", "poll", "--all")

    assert good.exit_code == 0, good.output
    assert some_failed.exit_code == 1 and "answered 500" in some_failed.stderr
    assert busy.exit_code == 2
    assert busy.stderr.strip().splitlines() == [
        "Error: A feed poll is already running (or links are being added); this one was "
        "skipped. Try again when it has finished."
    ]


def test_credentials_are_never_printed_and_long_links_are_shortened(env, server):  # noqa: F811
    secret = server.url("/news/bridge.html").replace("://", "://alice:hunter2@")
    long_link = server.url("/missing/" + "a" * 10_000 + ".html")

    added = run(env, "add", secret)
    failed = run(env, "add", long_link.replace("://", "://bob:pw9@"))

    assert added.exit_code == 0 and "added: " in added.stdout
    for secret_word in ("alice", "hunter2", "bob", "pw9"):
        assert secret_word not in added.output + failed.output
    (line,) = failed.stderr.strip().splitlines()
    assert len(line) < 300 and "…" in line and "answered 404" in line
    stored = " ".join(p.read_text("utf-8") for p in _articles(env))
    assert "hunter2" not in stored


def test_library_log_lines_go_to_the_log_file_not_the_terminal(env, server, tmp_path):  # noqa: F811
    import os
    import subprocess
    import sys

    server.add("/scripts.html", Page(b"<html><body><script>var a = 1;</script></body></html>"))
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk", "add", server.url("/scripts.html")],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"failed: {server.url('/scripts.html')} has no article text; nothing was added."
    ]
    log_file = Path(env["NEWSDESK_DB"]).parent / "newsdesk.log"
    assert "WARNING trafilatura" in log_file.read_text("utf-8")
