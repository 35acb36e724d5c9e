"""`newsdesk log stats | tail | unanswered`: reading the query log."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TypeVar

import click

from newsdesk.commands import friendly_errors, settings_from
from newsdesk.terminal import json_line, shown

if TYPE_CHECKING:
    from retrieval import QueryLog


def _open_log(ctx: click.Context) -> QueryLog:
    """The configured query log, which must already exist."""
    from newsdesk.wiring import make_query_log

    settings = settings_from(ctx)
    if not settings.newsdesk_db.is_file():
        raise click.ClickException(
            f"No query log at {settings.newsdesk_db} yet; it is written as questions are asked "
            "(newsdesk ask, chat or the bot). Set NEWSDESK_DB if it lives elsewhere."
        )
    return make_query_log(settings, readonly=True)


@click.group("log")
def log_group() -> None:
    """Read the query log: totals, the latest questions, the unanswered ones.

    Example: newsdesk log stats
    """


@log_group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the totals as one JSON object.")
@click.pass_context
@friendly_errors
def log_stats(ctx: click.Context, as_json: bool) -> None:
    """Questions asked, the share answered, median latency and votes.

    Example: newsdesk log stats --json
    """
    with closing(_open_log(ctx)) as querylog:
        stats = querylog.stats()
    if as_json:
        click.echo(json.dumps({**asdict(stats), "answered_share": stats.answered_share}))
        return
    share = f" ({stats.answered_share:.0%})" if stats.answered_share is not None else ""
    latency = stats.median_latency_ms
    rows = [
        ("questions", f"{stats.questions:,}"),
        ("answered", f"{stats.answered:,}{share}"),
        ("median latency", f"{latency:,.1f} ms" if latency is not None else "—"),
        ("votes", f"+{stats.votes_up:,} / -{stats.votes_down:,}"),
    ]
    for name, value in rows:
        click.echo(f"{name + ':':16} {value}")


F = TypeVar("F", bound=Callable[..., Any])


def _count_option(help_text: str) -> Callable[[F], F]:
    """The `-n COUNT` option of the listing commands."""
    return click.option(
        "-n",
        "count",
        type=click.IntRange(1, 10_000),
        default=10,
        show_default=True,
        help=help_text,
    )


@log_group.command("tail")
@_count_option("How many of the latest questions to show.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object a line.")
@click.pass_context
@friendly_errors
def log_tail(ctx: click.Context, count: int, as_json: bool) -> None:
    """The latest questions, newest first, with whether and what was answered.

    Example: newsdesk log tail -n 20
    """
    with closing(_open_log(ctx)) as querylog:
        queries = querylog.tail(count)
    for query in queries:
        if as_json:
            click.echo(json_line(asdict(query)))
            continue
        status = "answered" if query.answered else "no answer"
        click.echo(
            f"#{query.query_id} {shown(query.ts)} {shown(query.interface):7} {status:9} "
            f"{query.latency_ms:7.1f} ms  {shown(query.question)}"
        )
        if query.answer:
            click.echo(f"    → {shown(query.answer)}")


@log_group.command("unanswered")
@_count_option("How many questions to show.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object a line.")
@click.pass_context
@friendly_errors
def log_unanswered(ctx: click.Context, count: int, as_json: bool) -> None:
    """The questions the articles did not answer, most frequent first.

    Example: newsdesk log unanswered -n 5
    """
    with closing(_open_log(ctx)) as querylog:
        questions = querylog.unanswered(count)
    for item in questions:
        if as_json:
            click.echo(json_line(asdict(item)))
        else:
            click.echo(f"{item.count:4}× {shown(item.question)}  (last {shown(item.last_ts)})")


COMMANDS = [log_group]
