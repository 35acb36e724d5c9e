"""Command handlers called directly, with a fake answerer and spec'd Discord objects."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from unittest.mock import create_autospec

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot import BotConfig, BotServices
from bot.ask import USAGE, AskCog, Cooldown
from bot.replies import FAILURE, NO_MENTIONS, on_tree_error
from kernel.errors import IndexNotFound
from retrieval import Answer, QueryLog, Question, Quote, RetrievalConfig, Source, check_question

BOT_ID = 777
SOURCE = Source(
    article_id="a1",
    title="Trip off",
    outlet="Wire",
    url=None,
    published=None,
    path="corpus/a1.md",
    char_start=0,
    char_end=20,
)


@dataclass
class FakeIndex:
    version: str = "build-1"
    live_articles: list = field(default_factory=list)
    n_articles: int = 3


@dataclass
class FakeAnswerer:
    """Answers every question with one quote; or raises what it is told to."""

    error: Exception | None = None
    questions: list[str] = field(default_factory=list)
    index: FakeIndex = field(default_factory=FakeIndex)

    def check(self, question: str) -> Question:
        return check_question(question, max_chars=RetrievalConfig.max_question_chars)

    def ask(self, question: str, *, k: int | None = None, as_of=None) -> Answer:
        self.questions.append(question)
        if self.error:
            raise self.error
        quote = Quote("In February, the trip was called off.", 0.9, (SOURCE,), (3, 11))
        return Answer(question, True, (quote,), 5.0, 3, "build-1")

    def reload(self, *, force: bool = False) -> bool:
        return False


@pytest.fixture
def answerer():
    return FakeAnswerer()


@pytest.fixture
def cog(answerer, tmp_path):
    client = create_autospec(commands.Bot, instance=True)
    client.user = create_autospec(discord.ClientUser, instance=True)
    client.user.id = BOT_ID
    querylog = QueryLog(tmp_path / "log.db")
    yield AskCog(client, BotConfig(cooldown_s=60), BotServices(answerer, querylog))
    querylog.close()


def _interaction(*, user_id: int = 1, done: bool = False):
    interaction = create_autospec(discord.Interaction, instance=True)
    interaction.response = create_autospec(discord.InteractionResponse, instance=True)
    interaction.response.is_done.return_value = done
    interaction.followup = create_autospec(discord.Webhook, instance=True)
    interaction.user = create_autospec(discord.Member, instance=True)
    interaction.user.id = user_id
    interaction.id, interaction.guild_id, interaction.channel_id = 99, 5, 6
    return interaction


def _message(content: str, *, mentions_bot: bool = True, author_is_bot: bool = False):
    message = create_autospec(discord.Message, instance=True)
    message.content = content
    message.author = create_autospec(discord.Member, instance=True)
    message.author.bot, message.author.id = author_is_bot, 1
    mentioned = create_autospec(discord.Member, instance=True)
    mentioned.id = BOT_ID if mentions_bot else 123
    message.mentions = [mentioned]
    message.guild = None
    message.channel = create_autospec(discord.DMChannel, instance=True)
    message.channel.id = 6
    return message


async def test_ask_defers_then_sends_the_embed_and_buttons(cog, answerer):
    interaction = _interaction()
    await cog.ask.callback(cog, interaction, "When was the trip cancelled?")

    interaction.response.defer.assert_awaited_once_with(thinking=True)
    kwargs = interaction.followup.send.await_args.kwargs
    assert kwargs["embed"].description.startswith("In **February**, the trip")
    assert len(kwargs["view"].children) == 3
    assert kwargs["allowed_mentions"] is NO_MENTIONS
    assert answerer.questions == ["When was the trip cancelled?"]
    assert cog.services.querylog.stats().questions == 1


@pytest.mark.parametrize(
    ("question", "expected"),
    [("?", USAGE), ("why " * 200, "please keep it to 500 at most")],
)
async def test_bad_questions_get_an_ephemeral_note_and_no_search(cog, answerer, question, expected):
    interaction = _interaction()
    await cog.ask.callback(cog, interaction, question)

    interaction.response.defer.assert_not_awaited()
    args, kwargs = interaction.response.send_message.await_args
    assert expected in args[0] and kwargs["ephemeral"] is True
    assert answerer.questions == []


async def test_a_second_question_within_the_cooldown_waits(cog, answerer):
    await cog.ask.callback(cog, _interaction(), "When was the trip cancelled?")
    second = _interaction()
    await cog.ask.callback(cog, second, "And why?")

    args, _ = second.response.send_message.await_args
    assert re.match(r"One moment, please: you can ask again in (59|60) s", args[0])
    assert len(answerer.questions) == 1


async def test_a_mention_is_answered_with_a_reply(cog, answerer):
    message = _message(f"<@{BOT_ID}> When was the trip cancelled?")
    await cog.on_message(message)

    kwargs = message.reply.await_args.kwargs
    assert kwargs["embed"].title == "When was the trip cancelled?"
    assert kwargs["mention_author"] is False and kwargs["allowed_mentions"] is NO_MENTIONS
    assert answerer.questions == ["When was the trip cancelled?"]


@pytest.mark.parametrize("message_kwargs", [{"mentions_bot": False}, {"author_is_bot": True}])
async def test_other_messages_are_ignored(cog, answerer, message_kwargs):
    message = _message("When was the trip cancelled?", **message_kwargs)
    await cog.on_message(message)
    message.reply.assert_not_awaited()
    assert answerer.questions == []


async def test_a_bare_mention_gets_the_usage_hint(cog):
    message = _message(f"<@!{BOT_ID}>")
    await cog.on_message(message)
    assert message.reply.await_args.args[0] == USAGE


async def test_a_failing_mention_answer_is_logged_not_shown(cog, answerer, caplog):
    answerer.error = RuntimeError("/secret/path exploded")
    message = _message(f"<@{BOT_ID}> When?")
    with caplog.at_level(logging.ERROR):
        await cog.on_message(message)
    assert message.reply.await_args.args[0] == FAILURE
    assert "exploded" in caplog.text


async def test_tree_errors_show_newsdesk_messages(caplog):
    interaction = _interaction(done=True)
    error = app_commands.CommandInvokeError(
        AskCog.ask,
        IndexNotFound("No index yet; run `newsdesk index build`."),
    )
    await on_tree_error(interaction, error)
    args, kwargs = interaction.followup.send.await_args
    assert args[0] == "No index yet; run `newsdesk index build`."
    assert kwargs["ephemeral"] is True


async def test_tree_errors_hide_bugs_and_log_them(caplog):
    interaction = _interaction()
    error = app_commands.CommandInvokeError(AskCog.ask, KeyError("internal detail"))
    with caplog.at_level(logging.ERROR):
        await on_tree_error(interaction, error)
    args, _ = interaction.response.send_message.await_args
    assert args[0] == FAILURE
    assert "internal detail" in caplog.text


async def test_missing_permissions_name_the_permission():
    interaction = _interaction()
    await on_tree_error(interaction, app_commands.MissingPermissions(["manage_guild"]))
    args, _ = interaction.response.send_message.await_args
    assert args[0] == "You need the Manage Server permission to do that."


def test_cooldown_is_per_user_and_expires():
    now = [100.0]
    cooldown = Cooldown(5, clock=lambda: now[0])
    assert cooldown.remaining(1) == 0
    assert cooldown.remaining(2) == 0
    now[0] += 2
    assert cooldown.remaining(1) == pytest.approx(3)
    now[0] += 3
    assert cooldown.remaining(1) == 0


def test_a_zero_cooldown_never_waits():
    cooldown = Cooldown(0)
    assert [cooldown.remaining(1) for _ in range(3)] == [0, 0, 0]
