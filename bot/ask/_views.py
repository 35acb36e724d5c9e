"""The buttons under an answer: 👍, 👎 and "More sources", working across restarts."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Protocol

import discord

from bot.ask._format import more_sources_embed
from bot.config import BotConfig, BotServices
from bot.replies import NO_MENTIONS, report_error, send_ephemeral

_VOTE_TEMPLATE = r"newsdesk:vote:(?P<vote>up|down):(?P<query_id>[0-9]{1,18})"
_MORE_TEMPLATE = r"newsdesk:more:(?P<query_id>[0-9]{1,18})"
_GONE = "I no longer have that question on record; please ask it again."


class _Host(Protocol):
    """The client the buttons run in (`NewsdeskBot`): where they find the services."""

    config: BotConfig
    services: BotServices


_NEWER_INDEX = (
    "The articles have been updated since this answer: these passages come from them as they "
    "are now."
)


def _host(interaction: discord.Interaction[Any]) -> _Host:
    client: _Host = interaction.client
    return client


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=_VOTE_TEMPLATE
):
    """👍 or 👎 on one answer; one vote per user, a second click replaces the first."""

    def __init__(self, query_id: int, vote: int) -> None:
        word = "up" if vote > 0 else "down"
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji="👍" if vote > 0 else "👎",
                custom_id=f"newsdesk:vote:{word}:{query_id}",
            )
        )
        self.query_id = query_id
        self.vote = 1 if vote > 0 else -1

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        return cls(int(match["query_id"]), 1 if match["vote"] == "up" else -1)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            querylog = _host(interaction).services.querylog
            stored = await asyncio.to_thread(
                querylog.vote, self.query_id, interaction.user.id, self.vote
            )
            thumb = "👍" if self.vote > 0 else "👎"
            note = f"Thanks, your {thumb} is noted." if stored else "Thanks for the feedback."
            await send_ephemeral(interaction, note)
        except Exception as exc:  # the bot's boundary: report, log, never show a traceback
            await report_error(interaction, exc)


class MoreSourcesButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=_MORE_TEMPLATE
):
    """Shows the passages beyond those in the answer, to the clicking user only."""

    def __init__(self, query_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.primary,
                label="More sources",
                custom_id=f"newsdesk:more:{query_id}",
            )
        )
        self.query_id = query_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> MoreSourcesButton:
        return cls(int(match["query_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self._show_more(interaction)
        except Exception as exc:  # the bot's boundary: report, log, never show a traceback
            await report_error(interaction, exc)

    async def _show_more(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        services, config = _host(interaction).services, _host(interaction).config
        logged = await asyncio.to_thread(services.querylog.get, self.query_id)
        if logged is None:
            await send_ephemeral(interaction, _GONE)
            return
        note = None
        extra = services.further.get(self.query_id)
        if extra is None:  # not kept (a restart since): asked again, on the index of now
            answer = await asyncio.to_thread(
                services.answerer.ask, logged.question, k=config.more_k
            )
            shown = set(logged.quote_texts)
            extra = (
                tuple(q for q in answer.quotes if q.text not in shown) if answer.answered else ()
            )
            if answer.index_version != logged.index_version:
                note = _NEWER_INDEX
        await interaction.followup.send(
            embed=more_sources_embed(logged.question, extra, note=note),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


DYNAMIC_ITEMS = (VoteButton, MoreSourcesButton)


def answer_view(query_id: int | None, *, answered: bool) -> discord.ui.View | None:
    """The buttons for a logged answer (none when logging failed: there is nothing to vote on)."""
    if query_id is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(query_id, 1))
    view.add_item(VoteButton(query_id, -1))
    if answered:
        view.add_item(MoreSourcesButton(query_id))
    return view
