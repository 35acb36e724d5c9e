"""Asking: /ask and @mentions, the answer embeds, and the buttons under them."""

from bot.ask._cog import USAGE, AskCog
from bot.ask._cooldown import Cooldown
from bot.ask._format import (
    also_in,
    answer_embed,
    embed_size,
    more_sources_embed,
    quote_block,
    source_line,
    within_limits,
)
from bot.ask._views import DYNAMIC_ITEMS, MoreSourcesButton, VoteButton, answer_view

__all__ = [
    "DYNAMIC_ITEMS",
    "USAGE",
    "AskCog",
    "Cooldown",
    "MoreSourcesButton",
    "VoteButton",
    "also_in",
    "answer_embed",
    "answer_view",
    "embed_size",
    "more_sources_embed",
    "quote_block",
    "source_line",
    "within_limits",
]
