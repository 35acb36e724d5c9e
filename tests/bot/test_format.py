"""The answer embeds stay within Discord's limits and render hostile text inert."""

from __future__ import annotations

import re

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ask import answer_embed, embed_size, more_sources_embed, quote_block, source_line
from bot.text import size
from retrieval import Answer, Quote, Source
from retrieval.answer import no_answer_message
from retrieval.quote_dates import date_quote

EMOJI = "👍🏽 👨‍👩‍👧 🇺🇦 "
HOSTILE = "@everyone <@&123> **bold** __u__ ~~s~~ ||spoiler|| `code` [link](https://evil.example) "
LONG_WORD = "x" * 10_000


def _source(n: int = 0, **fields) -> Source:
    base = dict(
        article_id=f"{n:03d}_abc",
        title=f"Title {n}",
        outlet="Outlet",
        url=None,
        published="2023-06-14",
        path=f"corpus/{n:03d}_abc.md",
        char_start=0,
        char_end=10,
        agency="AP",
    )
    return Source(**{**base, **fields})


def _answer(quotes: list[Quote], *, answered: bool = True, question: str = "When?") -> Answer:
    return Answer(
        question=question,
        answered=answered,
        quotes=tuple(quotes),
        latency_ms=12.5,
        articles_searched=1234,
        index_version="build-1",
        message=None if answered else no_answer_message(1234, has_closest=False),
    )


TEXTS = {
    "plain": "In February, Blinken canceled a trip to Beijing after a balloon was shot down.",
    "markdown": HOSTILE * 3,
    "long": ("The meeting ran long. " * 600).strip(),
    "one-long-word": LONG_WORD,
    "emoji": EMOJI * 1500,
    "newlines": "# Heading\n> quote\n- item\n1. first\n" * 50,
}


def _check_limits(embed: discord.Embed) -> None:
    data = embed.to_dict()
    assert size(data.get("title", "")) <= 256
    assert size(data.get("description", "")) <= 4096
    assert len(data.get("fields", [])) <= 25
    for field in data.get("fields", []):
        assert 0 < size(field["name"]) <= 256
        assert 0 < size(field["value"]) <= 1024
    assert size(data.get("footer", {}).get("text", "")) <= 2048
    assert embed_size(embed) <= 6000
    assert len(embed) <= 6000


def _visible_text(embed: discord.Embed) -> list[str]:
    data = embed.to_dict()
    return [data.get("title", ""), data.get("description", "")] + [
        part for f in data.get("fields", []) for part in (f["name"], f["value"])
    ]


@pytest.mark.parametrize("kind", TEXTS)
def test_answer_embed_fits_discord_limits(kind):
    text = TEXTS[kind]
    quotes = [Quote(text, 0.9, (_source(n, title=text[:300]),), (3, 40)) for n in range(6)]
    embed = answer_embed(_answer(quotes, question=text[:4000]))
    _check_limits(embed)


@pytest.mark.parametrize("kind", TEXTS)
def test_unanswered_embed_fits_discord_limits(kind):
    quotes = [Quote(TEXTS[kind], 0.4, (_source(),))] * 2
    embed = answer_embed(_answer(quotes, answered=False, question=TEXTS[kind]))
    _check_limits(embed)
    assert embed.fields[0].name == "Closest matches"


@pytest.mark.parametrize("kind", TEXTS)
def test_more_sources_embed_fits_discord_limits(kind):
    quotes = [Quote(TEXTS[kind], 0.5, (_source(n),)) for n in range(30)]
    _check_limits(more_sources_embed(TEXTS[kind], quotes))


def test_long_text_is_cut_at_a_word_boundary_with_an_ellipsis():
    text = "alpha beta gamma delta " * 400
    block = quote_block(Quote(text, 0.9, ()), 1000)
    assert block.endswith("…")
    assert block[:-1].rstrip().split(" ")[-1] in {"alpha", "beta", "gamma", "delta"}
    assert size(block) <= 1000


def test_long_text_prefers_a_sentence_end():
    text = ("A short sentence that ends here. " * 200).strip()
    block = quote_block(Quote(text, 0.9, ()), 500)
    assert block.endswith("here.…")


def test_emoji_sequences_are_never_split():
    block = quote_block(Quote("👨‍👩‍👧" * 3000, 0.9, ()), 100)
    kept = block.removesuffix("…")
    assert kept and len(kept) % len("👨‍👩‍👧") == 0
    assert kept == "👨‍👩‍👧" * (len(kept) // len("👨‍👩‍👧"))


def test_markdown_and_mentions_in_quotes_are_inert():
    block = quote_block(Quote(HOSTILE, 0.9, (_source(),)), 1000)
    assert "@everyone" not in block
    assert not re.search(r"(?<!\\)<@&123>", block)
    assert "\\*\\*bold\\*\\*" in block
    assert "\\[link](https://evil.example)" in block
    assert "\\|\\|spoiler\\|\\|" in block


@pytest.mark.parametrize(
    ("text", "expected_start"),
    [
        ("# Big heading", "\\# Big"),
        ("> not a quote", "\\> not"),
        ("- not a list", "\\- not"),
        ("1. not a list", "1\\. not"),
        ("-# small", "\\-# small"),
    ],
)
def test_line_start_markdown_is_escaped(text, expected_start):
    assert quote_block(Quote(text, 0.9, ()), 200).startswith(expected_start)


def test_highlight_is_bold_and_survives_escaping():
    text = "In February, Blinken canceled a *trip*."
    block = quote_block(Quote(text, 0.9, (), (3, 11)), 500)
    assert block.startswith("In **February**, Blinken canceled a \\*trip\\*.")


@pytest.mark.parametrize("highlight", [(0, 0), (5, 3), (-1, 4), (0, 10_000), (2, 3), None])
def test_odd_highlights_never_break_the_markdown(highlight):
    block = quote_block(Quote("abc defgh ijk", 0.9, (), highlight), 500)
    assert len(re.findall(r"(?<!\\)\*\*", block)) % 2 == 0


def test_highlight_beyond_the_cut_is_dropped_not_left_open():
    text = "word " * 3000 + "February"
    block = quote_block(Quote(text, 0.9, (), (len(text) - 8, len(text))), 300)
    assert "**" not in block


def test_source_line_starts_with_the_date_then_outlet_title_link_and_agency():
    line = source_line(_source(title="A [weird] title", url="https://example.org/a_(b)?q=1"))
    assert line == (
        "2023-06-14 · Outlet · [A (weird) title](https://example.org/a_%28b%29?q=1) · via AP"
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.example/a", "https://a b", ""])
def test_unsafe_links_are_not_linked(url):
    assert "](" not in source_line(_source(url=url))


def test_untitled_source_shows_its_article_id():
    assert source_line(_source(title=None, outlet=None, agency="DN", published=None)) == (
        "undated · `000_abc` · via DN"
    )


def test_syndicated_copies_are_listed_as_also_in():
    quote = Quote("Same text.", 0.9, tuple(_source(n) for n in range(40)))
    block = quote_block(quote, 1024)
    also = block.splitlines()[-1]
    assert also.startswith("also in: *Title 1*; *Title 2*")
    assert re.search(r"and \d+ more$", also)
    assert size(also) <= 300


def test_answer_embed_shows_best_quote_three_more_and_the_footer():
    quotes = [Quote(f"Quote number {n}.", 1 - n / 10, (_source(n),), None) for n in range(6)]
    embed = answer_embed(_answer(quotes))
    assert embed.description.startswith("Quote number 0.")
    assert [f.name for f in embed.fields] == ["Source 2", "Source 3", "Source 4"]
    assert embed.footer.text == "Searched 1,234 articles · 12 ms"


def test_unanswered_without_quotes_is_a_short_polite_embed():
    embed = answer_embed(_answer([], answered=False))
    assert embed.description.startswith("I searched 1,234 articles")
    assert not embed.fields


_any_text = st.text(max_size=3000) | st.sampled_from(list(TEXTS.values()))


@settings(max_examples=60, deadline=None)
@given(
    question=_any_text,
    texts=st.lists(_any_text.filter(str.strip), min_size=1, max_size=6),
    title=st.text(max_size=400),
    url=st.none() | st.text(max_size=600),
    answered=st.booleans(),
    highlight=st.none() | st.tuples(st.integers(-5, 3000), st.integers(-5, 3000)),
)
def test_any_text_formats_within_discord_limits(question, texts, title, url, answered, highlight):
    quotes = [
        Quote(text, 0.5, (_source(n, title=title or None, url=url),), highlight)
        for n, text in enumerate(texts)
    ]
    _check_limits(answer_embed(_answer(quotes, answered=answered, question=question)))
    _check_limits(more_sources_embed(question, quotes))


def test_an_earlier_report_and_resolved_dates_are_shown_beside_the_quote():
    text = "In February, officials counted 12 cases."
    quote = date_quote(Quote(text, 0.8, (_source(),), earlier=True))

    block = quote_block(quote, 1000)

    assert "— earlier report: 2023-06-14 · Outlet" in block
    assert "dates: In February = February 2023" in block
    assert block.startswith(text)


def test_a_when_answer_leads_with_its_date():
    quote = Quote("In February, Blinken canceled a trip.", 0.9, (_source(),))
    answer = Answer("When?", True, (quote,), 10.0, 5, "v1", lead="February 2023")

    assert answer_embed(answer).description.startswith("**February 2023**\n")
