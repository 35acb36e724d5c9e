"""Discord front end: /ask and @mentions with cited embeds, feedback buttons, admin commands.

This front door names what the entry point hands the bot and runs it with; the client, the
cogs and the services' protocols (`bot.config`) are imported from their modules.
"""

from bot.client import run_bot
from bot.config import BotConfig, BotServices, BuildReport

__all__ = ["BotConfig", "BotServices", "BuildReport", "run_bot"]
