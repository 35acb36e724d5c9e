"""From settings to the library's configs: a setting left unset keeps the library's default,
written once in its dataclass; one that is set reaches the answerer, and the bot follows it."""

from __future__ import annotations

from newsdesk.cli_bot import bot_config
from newsdesk.settings import Settings
from newsdesk.wiring import retrieval_config
from retrieval import RetrievalConfig


def test_unset_settings_keep_the_answerers_defaults():
    assert retrieval_config(Settings(_env_file=None)) == RetrievalConfig()


def test_set_settings_reach_the_answerer():
    settings = Settings(
        _env_file=None,
        newsdesk_top_k=2,
        newsdesk_max_question_chars=99,
        newsdesk_min_confidence=0.3,
    )
    config = retrieval_config(settings)

    assert (config.top_k, config.max_question_chars, config.min_confidence) == (2, 99, 0.3)


def test_the_bot_shows_as_many_quotes_as_the_answerer_is_set_for():
    assert bot_config(Settings(_env_file=None)).top_k == RetrievalConfig().top_k
    assert bot_config(Settings(_env_file=None, newsdesk_top_k=7)).top_k == 7
