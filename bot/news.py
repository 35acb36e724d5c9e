"""Live news in Discord: /add, /feeds, background polling of due feeds, and the news channel."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.config import BotConfig, BotServices, NewsService
from bot.replies import NO_MENTIONS, send_ephemeral
from bot.text import MESSAGE_LIMIT, clip, fit, size
from ingest import Feed, IngestReport, LinkResult, PollRunning, format_every

log = logging.getLogger(__name__)

_TITLE_LIMIT = 150
_CHOICES = 25


def _date(link: LinkResult) -> str:
    return link.published or "no date"


def added_text(report: IngestReport) -> str:
    """The reply to /add: what was added, or one sentence on why not."""
    (link,) = report.links
    if link.status == "failed":
        return link.reason or "That link could not be added."
    title = fit(link.title or "an untitled article", _TITLE_LIMIT)
    if link.status == "duplicate":
        return f"That article is already in the index: **{title}**."
    chunks = f", {link.chunks} chunk{'s' * (link.chunks != 1)}" if link.chunks else ""
    outlet = fit(link.outlet or "unknown outlet", _TITLE_LIMIT)
    text = f"Added **{title}** — {outlet}, {_date(link)}{chunks}."
    if report.build_error:
        log.warning("index update after /add failed: %s", report.build_error)
        text += " The index could not be updated yet; the next feed poll retries."
    return clip(f"{text} <{link.url}>", MESSAGE_LIMIT)


def feed_line(feed: Feed) -> str:
    """One line of /feeds list."""
    state = "not polled yet" if not feed.last_polled else "ok"
    if feed.last_error:
        state = f"failing ({feed.failures} in a row): {fit(feed.last_error, _TITLE_LIMIT)}"
    name = fit(feed.title or feed.url, _TITLE_LIMIT)
    return (
        f"**#{feed.feed_id}** {name} — every {format_every(feed.every_s)}, "
        f"{feed.articles_added} added, {state}"
    )


def feeds_text(feeds: Sequence[Feed]) -> str:
    """The reply to /feeds list, within one message."""
    if not feeds:
        return "No feeds yet; follow one with `/feeds add`."
    lines = [feed_line(feed) for feed in feeds]
    shown: list[str] = []
    for n, line in enumerate(lines):
        rest = f"\n…and {len(lines) - n} more (see `newsdesk feeds list`)."
        if size("\n".join([*shown, line]) + rest) > MESSAGE_LIMIT:
            return "\n".join(shown) + rest
        shown.append(line)
    return "\n".join(shown)


def announcement(added: Sequence[LinkResult]) -> str:
    """One message listing the articles a poll added, with links (no previews, no pings)."""
    head = f"📰 {len(added)} new article{'s' * (len(added) != 1)} in the index:"
    lines: list[str] = []
    for n, link in enumerate(added):
        title = fit(link.title or link.url or "untitled", _TITLE_LIMIT).replace("]", "\\]")
        outlet = fit(link.outlet or "", _TITLE_LIMIT)
        line = f"• [{title}](<{link.url}>) — {outlet}"
        rest = f"\n…and {len(added) - n} more."
        if size("\n".join([head, *lines, line]) + rest) > MESSAGE_LIMIT:
            return "\n".join([head, *lines]) + rest
        lines.append(line)
    return "\n".join([head, *lines])


class NewsCog(commands.Cog):
    """/add and /feeds for those who may manage the server, and the feed poller."""

    feeds_group = app_commands.Group(
        name="feeds",
        description="Follow RSS and Atom feeds.",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(
        self, client: commands.Bot, config: BotConfig, services: BotServices, news: NewsService
    ) -> None:
        self.client = client
        self.config = config
        self.services = services
        self.news = news
        self.poller.change_interval(seconds=config.feed_check_s)

    async def cog_load(self) -> None:
        """Start polling once the cog is in place."""
        self.poller.start()

    async def cog_unload(self) -> None:
        """Stop polling (an ongoing poll finishes in its thread)."""
        self.poller.cancel()

    @tasks.loop(seconds=60)
    async def poller(self) -> None:
        """Poll the due feeds; a failure is logged and the next round goes on."""
        try:
            await self.poll_once()
        except Exception:  # a bug in one poll must not stop the loop
            log.exception("feed poll failed")

    async def poll_once(self) -> None:
        """Poll the due feeds off the event loop; swap in the new index; announce what came.

        A poll already running in another process (a cron job) makes this round a skip."""
        try:
            report = await self.news.poll()
        except PollRunning:
            log.info("another feed poll is running; this round is skipped")
            return
        for feed in report.feeds:
            if feed.status == "failed":
                log.warning("feed #%s %s: %s", feed.feed_id, feed.name, feed.error)
        if report.build_error:
            log.warning("index update after the poll failed: %s", report.build_error)
        if report.build is not None:
            await self.services.index_swapped()
        if report.added and self.config.news_channel_id:
            await self._announce(report.added)

    @poller.before_loop
    async def _ready(self) -> None:
        await self.client.wait_until_ready()

    async def _announce(self, added: Sequence[LinkResult]) -> None:
        channel = self.client.get_partial_messageable(self.config.news_channel_id or 0)
        try:
            await channel.send(announcement(added), allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("could not post the new articles to the news channel (%s)", exc)

    @app_commands.command(name="add", description="Add a news article to the index by its link.")
    @app_commands.describe(url="The article's link (http or https).")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def add(self, interaction: discord.Interaction[Any], url: str) -> None:
        """Fetch the article, update the index, and say what was added or why not."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.news.add([url])
        if report.build is not None:
            await self.services.index_swapped()
        await send_ephemeral(interaction, added_text(report))

    @feeds_group.command(name="list", description="The feeds I follow and how they are doing.")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def feeds_list(self, interaction: discord.Interaction[Any]) -> None:
        """List the followed feeds, to the asking user only."""
        feeds = await asyncio.to_thread(self.news.feeds)
        await send_ephemeral(interaction, feeds_text(feeds))

    @feeds_group.command(name="add", description="Follow an RSS or Atom feed.")
    @app_commands.describe(url="The feed's link.", every="Minutes between polls (default 30).")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def feeds_add(
        self,
        interaction: discord.Interaction[Any],
        url: str,
        every: app_commands.Range[int, 1, 10080] = 30,
    ) -> None:
        """Check that the link is a feed and follow it."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        followed = await self.news.follow(url, every * 60)
        feed = followed.feed
        if not followed.new:
            text = f"I already follow that feed as #{feed.feed_id}."
        else:
            text = (
                f"Following #{feed.feed_id} <{feed.url}> every {format_every(feed.every_s)}; "
                f"its articles come in with the next poll ({followed.entries} entries now)."
            )
        await send_ephemeral(interaction, text)

    @feeds_group.command(name="remove", description="Stop following a feed.")
    @app_commands.describe(feed="The feed to stop following.")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def feeds_remove(self, interaction: discord.Interaction[Any], feed: str) -> None:
        """Stop following a feed; what it added stays."""
        removed = await asyncio.to_thread(self.news.unfollow, feed)
        name = fit(removed.title or removed.url, _TITLE_LIMIT)
        await send_ephemeral(
            interaction, f"Stopped following #{removed.feed_id} {name}; its articles stay."
        )

    @feeds_remove.autocomplete("feed")
    async def _feed_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        feeds = await asyncio.to_thread(self.news.feeds)
        wanted = current.lower().strip()
        return [
            app_commands.Choice(
                name=clip(f"#{f.feed_id} {f.title or f.url}", 100), value=str(f.feed_id)
            )
            for f in feeds
            if not wanted or wanted in f"#{f.feed_id} {f.title or ''} {f.url}".lower()
        ][:_CHOICES]
