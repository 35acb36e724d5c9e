"""End to end: a conversation outlives the bot. A new bot over the same database (new
services, the same `NEWSDESK_DB`) reads a message in an answer's thread, or a reply to an
answer, as a follow-up of the turn before the restart."""

from __future__ import annotations

import asyncio

import pytest

from bot import BotConfig
from tests.bot.conftest import RunningBot
from tests.bot.discord_payloads import CHANNEL_ID, GUILD_ID
from tests.bot.fake_discord import FakeDiscord
from tests.bot.test_e2e_followups import (
    FIRST,
    THREAD_CONFIG,
    description,
    first_answer_in_thread,
    nth_post,
    post,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def stop_once_kept(bot: RunningBot, keys: int) -> list[int]:
    """Stop the bot once it has kept the conversation under `keys` keys (thread, answers),
    so the stop does not overtake the reply it is still sending; returns the keys."""
    cog = bot.client.get_cog("AskCog")
    for _ in range(200):
        if len(cog.conversations._by_key) >= keys:
            break
        await asyncio.sleep(0.05)
    kept = list(cog.conversations._by_key)
    await bot.stop()
    return kept


def _threads_started(fake: FakeDiscord) -> int:
    return sum(1 for r in fake.requests if r.method == "POST" and r.path.endswith("/threads"))


async def test_a_follow_up_in_a_thread_after_a_restart_is_read_in_the_light_of_the_last_turn(
    fake_discord, start_bot
):
    before = await start_bot(config=THREAD_CONFIG)
    thread_id, first = await first_answer_in_thread(fake_discord)
    assert "Read as" not in description(first)
    await stop_once_kept(before, 2)  # the thread and the answer in it

    await start_bot(config=THREAD_CONFIG)  # new services: a new query log over the same file
    await post(fake_discord, "and when?", channel_id=thread_id)
    answer = await nth_post(fake_discord, thread_id, 2)

    assert answer.body["embeds"][0]["title"] == "and when?"
    assert description(answer).startswith("*Read as: when")
    assert "balloon" in description(answer).split("\n")[0]
    assert _threads_started(fake_discord) == 1  # answered in the thread, not in a new one


async def test_a_reply_to_an_answer_after_a_restart_is_read_as_a_follow_up(fake_discord, start_bot):
    config = BotConfig(guild_id=GUILD_ID, guild_ready_timeout_s=0.05, cooldown_s=0)
    before = await start_bot(config=config)
    await fake_discord.mention(FIRST)
    await nth_post(fake_discord, CHANNEL_ID, 1)
    [answer_id] = await stop_once_kept(before, 1)  # the id Discord gave the bot's answer

    await start_bot(config=config)
    await post(fake_discord, "and when?", channel_id=CHANNEL_ID, reply_to=str(answer_id))
    reply = await nth_post(fake_discord, CHANNEL_ID, 2)

    assert description(reply).startswith("*Read as: when")
    assert "February" in description(reply)
