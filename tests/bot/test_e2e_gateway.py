"""End to end: connecting, syncing, load, reconnects, restarts and shutdown, on a fake Discord."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import threading
import time
from dataclasses import dataclass

import pytest

from bot import BotConfig, BotServices
from retrieval import Answer, Answerer, QueryLog
from tests.bot.discord_payloads import APP_ID, BOT_USER, GUILD_ID, USER_ID
from tests.bot.fake_discord import FakeDiscord
from tests.bot.helpers import ask, custom_ids, ephemeral_reply

pytestmark = pytest.mark.asyncio(loop_scope="session")

BLINKEN = "When was Blinken's trip cancelled?"


async def test_commands_sync_once_to_the_configured_guild(fake_discord: FakeDiscord, start_bot):
    await start_bot()
    put = await fake_discord.wait_for_request(
        "PUT", rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    )
    assert {c["name"] for c in put.body} == {
        "ask",
        "sources",
        "reindex",
        "stats",
        "brief",
        "timeline",
    }
    assert not [r for r in fake_discord.requests if r.path == f"/applications/{APP_ID}/commands"]
    identify = await fake_discord.wait_for_op(2)
    assert identify.payload["d"]["intents"] & (1 << 15) == 0  # no message-content intent


async def test_commands_sync_globally_without_a_guild(fake_discord: FakeDiscord, start_bot):
    await start_bot(config=BotConfig(guild_id=None, guild_ready_timeout_s=0.05))
    put = await fake_discord.wait_for_request("PUT", rf"/applications/{APP_ID}/commands")
    assert {c["name"] for c in put.body} == {
        "ask",
        "sources",
        "reindex",
        "stats",
        "brief",
        "timeline",
    }
    assert not [r for r in fake_discord.requests if "/guilds/" in r.path]


@dataclass
class _SlowAnswerer:
    """The real answerer, slowed as a large corpus would be; records where it runs."""

    inner: Answerer
    delay_s: float = 0.5

    def __post_init__(self) -> None:
        self.threads: set[int] = set()

    @property
    def index(self):
        return self.inner.index

    def check(self, question: str):
        return self.inner.check(question)

    def ask(self, question: str, *, k: int | None = None, as_of=None) -> Answer:
        self.threads.add(threading.get_ident())
        time.sleep(self.delay_s)
        return self.inner.ask(question, k=k)

    def reload(self, *, force: bool = False) -> bool:
        return self.inner.reload(force=force)


async def test_twenty_questions_at_once_are_all_answered_while_heartbeats_flow(
    fake_discord, start_bot, answerer, tmp_path
):
    slow = _SlowAnswerer(answerer)
    querylog = QueryLog(tmp_path / "burst.db")
    bot = await start_bot(services=BotServices(answerer=slow, querylog=querylog))
    await fake_discord.wait_for_op(1)
    started = time.monotonic()

    tokens = [
        await fake_discord.slash("ask", {"question": BLINKEN}, user_id=USER_ID + n)
        for n in range(20)
    ]
    deferrals = [
        await fake_discord.wait_for_request("POST", rf"/interactions/\d+/{t}/callback", 3)
        for t in tokens
    ]
    answers = [
        await fake_discord.wait_for_request("POST", rf"/webhooks/{APP_ID}/{t}", 30) for t in tokens
    ]
    finished = time.monotonic()

    assert all(d.body["type"] == 5 for d in deferrals)
    assert all("February" in a.body["embeds"][0]["description"] for a in answers)
    assert threading.get_ident() not in slow.threads  # never on the event loop's thread
    beats = [f.at for f in fake_discord.frames if f.payload.get("op") == 1]
    during = [b for b in beats if started - 0.3 <= b <= finished]
    assert len(during) >= (finished - started) / 0.25 * 0.6
    gaps = [b - a for a, b in itertools.pairwise(during)]
    assert max(gaps) < 0.45, gaps  # 20 x 0.5 s on the loop would stall them for seconds
    assert bot.client.latency < 0.45  # heartbeats are still acknowledged promptly
    assert querylog.stats().questions == 20


async def test_a_dropped_connection_is_resumed_with_the_session(fake_discord, start_bot):
    bot = await start_bot()
    await ask(fake_discord, BLINKEN)
    frames_before = len(fake_discord.frames)

    await fake_discord.drop_connection()
    resume = await fake_discord.wait_for_op(6, after=frames_before)
    followup = await ask(fake_discord, BLINKEN, user_id=USER_ID + 1)

    assert resume.payload["d"]["session_id"] == fake_discord.sessions[0]
    assert resume.payload["d"]["seq"] >= 2
    assert len(fake_discord.sessions) == 1  # resumed, not identified again
    puts = [r for r in fake_discord.requests if r.method == "PUT"]
    assert len(puts) == 1  # commands are synced at start, not on every reconnect
    assert "February" in followup.body["embeds"][0]["description"]
    assert not bot.task.done()


async def test_buttons_still_work_after_the_bot_restarts(fake_discord, start_bot, tmp_path):
    first = await start_bot()
    followup = await ask(fake_discord, BLINKEN)
    message = fake_discord.message(followup.body, author=BOT_USER)
    await first.stop()

    second = await start_bot()
    up = custom_ids(followup.body)[0]
    note = await ephemeral_reply(fake_discord, await fake_discord.click(up, message))

    assert "noted" in note["content"]
    assert second.querylog.stats().votes_up == 1
    assert len(fake_discord.sessions) == 2


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_closes_the_connection_cleanly(fake_discord, start_bot, signum):
    bot = await start_bot(handle_signals=True)
    os.kill(os.getpid(), signum)
    await asyncio.wait_for(bot.task, 10)

    assert bot.task.exception() is None
    assert bot.client.is_closed()
    await asyncio.sleep(0.3)
    assert len(fake_discord.closes) == 1  # the gateway was closed, and not reconnected
    assert len(fake_discord.sessions) == 1
    assert signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler)
