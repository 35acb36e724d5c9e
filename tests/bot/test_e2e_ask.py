"""End to end: asking through /ask and mentions, and the buttons, against a fake Discord.

The real bot (the code path of `newsdesk bot`), the real index of the bundled corpus and the
real model; Discord is faked on 127.0.0.1.
"""

from __future__ import annotations

import pytest

from bot import BotConfig
from retrieval import NO_ANSWER, QueryLog
from tests.bot.discord_payloads import APP_ID, BOT_USER, CHANNEL_ID, GUILD_ID, USER_ID
from tests.bot.fake_discord import FakeDiscord
from tests.bot.helpers import ask, custom_ids, ephemeral_reply, sent_messages

pytestmark = pytest.mark.asyncio(loop_scope="session")

BLINKEN = "When was Blinken's trip cancelled?"


def _feedback(querylog: QueryLog) -> list[dict]:
    return list(querylog._require().query("SELECT * FROM feedback"))


async def test_ask_is_deferred_at_once_then_answered_with_the_quote_and_sources(
    fake_discord: FakeDiscord, start_bot
):
    await start_bot()
    token = await fake_discord.slash("ask", {"question": BLINKEN})
    callback = await fake_discord.wait_for_request("POST", rf"/interactions/\d+/{token}/callback")
    followup = await fake_discord.wait_for_request("POST", rf"/webhooks/{APP_ID}/{token}")

    assert callback.body["type"] == 5
    embed = followup.body["embeds"][0]
    assert "February" in embed["description"]
    assert "**" in embed["description"]  # the answering words in bold
    assert "China blames US" in embed["description"]  # the source line
    assert embed["title"] == BLINKEN
    assert embed["footer"]["text"].startswith("Searched 5 articles")
    assert 1 <= len(embed.get("fields", [])) <= 3
    assert any("also in:" in f["value"] for f in embed["fields"])  # a syndicated copy
    ids = custom_ids(followup.body)
    assert [i.rsplit(":", 1)[0] for i in ids] == [
        "newsdesk:vote:up",
        "newsdesk:vote:down",
        "newsdesk:more",
    ]


async def test_ask_is_logged_with_its_answer(fake_discord, start_bot):
    bot = await start_bot()
    await ask(fake_discord, BLINKEN)
    [logged] = bot.querylog.tail(1)
    assert logged.interface == "slash"
    assert logged.question == BLINKEN
    assert logged.answered
    assert "February" in (logged.answer or "")


async def test_question_the_articles_do_not_cover_gets_a_polite_no(fake_discord, start_bot):
    await start_bot()
    followup = await ask(fake_discord, "What is the recipe for banana bread?")
    embed = followup.body["embeds"][0]
    assert NO_ANSWER in embed["description"]
    assert [i.rsplit(":", 1)[0] for i in custom_ids(followup.body)] == [
        "newsdesk:vote:up",
        "newsdesk:vote:down",
    ]


async def test_mention_is_answered_as_a_reply(fake_discord, start_bot):
    bot = await start_bot()
    message = await fake_discord.mention(BLINKEN)
    reply = await fake_discord.wait_for_request("POST", rf"/channels/{CHANNEL_ID}/messages")

    assert str(reply.body["message_reference"]["message_id"]) == message["id"]
    assert "February" in reply.body["embeds"][0]["description"]
    assert reply.body["allowed_mentions"]["parse"] == []
    assert bot.querylog.tail(1)[0].interface == "mention"


async def test_thumbs_up_is_recorded_once_per_user_and_can_be_changed(fake_discord, start_bot):
    bot = await start_bot()
    followup = await ask(fake_discord, BLINKEN)
    up, down, _ = custom_ids(followup.body)
    message = fake_discord.message(followup.body, author=BOT_USER)

    note = await ephemeral_reply(fake_discord, await fake_discord.click(up, message))
    assert note["flags"] & 64
    assert [row["vote"] for row in _feedback(bot.querylog)] == [1]

    await ephemeral_reply(fake_discord, await fake_discord.click(down, message))
    assert [row["vote"] for row in _feedback(bot.querylog)] == [-1]
    assert bot.querylog.stats().votes_down == 1


async def test_more_sources_is_ephemeral_and_shows_further_quotes(fake_discord, start_bot):
    await start_bot()
    followup = await ask(fake_discord, BLINKEN)
    more = custom_ids(followup.body)[2]
    message = fake_discord.message(followup.body, author=BOT_USER)

    token = await fake_discord.click(more, message)
    callback = await fake_discord.wait_for_request("POST", rf"/interactions/\d+/{token}/callback")
    extra = await fake_discord.wait_for_request("POST", rf"/webhooks/{APP_ID}/{token}")

    assert callback.body["type"] == 5
    assert callback.body["data"]["flags"] & 64
    assert extra.body["flags"] & 64
    assert extra.body["embeds"][0]["title"] == "More sources"
    shown = followup.body["embeds"][0]["description"]
    assert all(f["value"] != shown for f in extra.body["embeds"][0].get("fields", []))


async def test_nothing_the_bot_sends_can_ping_anyone(fake_discord, start_bot):
    await start_bot()
    hostile = "@everyone <@&123456789012345678> **When** was Blinken's trip cancelled?"
    followup = await ask(fake_discord, hostile)
    await fake_discord.mention(hostile, user_id=USER_ID + 1)
    await fake_discord.wait_for_request("POST", rf"/channels/{CHANNEL_ID}/messages")
    message = fake_discord.message(followup.body, author=BOT_USER)
    up, _, more = custom_ids(followup.body)
    await ephemeral_reply(fake_discord, await fake_discord.click(up, message))
    await ephemeral_reply(fake_discord, await fake_discord.click(more, message))
    await ephemeral_reply(fake_discord, await fake_discord.slash("ask", {"question": "?!"}))

    title = followup.body["embeds"][0]["title"]
    assert title == "When was Blinken's trip cancelled?"  # mentions and markdown taken out
    payloads = sent_messages(fake_discord)
    assert len(payloads) >= 5
    for payload in payloads:
        assert payload["allowed_mentions"]["parse"] == []
        assert not payload["allowed_mentions"].get("replied_user")


async def test_long_empty_and_hasty_questions_get_friendly_ephemeral_notes(fake_discord, start_bot):
    await start_bot()
    too_long = await ephemeral_reply(
        fake_discord, await fake_discord.slash("ask", {"question": "why " * 200})
    )
    empty = await ephemeral_reply(fake_discord, await fake_discord.slash("ask", {"question": "?"}))
    await ask(fake_discord, BLINKEN, user_id=USER_ID + 7)
    hasty = await ephemeral_reply(
        fake_discord,
        await fake_discord.slash("ask", {"question": BLINKEN}, user_id=USER_ID + 7),
    )

    assert "please keep it to 500 at most" in too_long["content"]
    assert "/ask question:" in empty["content"]
    assert "you can ask again in" in hasty["content"]
    for note in (too_long, empty, hasty):
        assert note["flags"] & 64
        assert "Traceback" not in note["content"]


async def test_answer_in_thread_starts_a_thread_from_the_question(fake_discord, start_bot):
    config = BotConfig(guild_id=GUILD_ID, answer_in_thread=True, guild_ready_timeout_s=0.05)
    await start_bot(config=config)
    message = await fake_discord.mention(BLINKEN)
    thread = await fake_discord.wait_for_request(
        "POST", rf"/channels/{CHANNEL_ID}/messages/{message['id']}/threads"
    )
    answer = await fake_discord.wait_for_request("POST", rf"/channels/{message['id']}/messages")

    assert thread.body["name"] == BLINKEN
    assert "February" in answer.body["embeds"][0]["description"]
    assert answer.body["allowed_mentions"]["parse"] == []


async def test_more_sources_extends_the_answer_on_the_index_it_came_from(
    fake_discord, start_bot, bundled_index, real_embedder, tmp_path
):
    import asyncio
    import shutil

    from bot import BotServices
    from index import build_index
    from retrieval import Answerer, RetrievalConfig

    desk = tmp_path / "desk"
    shutil.copytree(bundled_index.parent, desk, symlinks=True)
    answerer = Answerer(desk / "index", real_embedder, RetrievalConfig())
    bot = await start_bot(services=BotServices(answerer, QueryLog(tmp_path / "log.db")))
    followup = await ask(fake_discord, BLINKEN)
    more = custom_ids(followup.body)[2]
    query_id = int(more.rsplit(":", 1)[1])
    further = bot.client.services.further
    for _ in range(200):
        if further.get(query_id) is not None:
            break
        await asyncio.sleep(0.05)
    before = await asyncio.to_thread(answerer.ask, BLINKEN, k=8)
    for path in (desk / "corpus").rglob("*"):  # the story leaves the corpus; a new index
        if path.is_file() and "Blinken" in path.read_text("utf-8", errors="ignore"):
            path.unlink()
    (desk / "corpus" / "other.txt").write_text("The harbour reopened on Friday after repairs.\n")
    await asyncio.to_thread(build_index, desk / "corpus", desk / "index", real_embedder)
    await asyncio.to_thread(answerer.reload)
    message = fake_discord.message(followup.body, author=BOT_USER)

    kept = await ephemeral_reply(fake_discord, await fake_discord.click(more, message))
    further._kept.clear()  # as after a restart: nothing kept
    again = await ephemeral_reply(fake_discord, await fake_discord.click(more, message))

    fields = kept["embeds"][0]["fields"]
    extra = [q.text for q in before.quotes[4:]]
    assert fields and all(any(f["value"].startswith(t[:40]) for t in extra) for f in fields)
    assert "updated since" not in kept["embeds"][0]["description"]
    assert "Blinken" not in str(again["embeds"][0].get("fields", []))
