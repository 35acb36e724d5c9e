"""`newsdesk bot`: the token check, and the wiring from settings to the running bot."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

import bot
from bot import BotConfig, BotServices, BuildReport
from bot.client import BotStartError
from newsdesk import cli as cli_module
from newsdesk.cli import cli
from newsdesk.cli_bot import MISSING_TOKEN
from newsdesk.settings import Settings
from tests.fakes import FakeEmbedder

SECRET = "MTA5.secret-token-value.xyz"


@pytest.fixture
def use_settings(monkeypatch, tmp_path):
    """Run the CLI with explicit settings (no environment, no .env) and the fake model."""
    cli_module._register_optional()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("newsdesk.building.open_encoder", lambda *a, **k: FakeEmbedder())
    monkeypatch.setattr("newsdesk.wiring.open_encoder", lambda *a, **k: FakeEmbedder())

    def use(**values) -> Settings:
        settings = Settings(_env_file=None, **values)
        monkeypatch.setattr(cli_module, "load_settings", lambda: settings)
        return settings

    return use


@pytest.fixture
def fake_run_bot(monkeypatch):
    calls: list[tuple[BotConfig, BotServices, str]] = []
    monkeypatch.setattr(
        bot, "run_bot", lambda config, services, token: calls.append((config, services, token))
    )
    return calls


@pytest.mark.parametrize("token", [None, "", "   "])
def test_without_a_token_it_says_so_in_one_line_and_exits_2(use_settings, fake_run_bot, token):
    use_settings(discord_token=token)
    result = CliRunner().invoke(cli, ["bot"])
    assert result.exit_code == 2
    assert result.stderr == MISSING_TOKEN + "\n"
    assert result.stdout == ""
    assert not fake_run_bot


def test_builds_the_index_when_missing_and_hands_the_bot_its_settings(
    use_settings, fake_run_bot, tiny_corpus: Path, tmp_path, caplog
):
    use_settings(
        discord_token=SECRET,
        newsdesk_guild_id=42,
        newsdesk_top_k=3,
        newsdesk_cooldown_s=7,
        newsdesk_max_question_chars=300,
        newsdesk_answer_in_thread=True,
        newsdesk_corpus_dir=tiny_corpus,
        newsdesk_index_dir=tmp_path / "index",
        newsdesk_db=tmp_path / "log.db",
    )
    with caplog.at_level(logging.DEBUG):
        result = CliRunner().invoke(cli, ["bot"])

    assert result.exit_code == 0, result.output
    [(config, services, token)] = fake_run_bot
    assert token == SECRET
    assert config == BotConfig(guild_id=42, top_k=3, cooldown_s=7, answer_in_thread=True)
    assert services.answerer.config.max_question_chars == 300  # the bot checks through it
    assert services.answerer.index.n_articles == 12
    assert services.querylog.path == tmp_path / "log.db"
    assert "building it first" in result.stderr
    assert SECRET not in result.output + result.stderr + caplog.text


def test_the_reindex_callable_rebuilds_and_reports(
    use_settings, fake_run_bot, tiny_corpus, tmp_path
):
    use_settings(
        discord_token=SECRET,
        newsdesk_corpus_dir=tiny_corpus,
        newsdesk_index_dir=tmp_path / "index",
        newsdesk_db=tmp_path / "log.db",
    )
    CliRunner().invoke(cli, ["bot"])
    [(_, services, _)] = fake_run_bot
    (tiny_corpus / "extra.txt").write_text("The harbour reopened on Friday after repairs.\n")

    report = services.reindex()

    assert isinstance(report, BuildReport)
    assert (report.articles, report.added, report.unchanged) == (13, 1, 12)


def test_a_rejected_token_is_one_clear_line_without_the_token(
    use_settings, monkeypatch, tiny_corpus, tmp_path
):
    use_settings(
        discord_token=SECRET,
        newsdesk_corpus_dir=tiny_corpus,
        newsdesk_index_dir=tmp_path / "index",
        newsdesk_db=tmp_path / "log.db",
    )

    def rejected(config, services, token):
        raise BotStartError("Discord rejected the bot token; reset it in the Developer Portal.")

    monkeypatch.setattr(bot, "run_bot", rejected)
    result = CliRunner().invoke(cli, ["bot"])

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: Discord rejected the bot token; reset it in the Developer Portal."
    )
    assert "Traceback" not in result.stderr
    assert SECRET not in result.output + result.stderr


def test_the_token_never_shows_in_the_settings_repr(use_settings):
    settings = use_settings(discord_token=SECRET)
    assert SECRET not in repr(settings) and SECRET not in str(settings)


@pytest.mark.parametrize(
    "command", [["bot"], ["log"], ["log", "stats"], ["log", "tail"], ["log", "unanswered"]]
)
def test_commands_have_help_with_an_example(use_settings, command):
    use_settings()
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example: newsdesk" in result.output or "Example: DISCORD_TOKEN" in result.output


def test_the_feed_check_interval_reaches_the_bot(tmp_path):
    from newsdesk.cli_bot import bot_config

    (tmp_path / ".env").write_text("NEWSDESK_FEED_CHECK_S=90\n")
    settings = Settings(_env_file=tmp_path / ".env")

    assert bot_config(settings).feed_check_s == 90
    assert bot_config(Settings(_env_file=None)).feed_check_s == 60


def test_one_encoder_serves_answers_feed_polls_and_reindex(
    use_settings, fake_run_bot, tiny_corpus, tmp_path, monkeypatch
):
    loaded: list[FakeEmbedder] = []

    def load(*args, **kwargs):
        loaded.append(FakeEmbedder())
        return loaded[-1]

    monkeypatch.setattr("newsdesk.wiring.open_encoder", load)
    monkeypatch.setattr("newsdesk.building.open_encoder", load)
    use_settings(
        discord_token=SECRET,
        newsdesk_corpus_dir=tiny_corpus,
        newsdesk_index_dir=tmp_path / "index",
        newsdesk_db=tmp_path / "log.db",
    )
    CliRunner().invoke(cli, ["bot"])
    [(_, services, _)] = fake_run_bot
    before = len(loaded)
    (tiny_corpus / "extra.txt").write_text("The harbour reopened on Friday after repairs.\n")

    services.reindex()
    build_encoder = services.news._embedder()

    assert len(loaded) == before == 1, "the first build, answers, polls and /reindex share one"
    assert services.answerer.embedder.inner is loaded[-1]
    assert build_encoder is services.answerer.embedder
