"""End to end: /add, /feeds and the background feed poll, on a fake Discord and a news site."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest

from bot import BotConfig, BotServices
from index import BuildOptions, SentenceEmbedder
from ingest import FeedStore, FetchLimits, IngestConfig, Ingester
from retrieval import Answerer, QueryLog, RetrievalConfig
from tests.bot.discord_payloads import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    MANAGE_GUILD,
    USER_ID,
    interaction,
)
from tests.bot.fake_discord import FakeDiscord
from tests.bot.helpers import ask, ephemeral_reply
from tests.ingest.conftest import BRIDGE, server  # noqa: F401 (fixture)

pytestmark = pytest.mark.asyncio(loop_scope="session")

BRIDGE_QUESTION = "How long is the glass footbridge in Vellmar?"


@pytest.fixture(scope="session")
def build_embedder() -> SentenceEmbedder:
    """A second copy of the model for index builds, which run beside questions in threads."""
    return SentenceEmbedder()


@pytest.fixture
def desk(bundled_index: Path, tmp_path: Path) -> Path:
    """A private copy of the bundled corpus and its index."""
    root = tmp_path / "desk"
    shutil.copytree(bundled_index.parent, root, symlinks=True)
    return root


@pytest.fixture
def news_bot(desk, tmp_path, real_embedder, build_embedder, start_bot):
    """Start the bot with an answerer and an ingester over the desk."""
    made: list[Ingester] = []

    async def start(**config_fields) -> tuple[Answerer, Ingester]:
        answerer = Answerer(desk / "index", real_embedder, RetrievalConfig())
        config = IngestConfig(
            corpus_dir=desk / "corpus",
            index_dir=desk / "index",
            db_path=tmp_path / "newsdesk.db",
            allow_private=True,
            limits=FetchLimits(read_timeout_s=2.0, total_timeout_s=5.0),
            build_options=BuildOptions(),
        )
        ingester = Ingester(config, lambda: build_embedder)
        made.append(ingester)
        services = BotServices(answerer, QueryLog(tmp_path / "log.db"), news=ingester)
        fields = {"guild_id": GUILD_ID, "cooldown_s": 0, "guild_ready_timeout_s": 0.05}
        await start_bot(config=BotConfig(**(fields | config_fields)), services=services)
        return answerer, ingester

    yield start
    for ingester in made:
        ingester.close()


async def feeds_command(
    fake: FakeDiscord, sub: str, options: dict | None = None, *, kind: int = 2, focused=None
) -> str:
    """Run `/feeds <sub>` (kind 2) or ask for its autocompletion (kind 4); returns the token."""
    opts = [
        {"name": k, "type": 3 if isinstance(v, str) else 4, "value": v}
        | ({"focused": True} if k == focused else {})
        for k, v in (options or {}).items()
    ]
    data = {
        "id": str(fake.commands.get("feeds", 0)),
        "name": "feeds",
        "type": 1,
        "guild_id": str(GUILD_ID),
        "options": [{"name": sub, "type": 1, "options": opts}],
    }
    payload = interaction(fake.new_id(), kind, data, user_id=USER_ID, permissions=MANAGE_GUILD)
    await fake.dispatch("INTERACTION_CREATE", payload)
    return str(payload["token"])


async def test_add_puts_an_article_in_the_answers_at_once(fake_discord, news_bot, server):  # noqa: F811
    await news_bot(feed_check_s=3600)
    before = await ask(fake_discord, BRIDGE_QUESTION)

    token = await fake_discord.slash(
        "add", {"url": server.url("/news/bridge.html")}, permissions=MANAGE_GUILD
    )
    reply = await ephemeral_reply(fake_discord, token)
    after = await ask(fake_discord, BRIDGE_QUESTION)

    assert "720 metres" not in before.body["embeds"][0].get("description", "")
    assert reply["flags"] & 64
    assert reply["content"].startswith(
        f"Added **{BRIDGE[0]}** — Valley Courier, 2024-03-04, 1 chunk."
    )
    assert reply["allowed_mentions"] == {"parse": []}
    description = after.body["embeds"][0]["description"]
    assert "720 metres" in description
    assert f"({server.url('/news/bridge.html')})" in description


async def test_add_says_in_one_sentence_why_a_link_was_not_added(fake_discord, news_bot, server):  # noqa: F811
    await news_bot(feed_check_s=3600)

    missing = await ephemeral_reply(
        fake_discord,
        await fake_discord.slash("add", {"url": server.url("/gone")}, permissions=MANAGE_GUILD),
    )
    member = await ephemeral_reply(
        fake_discord, await fake_discord.slash("add", {"url": server.url("/news/tram.html")})
    )

    assert missing["content"].endswith("answered 404 Not Found; nothing was added.")
    assert member["content"] == "You need the Manage Server permission to do that."
    assert [h.path for h in server.hits] == ["/gone"]


async def test_feeds_add_list_autocomplete_and_remove(fake_discord, news_bot, server):  # noqa: F811
    _, ingester = await news_bot(feed_check_s=3600)

    added = await ephemeral_reply(
        fake_discord,
        await feeds_command(fake_discord, "add", {"url": server.url("/rss.xml"), "every": 45}),
    )
    listed = await ephemeral_reply(fake_discord, await feeds_command(fake_discord, "list"))
    token = await feeds_command(fake_discord, "remove", {"feed": "rss"}, kind=4, focused="feed")
    choices = await fake_discord.wait_for_request("POST", rf"/interactions/\d+/{token}/callback")
    removed = await ephemeral_reply(
        fake_discord, await feeds_command(fake_discord, "remove", {"feed": "1"})
    )

    assert added["content"].startswith(f"Following #1 <{server.url('/rss.xml')}> every 45m")
    assert "#1" in listed["content"] and "every 45m" in listed["content"]
    assert "not polled yet" in listed["content"]
    assert choices.body["type"] == 8
    assert choices.body["data"]["choices"] == [
        {"name": f"#1 {server.url('/rss.xml')}", "value": "1"}
    ]
    assert removed["content"].startswith("Stopped following #1")
    assert ingester.feeds() == []


async def test_a_feed_that_is_not_a_feed_is_refused_in_one_sentence(
    fake_discord,
    news_bot,
    server,  # noqa: F811
):
    await news_bot(feed_check_s=3600)

    reply = await ephemeral_reply(
        fake_discord,
        await feeds_command(fake_discord, "add", {"url": server.url("/news/tram.html")}),
    )

    assert reply["content"].endswith("is not an RSS or Atom feed.")


async def test_background_poll_swaps_the_index_while_questions_are_answered(
    fake_discord,
    news_bot,
    server,  # noqa: F811
    tmp_path,
):
    store = FeedStore(tmp_path / "newsdesk.db")  # both followed before the poller starts
    for feed in ("/rss.xml", "/atom.xml"):
        store.add(server.url(feed), 1800)
    store.close()
    answerer, _ = await news_bot(feed_check_s=0.3, news_channel_id=CHANNEL_ID)
    first_version = answerer.index.version
    channel_post = rf"/channels/{CHANNEL_ID}/messages"

    tokens = []
    posted = asyncio.create_task(fake_discord.wait_for_request("POST", channel_post, timeout=60))
    while not posted.done() and len(tokens) < 200:
        question = "When was Blinken's trip cancelled?" if len(tokens) % 2 else BRIDGE_QUESTION
        tokens.append(
            await fake_discord.slash("ask", {"question": question}, user_id=1000 + len(tokens))
        )
        await asyncio.sleep(0.05)
    announcement = await posted
    answers = [
        await fake_discord.wait_for_request("POST", rf"/webhooks/{APP_ID}/{token}")
        for token in tokens
    ]
    after = await ask(fake_discord, BRIDGE_QUESTION)

    assert len(tokens) >= 5, "questions were asked while the poll ran"
    assert all(a.body["embeds"] for a in answers), "every question got its answer"
    assert answerer.index.version != first_version
    assert "720 metres" in after.body["embeds"][0]["description"]
    posts = [r for r in fake_discord.requests if re.fullmatch(channel_post, r.path)]
    assert len(posts) == 1, "one message for the whole poll"
    text = announcement.body["content"]
    assert text.startswith("📰 3 new articles in the index:")
    assert f"(<{server.url('/news/bridge.html')}>)" in text and BRIDGE[0] in text
    assert announcement.body["allowed_mentions"] == {"parse": []}
