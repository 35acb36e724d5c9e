"""Escaping and cutting text for Discord."""

from __future__ import annotations

import random

import pytest

from bot.text import clip, escape, fit, size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_"),
        ("@everyone and @here", "@\u200beveryone and @\u200bhere"),
        ("<@123> <#456>", "\\<@123> \\<#456>"),
        ("line one\n\n  line two", "line one line two"),
        ("> quoted", "\\> quoted"),
    ],
)
def test_escape_makes_markdown_and_mentions_inert(text, expected):
    assert escape(text) == expected


def test_size_counts_utf16_units():
    assert size("abc") == 3
    assert size("👍") == 2
    assert size("é") == 1


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("one two three four", 12, "one two…"),
        ("First one. Second sentence is long.", 16, "First one.…"),
        ("First one. Second sentence is long.", 20, "First one. Second…"),
        ("abcdefghij", 5, "abcd…"),
        ("e\u0301e\u0301e\u0301e\u0301", 4, "e\u0301…"),
    ],
)
def test_clip_cuts_at_sentence_or_word_boundaries(text, limit, expected):
    assert clip(text, limit) == expected


def test_fit_keeps_escapes_whole():
    rendered = fit("*" * 100, 51)
    assert rendered.endswith("\\*…")
    assert size(rendered) <= 51


@pytest.mark.parametrize("seed", range(5))
def test_fit_always_fits_whatever_the_text(seed):
    rng = random.Random(seed)
    pieces = ["word", " ", "*", "_", "@everyone", "👍🏽", "\n", ". ", "<@1>", "e\u0301", "👨‍👩‍👧"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 500)))
        limit = rng.randint(1, 400)
        assert size(fit(text, limit)) <= limit
        assert size(clip(text, limit)) <= limit


def test_mentions_and_markdown_are_taken_out_of_a_question_before_it_is_asked():
    from bot.text import plain_question
    from retrieval import check_question

    raw = "<@&42> **When** was the `trip` cancelled? @everyone"
    plain = plain_question(raw)
    assert plain == "When was the trip cancelled?"
    assert check_question(plain, max_chars=500).kind == "when"
    assert plain_question("<@123456> @everyone **__~~**") == ""
