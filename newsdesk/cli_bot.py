"""`newsdesk bot`: wires settings, the index, the query log and a rebuild into the Discord bot."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from newsdesk.commands import friendly_errors, settings_from
from newsdesk.settings import Settings

if TYPE_CHECKING:
    from bot import BotConfig, BuildReport
    from index import BuildSummary, Embedder

MISSING_TOKEN = (
    "error: DISCORD_TOKEN is not set; put the bot token in .env or the environment "
    "(see 'Set up the bot' in README.md), or run `newsdesk chat` to ask from the terminal."
)


def bot_config(settings: Settings) -> BotConfig:
    """The bot's settings, from ours; it shows as many quotes as the answerer is set for."""
    from bot import BotConfig
    from newsdesk.wiring import retrieval_config

    return BotConfig(
        guild_id=settings.newsdesk_guild_id,
        top_k=retrieval_config(settings).top_k,
        cooldown_s=settings.newsdesk_cooldown_s,
        answer_in_thread=settings.newsdesk_answer_in_thread,
        connect_attempts=settings.newsdesk_connect_attempts,
        news_channel_id=settings.newsdesk_news_channel_id,
        feed_check_s=settings.newsdesk_feed_check_s,
        brief_at=(
            dt.time.fromisoformat(settings.newsdesk_brief_at)
            if settings.newsdesk_brief_at
            else None
        ),
        timezone=settings.newsdesk_timezone,
    )


def make_reindex(settings: Settings, embedder: Embedder) -> Callable[[], BuildReport]:
    """A blocking rebuild for /reindex, with the process's one encoder (`SharedEmbedder`)."""

    def reindex() -> BuildReport:
        from newsdesk.building import run_build

        return build_report(run_build(settings, show_progress=False, embedder=embedder))

    return reindex


def build_report(summary: BuildSummary) -> BuildReport:
    """The bot's view of a build summary."""
    from bot import BuildReport

    return BuildReport(
        articles=summary.articles,
        added=summary.added,
        updated=summary.updated,
        unchanged=summary.unchanged,
        removed=summary.removed,
        skipped=len(summary.skipped),
        chunks=summary.chunks,
        seconds=summary.seconds,
        notes=tuple(summary.notes),
    )


def _ensure_index(settings: Settings, embedder: Embedder) -> None:
    """Build the index first when there is none yet."""
    from index import read_manifest
    from kernel.errors import IndexNotFound
    from newsdesk.building import run_build

    try:
        read_manifest(settings.newsdesk_index_dir)
    except IndexNotFound:
        click.echo(f"No index at {settings.newsdesk_index_dir} yet; building it first.", err=True)
        summary = run_build(settings, embedder=embedder)
        click.echo(f"Indexed {summary.articles} articles.", err=True)


@click.command("bot")
@click.pass_context
@friendly_errors
def bot_command(ctx: click.Context) -> None:
    """Run the Discord bot: /ask, @mentions, /sources, /reindex, /stats, /add and /feeds.

    Example: DISCORD_TOKEN=... newsdesk bot
    """
    settings = settings_from(ctx)
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        click.echo(MISSING_TOKEN, err=True)
        ctx.exit(2)
    from bot import BotServices, run_bot
    from index import SharedEmbedder
    from newsdesk.ingesting import make_ingester
    from newsdesk.wiring import make_answerer, make_query_log, open_encoder

    for name in ("bot", "discord"):
        if logging.getLogger(name).getEffectiveLevel() > logging.INFO:
            logging.getLogger(name).setLevel(logging.INFO)
    encoder = SharedEmbedder(open_encoder(settings))  # one model for answers and builds
    _ensure_index(settings, encoder)
    answerer = make_answerer(settings, embedder=encoder)
    querylog = make_query_log(settings)
    news = make_ingester(settings, embedder=encoder)
    services = BotServices(
        answerer=answerer,
        querylog=querylog,
        reindex=make_reindex(settings, encoder),
        news=news,
    )
    click.echo(f"Starting the bot over {answerer.index.n_articles:,} articles.", err=True)
    try:
        run_bot(bot_config(settings), services, token)
    finally:
        querylog.close()
        news.close()
    click.echo("Bot stopped.", err=True)


COMMANDS = [bot_command]
