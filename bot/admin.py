"""Housekeeping commands: /sources lists the articles, /reindex rebuilds, /stats reports."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import ArticleInfo, BotConfig, BotServices, BuildReport, IndexInfo
from bot.replies import NO_MENTIONS, send_ephemeral
from bot.text import DESCRIPTION_LIMIT, FIELD_VALUE_LIMIT, MESSAGE_LIMIT, clip, escape, fit, size
from retrieval import LogStats, UnansweredQuestion

COLOUR = discord.Colour(0x3B6EA5)
_LINE_LIMIT = 300


def sources_embed(articles: Sequence[ArticleInfo], page: int, page_size: int) -> discord.Embed:
    """One page of the indexed articles."""
    pages = max(1, math.ceil(len(articles) / page_size))
    page = min(max(page, 1), pages)
    first = (page - 1) * page_size
    lines = [
        _article_line(number, article)
        for number, article in enumerate(articles[first : first + page_size], start=first + 1)
    ]
    description = "\n".join(lines) or "The index holds no articles yet."
    while size(description) > DESCRIPTION_LIMIT and lines:
        lines.pop()
        description = "\n".join(lines)
    embed = discord.Embed(title=f"Indexed articles (page {page} of {pages})", colour=COLOUR)
    embed.description = description
    count = len(articles)
    embed.set_footer(text=f"{count:,} article{'s' if count != 1 else ''} · /sources page:<n>")
    return embed


def _article_line(number: int, article: ArticleInfo) -> str:
    name = article.title or article.outlet or article.article_id
    details = [d for d in (article.outlet if article.title else None, article.published) if d]
    suffix = f" — {', '.join(details)}" if details else ""
    line = fit(f"{name}{suffix}", _LINE_LIMIT - 40)
    return f"**{number}.** {line} (`{article.article_id.replace('`', '')[:30]}`)"


def report_text(report: BuildReport, index: IndexInfo) -> str:
    """The /reindex summary."""
    text = (
        f"Rebuilt the index in {report.seconds:.1f} s: {report.articles:,} articles "
        f"({report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.removed} removed, {report.skipped} skipped), {report.chunks:,} chunks. "
        f"Now answering from {index.n_articles:,} articles."
    )
    notes = " ".join(escape(note) for note in report.notes)
    return clip(f"{text} {notes}".strip(), MESSAGE_LIMIT)


def stats_embed(stats: LogStats, unanswered: Sequence[UnansweredQuestion]) -> discord.Embed:
    """The /stats summary of the query log."""
    embed = discord.Embed(title="Questions so far", colour=COLOUR)
    share = stats.answered_share
    answered = f"{share:.0%} answered" if share is not None else "none yet"
    embed.add_field(name="Questions", value=f"{stats.questions:,} ({answered})")
    latency = stats.median_latency_ms
    embed.add_field(name="Median latency", value=f"{latency:,.0f} ms" if latency else "—")
    embed.add_field(name="Votes", value=f"👍 {stats.votes_up:,} · 👎 {stats.votes_down:,}")
    lines = [f"{u.count}× {fit(u.question, 150)}" for u in unanswered]
    value = "\n".join(lines) or "None so far."
    while size(value) > FIELD_VALUE_LIMIT and lines:
        lines.pop()
        value = "\n".join(lines)
    embed.add_field(name="Most frequent unanswered questions", value=value, inline=False)
    return embed


class AdminCog(commands.Cog):
    """/sources for everyone; /reindex and /stats for those who may manage the server."""

    def __init__(self, config: BotConfig, services: BotServices) -> None:
        self.config = config
        self.services = services
        self._rebuilding = asyncio.Lock()

    @app_commands.command(name="sources", description="List the articles I answer from.")
    @app_commands.describe(page="Which page of the list (1 is the first).")
    async def sources(
        self, interaction: discord.Interaction[Any], page: app_commands.Range[int, 1] = 1
    ) -> None:
        """Reply with one page of the indexed articles, to the asking user only."""
        index = self.services.answerer.index
        embed = sources_embed(index.live_articles, page, self.config.sources_page_size)
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="reindex", description="Rebuild the index from the corpus folder.")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def reindex(self, interaction: discord.Interaction[Any]) -> None:
        """Rebuild off the event loop, swap the new index in, and report what changed."""
        rebuild = self.services.reindex
        if rebuild is None:
            await send_ephemeral(interaction, "Rebuilding is not enabled for this bot.")
            return
        if self._rebuilding.locked():
            await send_ephemeral(interaction, "A rebuild is already running; try again soon.")
            return
        async with self._rebuilding:
            await interaction.response.defer(ephemeral=True, thinking=True)
            report = await asyncio.to_thread(rebuild)
            await self.services.index_swapped()
            await send_ephemeral(interaction, report_text(report, self.services.answerer.index))

    @app_commands.command(name="stats", description="Questions asked, answered, latency, votes.")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def stats(self, interaction: discord.Interaction[Any]) -> None:
        """Summarise the query log, to the asking user only."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        querylog = self.services.querylog
        totals = await asyncio.to_thread(querylog.stats)
        unanswered = await asyncio.to_thread(querylog.unanswered, 5)
        await interaction.followup.send(
            embed=stats_embed(totals, unanswered), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
