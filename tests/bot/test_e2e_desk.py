"""End to end: /brief, /timeline and the daily brief, against a fake Discord.

The real bot, the real model and the index of the dated test set (tests/data/dated); the
desk's clock is set to a day among those articles, Discord is faked on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from bot import BotConfig, BotServices
from bot.desk import DeskCog
from retrieval import Answerer, QueryLog, RetrievalConfig
from tests.bot.discord_payloads import APP_ID, CHANNEL_ID, GUILD_ID
from tests.bot.fake_discord import FakeDiscord
from tests.bot.helpers import ephemeral_reply

pytestmark = pytest.mark.asyncio(loop_scope="session")

CHANNEL_POST = rf"/channels/{CHANNEL_ID}/messages"
PARIS = "Europe/Paris"


@pytest.fixture(scope="session")
def dated_answerer(dated_index: Path, real_embedder) -> Answerer:
    """Retrieval over the dated test set's 36 articles."""
    return Answerer(dated_index, real_embedder, RetrievalConfig())


@pytest.fixture
def desk_bot(start_bot, dated_answerer, tmp_path):
    """Start the bot over the dated articles; returns its desk cog."""

    async def start(**config_fields: Any) -> DeskCog:
        fields = {"guild_id": GUILD_ID, "guild_ready_timeout_s": 0.05} | config_fields
        services = BotServices(answerer=dated_answerer, querylog=QueryLog(tmp_path / "log.db"))
        bot = await start_bot(config=BotConfig(**fields), services=services)
        cog = bot.client.get_cog("DeskCog")
        assert isinstance(cog, DeskCog)
        return cog

    return start


def at(day: dt.date, hour: int = 9, zone: str = "UTC"):
    """A clock stopped at `hour` o'clock on `day` in `zone`."""
    from zoneinfo import ZoneInfo

    return lambda: dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(zone))


def embed_chars(embed: dict[str, Any]) -> int:
    """An embed's text as Discord counts it against the 6,000 of a message."""
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [(embed.get("footer") or {}).get("text", "")]
    parts += [p for f in embed.get("fields", []) for p in (f["name"], f["value"])]
    return sum(len(p.encode("utf-16-le")) // 2 for p in parts)


async def slash_reply(fake: FakeDiscord, name: str, options: dict[str, str]) -> tuple[int, Any]:
    """Run a command; the kind of the first response and the message that follows it."""
    token = await fake.slash(name, options)
    callback = await fake.wait_for_request("POST", rf"/interactions/\d+/{token}/callback")
    followup = await fake.wait_for_request("POST", rf"/webhooks/{APP_ID}/{token}")
    return callback.body["type"], followup.body


def channel_posts(fake: FakeDiscord) -> list[dict[str, Any]]:
    return [
        r.body for r in fake.requests if r.method == "POST" and re.fullmatch(CHANNEL_POST, r.path)
    ]


async def test_brief_is_deferred_then_sent_as_one_embed_a_story(fake_discord, desk_bot):
    cog = await desk_bot()
    cog.clock = at(dt.date(2024, 3, 12))

    kind, message = await slash_reply(fake_discord, "brief", {"since": "2024-02-01"})

    assert kind == 5  # thinking, while the brief is made in a thread
    assert message["content"] == (
        "**Brief**: 3 stories from 4 articles published from 1 February 2024 to 12 March 2024."
    )
    embeds = message["embeds"]
    assert [e["title"] for e in embeds] == [
        "1. Valdria flood toll climbs as waters recede",
        "2. Halvern bridge to reopen in May",
        "3. Bank of Elstria raises rate to 4.25%",
    ]
    assert embeds[0]["description"].startswith("> The death toll from the floods in Valdria")
    assert embeds[0]["description"].endswith("\n2 articles · 1 outlet")
    sources = embeds[0]["fields"][0]
    assert sources["name"] == "Sources"
    assert [line[:10] for line in sources["value"].splitlines()] == ["2024-03-09", "2024-03-04"]
    assert message["allowed_mentions"] == {"parse": []}


async def test_brief_shows_the_ten_most_carried_stories_within_discord_limits(
    fake_discord, desk_bot
):
    cog = await desk_bot()
    cog.clock = at(dt.date(2025, 12, 31))

    _, message = await slash_reply(fake_discord, "brief", {"since": "2023-01-01"})

    assert message["content"].endswith("; the 10 most carried.")
    assert message["content"].startswith("**Brief**: 18 stories from 36 articles")
    assert len(message["embeds"]) == 10
    assert sum(embed_chars(e) for e in message["embeds"]) <= 6000
    assert all(len(f["value"]) <= 1024 for e in message["embeds"] for f in e["fields"])


async def test_brief_with_a_topic_and_a_bad_window(fake_discord, desk_bot):
    cog = await desk_bot()
    cog.clock = at(dt.date(2024, 3, 12))

    _, about = await slash_reply(
        fake_discord, "brief", {"since": "2024-02-01", "topic": "Halvern bridge"}
    )
    refused = await ephemeral_reply(
        fake_discord, await fake_discord.slash("brief", {"since": "last spring"})
    )

    assert about["content"].startswith("**Brief** about “Halvern bridge”: 1 story")
    assert [e["title"] for e in about["embeds"]] == ["1. Halvern bridge to reopen in May"]
    assert refused["content"].startswith("'since' takes a span like 24h, 2d or 1w")
    assert refused["flags"] & 64


async def test_timeline_lists_the_story_s_events_oldest_first(fake_discord, desk_bot):
    cog = await desk_bot()
    cog.clock = at(dt.date(2025, 1, 1))

    kind, message = await slash_reply(fake_discord, "timeline", {"topic": "Halvern river bridge"})

    assert kind == 5
    (embed,) = message["embeds"]
    assert embed["title"] == "Timeline: Halvern river bridge"
    assert (
        embed["description"] == "5 entries from 26 articles, oldest first."
    )  # published by 1 January 2025
    assert [f["name"] for f in embed["fields"]] == [
        "Monday 12 February 2024",
        "12 February 2024 (published)",
        "29 April 2024 (published)",
        "29 April 2024 (published)",
        "8 July 2024",
    ]
    first = embed["fields"][0]["value"]
    assert first.startswith("The Halvern river bridge, closed since a barge struck")
    assert "\n— 2024-02-12 · Valley Courier · *Halvern bridge to reopen in May*" in first
    assert embed_chars(embed) <= 6000
    assert message["allowed_mentions"] == {"parse": []}


async def test_daily_brief_is_posted_once_a_day_in_the_configured_time_zone(fake_discord, desk_bot):
    cog = await desk_bot(brief_at=dt.time(7, 0), news_channel_id=CHANNEL_ID, timezone=PARIS)

    assert cog.daily.is_running()
    assert cog.daily.next_iteration is not None
    assert cog.daily.next_iteration.astimezone(cog.zone).time() == dt.time(7, 0)
    cog.clock = at(dt.date(2024, 3, 9), hour=7, zone=PARIS)
    first = await cog.post_daily_brief()
    again = await cog.post_daily_brief()
    posts = channel_posts(fake_discord)

    assert (first, again) == (True, False)
    assert len(posts) == 1
    (post,) = posts
    assert post["content"] == (
        "**Brief**: 1 story from 1 article published from 8 March 2024 to 9 March 2024."
    )
    assert post["embeds"][0]["title"] == "1. Valdria flood toll climbs as waters recede"
    assert post["allowed_mentions"] == {"parse": []}
    cog.clock = at(dt.date(2024, 3, 10), hour=7, zone=PARIS)
    assert await cog.post_daily_brief() is True
    assert len(channel_posts(fake_discord)) == 2


async def test_daily_brief_loop_fires_at_its_time_and_posts_once(fake_discord, desk_bot):
    cog = await desk_bot(brief_at=dt.time(3, 0), news_channel_id=CHANNEL_ID)
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)).time().replace(tzinfo=dt.UTC)

    cog.daily.change_interval(time=soon)
    cog.daily.restart()
    posted = await fake_discord.wait_for_request("POST", CHANNEL_POST, timeout=30)
    await asyncio.sleep(1.5)

    assert len(channel_posts(fake_discord)) == 1
    assert posted.body["content"].startswith("No article was published from ")
    assert await cog.post_daily_brief() is False  # today's has gone out


async def test_no_daily_brief_without_a_time(fake_discord, desk_bot):
    cog = await desk_bot(news_channel_id=CHANNEL_ID)

    assert not cog.daily.is_running()
