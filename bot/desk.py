"""The desk: /brief (what is new, in stories), /timeline (one story in time), the daily brief."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.ask import also_in, embed_size, source_line, within_limits
from bot.config import BotConfig, BotServices
from bot.replies import NO_MENTIONS, send_ephemeral
from bot.text import (
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    MESSAGE_LIMIT,
    TITLE_LIMIT,
    clip,
    escape,
    fit,
    size,
)
from kernel.errors import NewsdeskError
from retrieval import (
    Answerer,
    Brief,
    Story,
    Timeline,
    TimelineConfig,
    TimelineEntry,
    brief_window,
    check_topic,
    make_brief,
    make_timeline,
)

log = logging.getLogger(__name__)

MAX_STORIES = 10  # embeds in one message, Discord's limit
MAX_ENTRIES = 15
BRIEF_COLOUR = discord.Colour(0x8E5B2E)
TIMELINE_COLOUR = discord.Colour(0x3B6EA5)
UNAVAILABLE = "Briefs and timelines need the article index, which is not open here."
_ROOM = EMBED_TOTAL_LIMIT - 100  # the sum of a message's embeds, with a margin


def story_embed(number: int, story: Story, budget: int) -> discord.Embed:
    """One story within `budget` characters: its quote, how widely it is carried, its
    sources and who else reports it."""
    first = story.sources[0]
    title = clip(f"{number}. {first.title or first.article_id}", TITLE_LIMIT)
    n, outlets = story.articles, len(story.outlets)
    carried = f"{n} article{'s' * (n != 1)} · {outlets} outlet{'s' * (outlets != 1)}"
    quote_room = min(DESCRIPTION_LIMIT, budget // 2) - size(carried) - 4
    embed = discord.Embed(
        title=title,
        description=f"> {fit(story.quote, max(quote_room, 40))}\n{carried}",
        colour=BRIEF_COLOUR,
    )
    lines = [source_line(s) for s in story.sources]
    sources_room = min(FIELD_VALUE_LIMIT, max(budget - embed_size(embed) - 40, 60))
    embed.add_field(name="Sources", value=_lines_within(lines, sources_room), inline=False)
    if story.also_reported_by:
        also = escape(", ".join(story.also_reported_by))
        embed.add_field(name="Also reported by", value=clip(also, 300), inline=False)
    return within_limits(embed)


def brief_message(brief: Brief, limit: int = MAX_STORIES) -> tuple[str, list[discord.Embed]]:
    """The text and embeds of a brief: a line saying what it covers, one embed a story
    (the `limit` most carried), all within Discord's limits for one message."""
    stories = brief.stories[:limit]
    window = _window(brief.first, brief.last)
    about = f" about “{escape(brief.topic)}”" if brief.topic else ""
    if not stories:
        what = "No story" if brief.articles else "No article"
        return clip(f"{what}{about} was published {window}.", MESSAGE_LIMIT), []
    total = len(brief.stories)
    head = f"**Brief**{about}: {total} stor{'ies' if total != 1 else 'y'} from "
    head += f"{brief.articles} article{'s' * (brief.articles != 1)} published {window}"
    if len(stories) < total:
        head += f"; the {len(stories)} most carried"
    budget = _ROOM // len(stories)
    embeds = [story_embed(n, story, budget) for n, story in enumerate(stories, start=1)]
    while sum(embed_size(e) for e in embeds) > _ROOM:
        embeds.pop()
    return clip(head + ".", MESSAGE_LIMIT), embeds


def timeline_embed(timeline: Timeline, limit: int = MAX_ENTRIES) -> discord.Embed:
    """A timeline in one embed: an entry a field, named by its date, oldest first."""
    entries = timeline.entries[:limit]
    title = fit(f"Timeline: {timeline.topic}", TITLE_LIMIT)
    count = f"{len(entries)} entr{'ies' if len(entries) != 1 else 'y'}"
    description = f"{count} from {timeline.articles_searched:,} articles, oldest first."
    if not entries:
        description += " None of the articles reports an event about it."
    embed = discord.Embed(title=title, description=description, colour=TIMELINE_COLOUR)
    room = (_ROOM - embed_size(embed)) // max(len(entries), 1) - 60
    for entry in entries:
        marker = "" if entry.dated_by == "text" else " (published)"
        value_room = min(FIELD_VALUE_LIMIT, room)
        meta = _entry_meta(entry, value_room // 2)
        body = fit(entry.text, max(value_room - size(meta) - 1, 40))
        embed.add_field(name=entry.spelled + marker, value=f"{body}\n{meta}", inline=False)
    return within_limits(embed)


def _entry_meta(entry: TimelineEntry, limit: int) -> str:
    """An entry's source line and "also in" line, shortened until it fits `limit`."""
    first = entry.sources[0]
    also = also_in(entry.sources[1:])
    full = f"— {source_line(first)}" + (f"\n{also}" if also else "")
    more = f" and {len(entry.sources) - 1} more" if len(entry.sources) > 1 else ""
    short = "— " + escape(" · ".join(p for p in (first.published, first.outlet) if p)) + more
    for candidate in (full, f"— {source_line(first)}{more}", short):
        if size(candidate) <= limit:
            return candidate
    return clip(short, limit)


def _lines_within(lines: Sequence[str], limit: int) -> str:
    """Whole lines, as many as fit, the rest counted as "and N more"."""
    kept: list[str] = []
    for n, line in enumerate(lines):
        more = f"and {len(lines) - n} more"
        if size("\n".join([*kept, line, more if n < len(lines) - 1 else ""])) > limit:
            return "\n".join([*kept, more])
        kept.append(line)
    return "\n".join(kept)


def _window(first: dt.date, last: dt.date) -> str:
    spelled = f"{last.day} {last:%B %Y}"
    return f"on {spelled}" if first == last else f"from {first.day} {first:%B %Y} to {spelled}"


class DeskCog(commands.Cog):
    """/brief and /timeline for everyone; the daily brief to the news channel."""

    def __init__(
        self,
        client: commands.Bot,
        config: BotConfig,
        services: BotServices,
        *,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.client = client
        self.config = config
        self.services = services
        self.zone = ZoneInfo(config.timezone)
        self.clock = clock or (lambda: dt.datetime.now(self.zone))
        self.posted_on: dt.date | None = None  # the day the daily brief last went out
        if config.brief_at is not None:
            self.daily.change_interval(time=config.brief_at.replace(tzinfo=self.zone))

    async def cog_load(self) -> None:
        """Start the daily brief when it has a time and a channel."""
        if self.config.brief_at is not None and self.config.news_channel_id:
            self.daily.start()
        elif self.config.brief_at is not None:
            log.warning("NEWSDESK_BRIEF_AT is set but NEWSDESK_NEWS_CHANNEL_ID is not: no brief")

    async def cog_unload(self) -> None:
        """Stop the daily brief."""
        self.daily.cancel()

    def today(self) -> dt.date:
        """Today in the configured time zone."""
        return self.clock().astimezone(self.zone).date()

    @property
    def answerer(self) -> Answerer | None:
        """The answerer whose index briefs are made from (None if it has none to share)."""
        answerer = self.services.answerer
        return answerer if isinstance(answerer, Answerer) else None

    @app_commands.command(name="brief", description="What is new in the articles, in stories.")
    @app_commands.describe(
        since="24h, 2d, 1w or a day like 2025-11-04 (default 24h).",
        topic="Only the stories about this.",
    )
    async def brief(
        self,
        interaction: discord.Interaction[Any],
        since: str | None = None,
        topic: str | None = None,
    ) -> None:
        """Check the window and topic, make the brief off the event loop, send its embeds."""
        answerer = self.answerer
        try:
            first, last = brief_window(since, self.today())
            topic = check_topic(topic) if topic and topic.strip() else None
        except NewsdeskError as exc:
            await send_ephemeral(interaction, str(exc))
            return
        if answerer is None:
            await send_ephemeral(interaction, UNAVAILABLE)
            return
        await interaction.response.defer(thinking=True)
        found = await asyncio.to_thread(
            make_brief,
            answerer.index,
            first=first,
            last=last,
            topic=topic,
            embed=answerer.embed_question,
        )
        content, embeds = brief_message(found)
        await interaction.followup.send(content, embeds=embeds, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="timeline", description="One story in time, oldest event first.")
    @app_commands.describe(
        topic="The story, e.g. Halvern bridge.",
        since="Only articles since: 2d, 1w or a day like 2025-11-04.",
    )
    async def timeline(
        self, interaction: discord.Interaction[Any], topic: str, since: str | None = None
    ) -> None:
        """Check the topic and window, make the timeline off the event loop, send its embed."""
        answerer = self.answerer
        try:
            topic = check_topic(topic)
            first = brief_window(since, self.today())[0] if since else None
        except NewsdeskError as exc:
            await send_ephemeral(interaction, str(exc))
            return
        if answerer is None:
            await send_ephemeral(interaction, UNAVAILABLE)
            return
        await interaction.response.defer(thinking=True)
        found = await asyncio.to_thread(
            make_timeline,
            answerer.index,
            topic,
            embed=answerer.embed_question,
            since=first,
            as_of=self.today(),
            config=TimelineConfig(entries=MAX_ENTRIES),
        )
        embed = timeline_embed(found)
        await interaction.followup.send(embed=embed, allowed_mentions=NO_MENTIONS)

    @tasks.loop(time=dt.time(7, tzinfo=dt.UTC))
    async def daily(self) -> None:
        """Post the daily brief; a failure is logged and tomorrow's goes on."""
        try:
            await self.post_daily_brief()
        except Exception:  # a bug in one brief must not stop the loop
            log.exception("the daily brief failed")

    @daily.before_loop
    async def _ready(self) -> None:
        await self.client.wait_until_ready()

    async def post_daily_brief(self) -> bool:
        """Post the last 24 hours' brief to the news channel, once a day at most.

        Returns:
            True when it was posted now, False when today's had gone out already (or there
            is no channel or index to make it from).
        """
        today = self.today()
        answerer = self.answerer
        channel_id = self.config.news_channel_id
        if self.posted_on == today or answerer is None or not channel_id:
            return False
        self.posted_on = today  # before the first await: a second call the same day waits out
        await asyncio.to_thread(_reload, answerer)
        first, last = brief_window(None, today)
        found = await asyncio.to_thread(make_brief, answerer.index, first=first, last=last)
        content, embeds = brief_message(found)
        channel = self.client.get_partial_messageable(channel_id)
        try:
            await channel.send(content, embeds=embeds, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("could not post the daily brief to the news channel (%s)", exc)
        return True


def _reload(answerer: Answerer) -> None:
    """Pick up a build another process swapped in since the last question."""
    try:
        answerer.reload()
    except (NewsdeskError, OSError) as exc:
        log.warning("could not load the new index; the brief uses the old one (%s)", exc)
