"""End to end: follow-up questions in an answer's thread and in replies to an answer, against
the fake Discord, with the real bot, model and index of the bundled corpus."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot import BotConfig
from tests.bot.discord_payloads import CHANNEL_ID, GUILD_ID, USER_ID, member, user
from tests.bot.fake_discord import FakeDiscord, Request

pytestmark = pytest.mark.asyncio(loop_scope="session")

FIRST = "Who shot down the Chinese balloon?"
FOLLOW_UPS = [
    "and when?",
    "what does Beijing say it was for?",
    "and what did Washington call it?",
]
# Answers in a thread started from the question, at once (no cooldown).
THREAD_CONFIG = BotConfig(
    guild_id=GUILD_ID, answer_in_thread=True, guild_ready_timeout_s=0.05, cooldown_s=0
)


async def post(
    fake: FakeDiscord, text: str, *, channel_id: int, reply_to: str | None = None
) -> dict[str, Any]:
    """A user's message, without a mention of the bot: in a channel or thread, or a reply."""
    body: dict[str, Any] = {"content": text}
    if reply_to is not None:
        body["message_reference"] = {
            "message_id": reply_to,
            "channel_id": str(channel_id),
            "guild_id": str(GUILD_ID),
        }
    message = fake.message(
        body,
        author=user(USER_ID, "user"),
        channel_id=channel_id,
        member={k: v for k, v in member(USER_ID, "u").items() if k != "user"},
    )
    await fake.dispatch("MESSAGE_CREATE", message)
    return message


async def nth_post(fake: FakeDiscord, channel_id: int, n: int) -> Request:
    """The n-th (1-based) message the bot posted in a channel, waiting for it."""
    for _ in range(400):
        posts = [
            r
            for r in fake.requests
            if r.method == "POST" and r.path == f"/channels/{channel_id}/messages"
        ]
        if len(posts) >= n:
            return posts[n - 1]
        await asyncio.sleep(0.05)
    raise AssertionError(f"the bot posted {len(posts)} messages in {channel_id}, not {n}")


def description(request: Request) -> str:
    """The text of the first embed the bot posted."""
    return str(request.body["embeds"][0]["description"])


async def first_answer_in_thread(fake: FakeDiscord) -> tuple[int, Request]:
    """Ask FIRST by mention; the answer thread's id and the bot's first post in it."""
    question = await fake.mention(FIRST)
    thread_id = int(question["id"])  # the fake names a thread after its starting message
    return thread_id, await nth_post(fake, thread_id, 1)


async def test_a_thread_with_three_follow_ups_reads_each_in_the_light_of_the_last(
    fake_discord, start_bot
):
    bot = await start_bot(config=THREAD_CONFIG)
    thread_id, first = await first_answer_in_thread(fake_discord)
    assert "Read as" not in description(first)

    descriptions = []
    for n, text in enumerate(FOLLOW_UPS, start=2):
        await post(fake_discord, text, channel_id=thread_id)
        answer = await nth_post(fake_discord, thread_id, n)
        descriptions.append(description(answer))
        assert answer.body["embeds"][0]["title"] == text  # the question as asked
        assert answer.body["allowed_mentions"]["parse"] == []

    assert all(d.startswith("*Read as: ") for d in descriptions)
    assert all("balloon" in d.split("\n")[0] for d in descriptions)
    assert "February" in descriptions[0]  # "and when?" is answered with the date
    logged = [q.question for q in bot.querylog.tail(4)]
    assert set(logged) == {FIRST, *FOLLOW_UPS}
    # nothing was posted outside the thread
    assert not [r for r in fake_discord.requests if r.path == f"/channels/{CHANNEL_ID}/messages"]


async def test_a_reply_to_an_answer_is_a_follow_up_and_a_plain_message_is_not(
    fake_discord, start_bot
):
    bot = await start_bot(
        config=BotConfig(guild_id=GUILD_ID, guild_ready_timeout_s=0.05, cooldown_s=0)
    )
    await fake_discord.mention(FIRST)
    await nth_post(fake_discord, CHANNEL_ID, 1)
    cog = bot.client.get_cog("AskCog")
    [answer_id] = list(cog.conversations._by_key)  # the id Discord gave the bot's answer

    await post(fake_discord, "a message that is not for the bot", channel_id=CHANNEL_ID)
    await post(fake_discord, FOLLOW_UPS[0], channel_id=CHANNEL_ID, reply_to=str(answer_id))
    reply = await nth_post(fake_discord, CHANNEL_ID, 2)

    assert description(reply).startswith("*Read as: when")
    assert "February" in description(reply)
    assert reply.body["message_reference"]["message_id"] is not None  # answered as a reply
    await asyncio.sleep(0.2)
    posts = [r for r in fake_discord.requests if r.path == f"/channels/{CHANNEL_ID}/messages"]
    assert len(posts) == 2  # the plain message got no answer
