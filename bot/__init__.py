"""Discord front end: /ask and @mentions with cited embeds, feedback buttons, admin commands."""

from bot.client import BotStartError, NewsdeskBot, run_bot, serve
from bot.config import BotConfig, BotServices, BuildReport, NewsService, QuestionService

__all__ = [
    "BotConfig",
    "BotServices",
    "BotStartError",
    "BuildReport",
    "NewsService",
    "NewsdeskBot",
    "QuestionService",
    "run_bot",
    "serve",
]
