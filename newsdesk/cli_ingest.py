"""`newsdesk add` and `newsdesk feeds add | list | remove | poll`: live news from the terminal."""

from __future__ import annotations

import asyncio
import datetime as dt
from contextlib import closing
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from newsdesk.commands import friendly_errors, settings_from
from newsdesk.terminal import json_line, shown

if TYPE_CHECKING:
    from ingest import Feed, IngestReport, LinkResult


POLL_SOME_FAILED = 1  # `feeds poll` exit status: a feed or link failed, or no index update
POLL_NOT_RUN = 2  # `feeds poll` exit status: the poll could not run at all


def _say(text: str, err: bool = False) -> None:
    """Print a line that may hold text from the web (titles, feed names, errors) inertly."""
    click.echo(shown(text), err=err)


def _shown_path(path: str | None) -> str:
    from pathlib import Path

    from index import display_path

    return display_path(Path(path)) if path else ""


def _link_line(link: LinkResult) -> str:
    if link.status == "added":
        chunks = "" if link.chunks is None else f", {link.chunks} chunk{'s' * (link.chunks != 1)}"
        return (
            f"added: {link.title or '(untitled)'} — {link.outlet or 'unknown outlet'}, "
            f"{link.published or 'no date'}{chunks} → {_shown_path(link.path)}"
        )
    if link.status == "duplicate":
        where = _shown_path(link.path)
        return f"not added: {link.link} is already in the corpus as {where}"
    return f"failed: {link.reason}"


def _echo_report(report: IngestReport) -> bool:
    """Print what happened; True when everything asked for went through."""
    for feed in report.feeds:
        if feed.status == "failed":
            _say(f"feed #{feed.feed_id} {feed.name}: failed: {feed.error}", err=True)
        elif feed.status == "unchanged":
            _say(f"feed #{feed.feed_id} {feed.name}: unchanged", err=True)
        else:
            _say(f"feed #{feed.feed_id} {feed.name}: {feed.entries} entries", err=True)
        for note in feed.notes:
            _say(f"feed #{feed.feed_id}: note: {note}", err=True)
    for link in report.links:
        _say(_link_line(link), err=link.status == "failed")
    if report.build_error:
        _say(f"error: the index was not updated: {report.build_error}", err=True)
    elif report.build is not None:
        build = report.build
        _say(
            f"Index updated: {build.articles} articles, {build.chunks} chunks "
            f"({build.embedded_chunks} embedded) in {build.seconds:.1f} s.",
            err=True,
        )
    return not report.failed and not report.build_error


@click.command("add")
@click.argument("urls", nargs=-1, required=True)
@click.pass_context
@friendly_errors
def add_command(ctx: click.Context, urls: tuple[str, ...]) -> None:
    """Fetch articles by link into the corpus, then update the index once.

    Example: newsdesk add https://example.org/news/2024/03/bridge.html
    """
    from newsdesk.ingesting import make_ingester

    with closing(make_ingester(settings_from(ctx))) as ingester:
        report = asyncio.run(ingester.add(list(urls)))
    if not _echo_report(report):
        ctx.exit(1)


@click.group("feeds")
def feeds_group() -> None:
    """Follow RSS and Atom feeds: add, list, remove, and poll the due ones.

    Example: newsdesk feeds add https://example.org/news/rss.xml --every 30m
    """


@feeds_group.command("add")
@click.argument("url")
@click.option("--every", default="30m", show_default=True, help="How often to poll (30m, 2h, 1d).")
@click.pass_context
@friendly_errors
def feeds_add(ctx: click.Context, url: str, every: str) -> None:
    """Follow a feed; `feeds poll` (or the bot) then takes in its new articles.

    Example: newsdesk feeds add https://example.org/rss --every 1h
    """
    from ingest import format_every, parse_every
    from newsdesk.ingesting import make_ingester

    every_s = parse_every(every)
    with closing(make_ingester(settings_from(ctx))) as ingester:
        followed = asyncio.run(ingester.follow(url, every_s))
    feed = followed.feed
    if not followed.new:
        _say(f"Already following {feed.url} as #{feed.feed_id}.")
        return
    _say(
        f"Following #{feed.feed_id} {feed.url} ({followed.entries} entries now) every "
        f"{format_every(feed.every_s)}; `newsdesk feeds poll` takes its articles in."
    )


def _ago(iso: str | None) -> str:
    if not iso:
        return "never"
    seconds = (dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(iso)).total_seconds()
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{int(seconds // size)}{unit} ago"
    return "just now"


def feed_status(feed: Feed) -> str:
    """One line on a feed's health: ok, or failing with its last error and the next try."""
    from ingest import format_every

    if feed.last_error:
        return (
            f"failing ({feed.failures} in a row; next try after "
            f"{format_every(feed.delay_s)}): {feed.last_error}"
        )
    return "ok" if feed.last_ok else "not polled yet"


@feeds_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the feeds table as JSON lines.")
@click.pass_context
@friendly_errors
def feeds_list(ctx: click.Context, as_json: bool) -> None:
    """The followed feeds: interval, last poll, articles added, and any error.

    Example: newsdesk feeds list
    """
    from ingest import FeedStore, format_every

    with closing(FeedStore(settings_from(ctx).newsdesk_db)) as store:
        feeds = store.feeds()
    if as_json:
        for feed in feeds:
            click.echo(json_line(asdict(feed)))
        return
    if not feeds:
        _say("No feeds yet; follow one with `newsdesk feeds add URL`.")
    for feed in feeds:
        _say(
            f"#{feed.feed_id} {feed.name} — every {format_every(feed.every_s)}, polled "
            f"{_ago(feed.last_polled)}, {feed.articles_added} added, {feed_status(feed)}"
        )
        if feed.title:
            _say(f"    {feed.url}")


@feeds_group.command("remove")
@click.argument("feed")
@click.pass_context
@friendly_errors
def feeds_remove(ctx: click.Context, feed: str) -> None:
    """Stop following a feed, by URL or id (its articles stay in the corpus).

    Example: newsdesk feeds remove 3
    """
    from ingest import FeedStore

    with closing(FeedStore(settings_from(ctx).newsdesk_db)) as store:
        removed = store.find(feed)
        store.remove(removed.feed_id)
    _say(f"Stopped following #{removed.feed_id} {removed.name}.")


@feeds_group.command("poll")
@click.option("--all", "all_feeds", is_flag=True, help="Poll every feed now, due or not.")
@click.pass_context
def feeds_poll(ctx: click.Context, all_feeds: bool) -> None:
    """Poll the due feeds once, take in their new articles and update the index (for cron).

    Exit status: 0 all went well; 1 some feed or link failed, or the index was not updated;
    2 the poll itself could not run (another poll is running, or the database cannot be opened).

    Example: newsdesk feeds poll
    """
    from kernel.errors import NewsdeskError
    from newsdesk.ingesting import make_ingester

    try:
        with closing(make_ingester(settings_from(ctx))) as ingester:
            report = asyncio.run(ingester.poll(all_feeds=all_feeds))
    except NewsdeskError as exc:
        _say(f"Error: {exc}", err=True)
        ctx.exit(POLL_NOT_RUN)
    if not report.feeds:
        _say("No feed is due.", err=True)
    added = len(report.added)
    _say(f"{added} article{'s' * (added != 1)} added from {len(report.feeds)} feeds.")
    fine = _echo_report(report)
    if not fine or any(feed.status == "failed" for feed in report.feeds):
        ctx.exit(POLL_SOME_FAILED)


COMMANDS = [add_command, feeds_group]
