"""`newsdesk brief` and `timeline`: what is new, in stories, and one story in time."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from newsdesk.cli_ask import parse_as_of, parse_day
from newsdesk.commands import friendly_errors, settings_from
from newsdesk.terminal import json_line, shown

if TYPE_CHECKING:
    from index import OpenIndex
    from retrieval import Brief, Embed, Source, Story, Timeline, TimelineEntry

_SINCE_HELP = (
    "Articles published since: a span (24h, 2d, 1w) back from the as-of day, or a day "
    "YYYY-MM-DD [24h: the day before and the as-of day]."
)
_AS_OF_HELP = "Read as of this day, YYYY-MM-DD (default: today); later articles are not used."


def _source_line(source: Source) -> str:
    parts = [source.published or "undated", source.outlet, source.title, source.url or source.path]
    return " · ".join(p for p in parts if p)


def format_story(number: int, story: Story) -> str:
    """One story: how widely it is carried, its quote, its sources, who else reports it."""
    outlets = len(story.outlets)
    head = (
        f"{number}. {story.articles} article{'s' * (story.articles != 1)} · "
        f"{outlets} outlet{'s' * (outlets != 1)}"
    )
    lines = [head, *(f"   > {line}" for line in story.quote.split("\n"))]
    lines += [f"   — {_source_line(source)}" for source in story.sources]
    if story.also_reported_by:
        lines.append("   also reported by: " + ", ".join(story.also_reported_by))
    return "\n".join(lines)


def format_brief(brief: Brief, limit: int | None) -> str:
    """A brief as readable text: a summary line, then the stories, most carried first."""
    shown_stories = brief.stories[:limit]
    window = f"{brief.first.isoformat()} to {brief.last.isoformat()}"
    about = f' about "{brief.topic}"' if brief.topic else ""
    total = len(brief.stories)
    head = (
        f"{total} stor{'ies' if total != 1 else 'y'}{about} from {brief.articles} "
        f"article{'s' * (brief.articles != 1)} published {window}"
    )
    if len(shown_stories) < total:
        head += f"; the {len(shown_stories)} most carried"
    blocks = [head + "."]
    blocks += [format_story(n, story) for n, story in enumerate(shown_stories, start=1)]
    if not brief.articles:
        blocks.append("No article was published then.")
    return shown("\n\n".join(blocks))


def format_entry(entry: TimelineEntry) -> str:
    """One timeline entry: its date (and where it comes from), the sentence, its sources."""
    if entry.dated_by == "text":
        when = f'{entry.spelled} ("{entry.date_text}")'
    else:
        when = f"{entry.spelled} (published)"
    lines = [when, *(f"  > {line}" for line in entry.text.split("\n"))]
    lines += [f"  — {_source_line(source)}" for source in entry.sources]
    return "\n".join(lines)


def format_timeline(timeline: Timeline, limit: int | None) -> str:
    """A timeline as readable text, oldest event first."""
    entries = timeline.entries[:limit]
    n = len(entries)
    head = (
        f'Timeline of "{timeline.topic}": {n} entr{"ies" if n != 1 else "y"} from '
        f"{timeline.articles_searched} articles, oldest first."
    )
    if not entries:
        head += " None of the articles reports an event about it."
    return shown("\n\n".join([head, *(format_entry(e) for e in entries)]))


def _open(ctx: click.Context, *, with_model: bool) -> tuple[OpenIndex, Embed | None]:
    """The index, and the model's embedding of a text when it is needed."""
    from index import load_index

    settings = settings_from(ctx)
    if not with_model:
        return load_index(settings.newsdesk_index_dir), None
    from newsdesk.wiring import make_answerer

    answerer = make_answerer(settings, reader=False)  # a brief embeds; it reads no answer
    return answerer.index, answerer.embed_question


@click.command("brief")
@click.option("--since", metavar="24h|2d|YYYY-MM-DD", help=_SINCE_HELP)
@click.option("--topic", metavar="WORDS", help="Only the stories about this.")
@click.option("--limit", type=click.IntRange(0), default=10, show_default=True,
              help="Show this many stories at most (0: all).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the brief as one JSON object.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help=_AS_OF_HELP)
@click.pass_context
@friendly_errors
def brief_command(
    ctx: click.Context,
    since: str | None,
    topic: str | None,
    limit: int,
    as_json: bool,
    as_of: str | None,
) -> None:
    """What is new: the articles published since then, grouped into stories, most carried
    first, each with its lead sentence quoted verbatim and every source.

    Example: newsdesk brief --since 2d --topic "bus fares"
    """
    from retrieval import brief_window, make_brief

    first, last = brief_window(since, parse_as_of(as_of) or dt.date.today())
    index, embed = _open(ctx, with_model=bool(topic and topic.strip()))
    brief = make_brief(index, first=first, last=last, topic=topic, embed=embed)
    most = limit or None
    click.echo(json_line(brief.to_json(most)) if as_json else format_brief(brief, most))


@click.command("timeline")
@click.argument("words", nargs=-1, required=True)
@click.option("--since", metavar="YYYY-MM-DD", help="Only articles published on or after it.")
@click.option("--limit", type=click.IntRange(0), default=30, show_default=True,
              help="Show this many entries at most, the most relevant (0: all).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as one JSON object.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help=_AS_OF_HELP)
@click.pass_context
@friendly_errors
def timeline_command(
    ctx: click.Context,
    words: tuple[str, ...],
    since: str | None,
    limit: int,
    as_json: bool,
    as_of: str | None,
) -> None:
    """One story in time: the sentences about it that report an event, each with its date
    (the one it names, else its article's publication day), copies made one, oldest first.

    Example: newsdesk timeline Halvern bridge --json
    """
    from retrieval import TimelineConfig, check_topic, make_timeline

    topic = check_topic(" ".join(words))
    first = parse_day(since, "--since")
    index, embed = _open(ctx, with_model=True)
    assert embed is not None
    config = TimelineConfig(entries=limit) if limit else TimelineConfig(entries=10**6)
    found = make_timeline(
        index, topic, embed=embed, since=first, as_of=parse_as_of(as_of), config=config
    )
    click.echo(json_line(found.to_json()) if as_json else format_timeline(found, None))


COMMANDS = [brief_command, timeline_command]
