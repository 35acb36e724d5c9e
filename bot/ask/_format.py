"""Answer embeds: quotes with their sources, always within Discord's limits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote as percent_quote

import discord

from bot.text import (
    DESCRIPTION_LIMIT,
    ELLIPSIS,
    EMBED_TOTAL_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    clip,
    escape,
    fit,
    size,
)
from retrieval import NO_ANSWER, Answer, Quote, Source, relative_dates, spell_date

ANSWERED_COLOUR = discord.Colour(0x2E7D5B)
UNANSWERED_COLOUR = discord.Colour(0x747F8D)
MORE_COLOUR = discord.Colour(0x3B6EA5)
FURTHER_QUOTES = 3

_NAME_LIMIT = 120
_SOURCE_LIMIT = 300
_ALSO_LIMIT = 300
_URL_LIMIT = 512
_FIELD_QUOTE_LIMIT = 700
_READ_AS_LIMIT = 300
_SAFE_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


def _safe_url(url: str | None) -> str | None:
    """An http(s) link that cannot break out of markdown, or None."""
    if not url or len(url) > _URL_LIMIT or not _SAFE_URL.match(url):
        return None
    return percent_quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def _source_name(source: Source) -> str:
    """The article's title (or id), linked when it has a URL; never over `_SOURCE_LIMIT`."""
    if not source.title:
        label = f"`{source.article_id.replace('`', '')[:_NAME_LIMIT]}`"
    else:
        label = escape(clip(source.title, _NAME_LIMIT))
    url = _safe_url(source.url)
    if url is not None:
        linked = f"[{label.replace('[', '(').replace(']', ')')}]({url})"
        if size(linked) <= _SOURCE_LIMIT - 2:
            return linked
    return f"*{label}*" if source.title else label


def source_line(source: Source) -> str:
    """Date, outlet, title, link and agency of one source, on one line."""
    parts = [escape(source.published[:32]) if source.published else "undated"]
    if source.outlet:
        parts.append(escape(clip(source.outlet, _NAME_LIMIT)))
    parts.append(_source_name(source))
    if source.agency and source.agency != source.outlet:
        parts.append("via " + escape(clip(source.agency, _NAME_LIMIT)))
    return _within(parts, _SOURCE_LIMIT, " · ")


def also_in(sources: Sequence[Source]) -> str | None:
    """The "also in" line of a passage that stands in several articles, or None."""
    if not sources:
        return None
    names = [_source_name(s) for s in sources]
    line = _within(names, _ALSO_LIMIT - len("also in: "), "; ", count=True)
    return "also in: " + line if line else None


def _within(items: list[str], limit: int, separator: str, *, count: bool = False) -> str:
    """Whole items joined, dropping trailing ones until it fits (a link is never cut).

    With `count`, dropped items are summed up as "and N more".
    """
    kept = list(items)
    while kept and size(separator.join(kept)) > limit:
        kept.pop()
    if not count or len(kept) == len(items):
        return separator.join(kept)
    while kept:
        more = f"and {len(items) - len(kept)} more"
        if size(separator.join([*kept, more])) <= limit:
            return separator.join([*kept, more])
        kept.pop()
    return ""


def _highlighted(text: str, highlight: tuple[int, int] | None, limit: int) -> str:
    """The quote, escaped, with the answering words in bold when they fit."""
    span = highlight if highlight and 0 <= highlight[0] < highlight[1] <= len(text) else None
    if span is not None:
        start, end = span
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        span = (start, end) if start < end else None

    def draw(kept: str, cut: bool) -> str:
        tail = ELLIPSIS if cut else ""
        if span is None or span[1] > len(kept):
            return escape(kept) + tail
        start, end = span
        before, middle, after = kept[:start], kept[start:end], kept[end:]
        lead = escape(before) + (" " if before[-1:].isspace() else "")
        trail = (" " if after[:1].isspace() else "") + escape(after)
        return f"{lead}**{escape(middle)}**{trail}{tail}"

    return fit(text, limit, draw)


def quote_block(quote: Quote, limit: int) -> str:
    """A quote with its source line and "also in" line, within `limit`."""
    lines = []
    if quote.sources:
        earlier = "earlier report: " if quote.earlier else ""
        lines.append("— " + earlier + source_line(quote.sources[0]))
        also = also_in(quote.sources[1:])
        if also:
            lines.append(also)
    dates = relative_dates(quote)
    if dates:
        resolved = "; ".join(f"{d.text} = {spell_date(d.resolved, d.text)}" for d in dates)
        lines.append(clip("dates: " + escape(resolved), _SOURCE_LIMIT))
    meta = "\n".join(lines)
    while lines and size(meta) > limit // 2:
        lines.pop()
        meta = "\n".join(lines)
    room = limit - size(meta) - (1 if meta else 0)
    body = _highlighted(quote.text, quote.highlight, room)
    return f"{body}\n{meta}" if meta else body


def _footer(answer: Answer) -> str:
    n = answer.articles_searched
    return f"Searched {n:,} article{'s' if n != 1 else ''} · {answer.latency_ms:,.0f} ms"


def answer_embed(answer: Answer) -> discord.Embed:
    """The reply to a question: the best quote, up to three more, or a polite "not covered"."""
    title = fit(answer.question, TITLE_LIMIT)
    answered = answer.answered and bool(answer.quotes)
    embed = discord.Embed(title=title, colour=ANSWERED_COLOUR if answered else UNANSWERED_COLOUR)
    embed.set_footer(text=clip(_footer(answer), FOOTER_LIMIT))
    further = answer.quotes[1 : 1 + FURTHER_QUOTES] if answered else answer.quotes[:FURTHER_QUOTES]
    for number, quote in enumerate(further):
        if answered:
            name = f"Source {number + 2}"
        else:
            name = "Closest matches" if number == 0 else "\u200b"
        embed.add_field(name=name, value=quote_block(quote, _FIELD_QUOTE_LIMIT), inline=False)
    if answer.read_as:  # a follow-up says how it was read, above the quotes
        read_as = "*Read as: " + escape(clip(answer.read_as, _READ_AS_LIMIT)) + "*\n"
    else:
        read_as = ""
    room = min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - embed_size(embed)) - size(read_as)
    if answered:
        lead = f"**{escape(clip(answer.lead, _NAME_LIMIT))}**\n" if answer.lead else ""
        embed.description = lead + quote_block(answer.quotes[0], room - size(lead))
    else:
        embed.description = fit(answer.message or NO_ANSWER, room)
    embed.description = read_as + embed.description
    return within_limits(embed)


def more_sources_embed(
    question: str, quotes: Sequence[Quote], *, note: str | None = None
) -> discord.Embed:
    """The ephemeral list of further quotes behind "More sources" (with a note, if any)."""
    if not quotes:
        return discord.Embed(
            title="More sources",
            description="There are no further passages on this question.",
            colour=MORE_COLOUR,
        )
    head = f"{fit(question, 300)}\n*{note}*" if note else fit(question, 300)
    embed = discord.Embed(title="More sources", description=head, colour=MORE_COLOUR)
    for number, quote in enumerate(quotes[: FIELDS_LIMIT - 1], start=1):
        value = quote_block(quote, _FIELD_QUOTE_LIMIT)
        embed.add_field(name=f"{number}.", value=value, inline=False)
    return within_limits(embed)


def within_limits(embed: discord.Embed) -> discord.Embed:
    """Drop trailing fields until the embed fits Discord's total and per-part limits."""
    while len(embed.fields) > FIELDS_LIMIT:
        embed.remove_field(-1)
    for position, field in enumerate(list(embed.fields)):
        name = clip(str(field.name or "\u200b"), FIELD_NAME_LIMIT)
        value = str(field.value or "\u200b")
        if size(value) > FIELD_VALUE_LIMIT:
            value = clip(value, FIELD_VALUE_LIMIT)
        embed.set_field_at(position, name=name, value=value, inline=bool(field.inline))
    while embed.fields and embed_size(embed) > EMBED_TOTAL_LIMIT:
        embed.remove_field(-1)
    return embed


def embed_size(embed: discord.Embed) -> int:
    """The embed's total text, as Discord counts it against its 6,000 limit."""
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts += [embed.author.name or ""]
    for field in embed.fields:
        parts += [str(field.name or ""), str(field.value or "")]
    return sum(size(part) for part in parts)
