"""The Discord client: cogs, persistent buttons, command sync, and a clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import signal

import aiohttp
import discord
from discord.ext import commands

from bot.admin import AdminCog
from bot.ask import DYNAMIC_ITEMS, AskCog
from bot.config import BotConfig, BotServices
from bot.desk import DeskCog
from bot.news import NewsCog
from bot.replies import NO_MENTIONS, on_tree_error
from kernel.errors import NewsdeskError

log = logging.getLogger(__name__)


class BotStartError(NewsdeskError):
    """The bot could not log in or register its commands."""


class NewsdeskBot(commands.Bot):
    """newsdesk in Discord: /ask, @mentions, /sources, /reindex and /stats."""

    def __init__(self, config: BotConfig, services: BotServices) -> None:
        # The bot never joins voice: no warning about the voice libraries it does not need.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),  # no privileged intent: a mention carries its text
            help_command=None,
            allowed_mentions=NO_MENTIONS,
            activity=discord.Activity(type=discord.ActivityType.listening, name="/ask"),
            guild_ready_timeout=config.guild_ready_timeout_s,
        )
        self.config = config
        self.services = services

    async def setup_hook(self) -> None:
        """Runs once per process, before connecting (so never again on a reconnect)."""
        await self.add_cog(AskCog(self, self.config, self.services))
        await self.add_cog(AdminCog(self.config, self.services))
        if self.services.news is not None:
            await self.add_cog(NewsCog(self, self.config, self.services, self.services.news))
        await self.add_cog(DeskCog(self, self.config, self.services))
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        self.tree.error(on_tree_error)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Register the slash commands: in one guild at once if configured, else globally."""
        guild = discord.Object(id=self.config.guild_id) if self.config.guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.Forbidden as exc:
            raise BotStartError(
                f"Discord refused the slash commands for server {self.config.guild_id}; check "
                "NEWSDESK_GUILD_ID and invite the bot with the applications.commands scope."
            ) from exc
        where = f"server {guild.id}" if guild else "all servers (may take up to an hour)"
        log.info("synced %d slash commands to %s", len(synced), where)

    async def on_ready(self) -> None:
        """Log who we are once connected."""
        if self.user is not None:
            log.info(
                "online as %s (id %s) in %d servers", self.user, self.user.id, len(self.guilds)
            )

    async def on_message(self, message: discord.Message, /) -> None:
        """No text commands: the ask cog answers mentions."""


async def serve(client: NewsdeskBot, token: str, *, handle_signals: bool = True) -> None:
    """Run the bot until it is closed; SIGINT or SIGTERM closes it cleanly.

    Raises:
        BotStartError: Discord rejected the token or the command registration.
    """
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
    closing: set[asyncio.Task[None]] = set()

    def request_close(signum: signal.Signals) -> None:
        log.info("received %s, closing the connection", signum.name)
        task = loop.create_task(client.close())
        closing.add(task)
        task.add_done_callback(closing.discard)

    for signum in signals:
        loop.add_signal_handler(signum, request_close, signum)
    try:
        async with client:
            await _login(client, token)
            await client.connect(reconnect=True)  # discord.py reconnects the gateway itself
    except discord.LoginFailure as exc:
        raise BotStartError(
            "Discord rejected the bot token; reset it in the Developer Portal (Bot > Reset "
            "Token) and put the new one in DISCORD_TOKEN."
        ) from exc
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)
        if closing:
            await asyncio.gather(*closing, return_exceptions=True)


def _unreachable(exc: BaseException) -> str:
    """A short reason Discord could not be reached, without a traceback."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "its name could not be looked up"
    if isinstance(exc, TimeoutError):
        return "the connection timed out"
    cause = getattr(exc, "os_error", exc)
    return getattr(cause, "strerror", None) or str(cause) or type(exc).__name__


async def _login(client: NewsdeskBot, token: str) -> None:
    """Log in, trying again with growing pauses while Discord cannot be reached.

    discord.py reconnects the gateway on its own once logged in, but a failed login
    (no network yet, DNS down) ends `start` at once; this covers that gap.
    """
    attempts, pause = max(1, client.config.connect_attempts), client.config.connect_pause_s
    for attempt in range(1, attempts + 1):
        try:
            await client.login(token)
            return
        except (TimeoutError, aiohttp.ClientConnectionError, OSError) as exc:
            # Drop the session and its (now closed) connector; the next login makes new ones.
            await client.http.close()
            client.http.connector = discord.utils.MISSING
            reason = _unreachable(exc)
            if attempt == attempts:
                raise BotStartError(
                    f"Cannot reach Discord ({reason}) after {attempts} attempts; check this "
                    "machine's network connection and DNS, then start the bot again."
                ) from exc
            log.warning("cannot reach Discord (%s); trying again in %.0f s", reason, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 60.0)


def run_bot(config: BotConfig, services: BotServices, token: str) -> None:
    """Connect to Discord and answer until interrupted (blocks).

    Raises:
        BotStartError: Discord rejected the token or the command registration.
    """
    asyncio.run(serve(NewsdeskBot(config, services), token))
