"""Sending replies: never a mention, ephemeral notes, and the one error handler."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.text import MESSAGE_LIMIT, clip
from kernel.errors import NewsdeskError

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
FAILURE = "Something broke on my side; it has been logged."
_PERMISSION_NAMES = {"manage_guild": "Manage Server"}


async def send_ephemeral(interaction: discord.Interaction[Any], text: str) -> None:
    """A short note only the user sees, as the response or as a follow-up."""
    text = clip(text, MESSAGE_LIMIT)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


def user_message(error: BaseException) -> str | None:
    """What to tell the user about an error, or None when it is a bug to log."""
    if isinstance(error, NewsdeskError):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        names = ", ".join(_PERMISSION_NAMES.get(p, p) for p in error.missing_permissions)
        return f"You need the {names} permission to do that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That command works in a server, not in direct messages."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that command here."
    return None


async def report_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Tell the user what went wrong, without a traceback; log the bugs."""
    cause = getattr(error, "original", None) or error
    message = user_message(cause)
    if message is None:
        log.error("interaction %s failed", interaction.id, exc_info=cause)
        message = FAILURE
    try:
        await send_ephemeral(interaction, message)
    except discord.HTTPException as exc:
        log.warning("could not report the failure of interaction %s (%s)", interaction.id, exc)


async def on_tree_error(
    interaction: discord.Interaction[Any], error: app_commands.AppCommandError
) -> None:
    """The error handler of the command tree (docs/design.md, The bot)."""
    await report_error(interaction, error)
