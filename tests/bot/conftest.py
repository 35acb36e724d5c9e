"""Fixtures for the bot tests: a fake Discord on 127.0.0.1 and the real bot connected to it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import discord
import pytest
import pytest_asyncio
import yarl

from bot import BotConfig, BotServices
from bot.client import NewsdeskBot, serve
from retrieval import Answerer, QueryLog, RetrievalConfig
from tests.bot.discord_payloads import GUILD_ID, TOKEN
from tests.bot.fake_discord import FakeDiscord

_LOCAL = {"127.0.0.1", "localhost", None}


@pytest.fixture
def no_remote_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any name lookup but 127.0.0.1, so no test can reach the real Discord."""
    real = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host not in _LOCAL:
            raise OSError(f"tests may only connect to 127.0.0.1, not {host!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


@pytest.fixture(scope="session")
def answerer(bundled_index: Path, real_embedder) -> Answerer:
    """The real retrieval over the bundled corpus, shared by the bot tests."""
    return Answerer(bundled_index, real_embedder, RetrievalConfig(top_k=4))


@pytest_asyncio.fixture(loop_scope="session")
async def fake_discord(
    monkeypatch: pytest.MonkeyPatch, no_remote_hosts
) -> AsyncIterator[FakeDiscord]:
    """A fake Discord; discord.py is pointed at it for this test only."""
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )
    yield fake
    await fake.stop()


@dataclass
class RunningBot:
    client: NewsdeskBot
    task: asyncio.Task[None]
    querylog: QueryLog

    async def stop(self) -> None:
        await self.client.close()
        await asyncio.wait_for(self.task, 10)


StartBot = Callable[..., Awaitable[RunningBot]]


@pytest_asyncio.fixture(loop_scope="session")
async def start_bot(
    fake_discord: FakeDiscord, answerer: Answerer, tmp_path: Path
) -> AsyncIterator[StartBot]:
    """Start the real bot (the code path of `newsdesk bot`) against the fake Discord."""
    running: list[RunningBot] = []

    async def start(
        *,
        config: BotConfig | None = None,
        services: BotServices | None = None,
        handle_signals: bool = False,
    ) -> RunningBot:
        querylog = services.querylog if services else QueryLog(tmp_path / "log.db", salt="t")
        services = services or BotServices(answerer=answerer, querylog=querylog)
        config = config or BotConfig(guild_id=GUILD_ID, guild_ready_timeout_s=0.05)
        client = NewsdeskBot(config, services)
        task = asyncio.create_task(serve(client, TOKEN, handle_signals=handle_signals))
        bot = RunningBot(client, task, querylog)
        running.append(bot)
        ready = asyncio.create_task(client.wait_until_ready())
        await asyncio.wait({ready, task}, timeout=20, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            ready.cancel()
            task.result()
        assert ready.done(), "the bot never became ready"
        assert client.get_guild(GUILD_ID) is not None
        return bot

    yield start
    for bot in running:
        if not bot.task.done():
            await bot.stop()
        bot.querylog.close()
