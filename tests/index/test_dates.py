"""Date expressions in article text: exact spans, resolution against the publication date,
year boundaries, and ambiguous words left alone."""

from __future__ import annotations

import datetime as dt

import pytest

from index import DateMention, find_dates, iso_window

JUNE_14 = dt.date(2023, 6, 14)  # a Wednesday


def only(text: str, published: dt.date | None = JUNE_14) -> DateMention:
    mentions = find_dates(text, published)
    assert len(mentions) == 1, mentions
    return mentions[0]


@pytest.mark.parametrize(
    ("text", "expression", "resolved", "grain"),
    [
        ("In February, Blinken canceled a trip to Beijing.", "In February", "2023-02", "month"),
        ("Prices rose in June, the agency said.", "in June", "2023-06", "month"),
        ("The talks stalled last week.", "last week", "2023-06-05", "week"),
        ("The talks resume this week.", "this week", "2023-06-12", "week"),
        ("The talks resume next week.", "next week", "2023-06-19", "week"),
        ("The minister resigned yesterday.", "yesterday", "2023-06-13", "day"),
        ("The minister resigned today.", "today", "2023-06-14", "day"),
        ("Today the minister resigned.", "Today", "2023-06-14", "day"),
        ("The minister will resign tomorrow.", "tomorrow", "2023-06-15", "day"),
        ("Sales fell last month.", "last month", "2023-05", "month"),
        ("Sales should recover next month.", "next month", "2023-07", "month"),
        ("Sales are up this year.", "this year", "2023", "year"),
        ("Sales fell last year.", "last year", "2022", "year"),
        ("The deal was signed on May 5.", "on May 5", "2023-05-05", "day"),
        ("The deal was signed May 5, 2023, in Geneva.", "May 5, 2023", "2023-05-05", "day"),
        ("The deal was signed on 5 May 2023.", "on 5 May 2023", "2023-05-05", "day"),
        ("The plant opened in June 2021.", "in June 2021", "2021-06", "month"),
        ("The plant opened in 2022.", "in 2022", "2022", "year"),
        ("The filing is dated 2023-06-14.", "2023-06-14", "2023-06-14", "day"),
        ("The deal was signed on Jan. 9, 2022.", "on Jan. 9, 2022", "2022-01-09", "day"),
        ("It happened on Sunday, June 18, 2023.", "on Sunday, June 18, 2023", "2023-06-18", "day"),
        ("Prices have risen since March.", "since March", "2023-03", "month"),
        ("The bridge closed three weeks ago.", "three weeks ago", "2023-05-22", "week"),
        ("The bridge closed 10 days ago.", "10 days ago", "2023-06-04", "day"),
        ("The strike ended in early February.", "early February", "2023-02", "month"),
        ("The vote was held last March.", "last March", "2023-03", "month"),
        ("The vote was held last June.", "last June", "2022-06", "month"),
        ("The vote will be held next June.", "next June", "2024-06", "month"),
    ],
)
def test_expression_resolves_against_publication_date(text, expression, resolved, grain):
    mention = only(text)

    assert (mention.text, mention.resolved, mention.grain) == (expression, resolved, grain)
    assert text[mention.start : mention.end] == mention.text


def test_future_weekday_is_the_coming_one():
    assert only("Blinken will meet Wang on Sunday.").resolved == "2023-06-18"


def test_past_weekday_is_the_most_recent_one():
    assert only("Blinken met Wang on Sunday.").resolved == "2023-06-11"


def test_weekday_of_publication_is_that_day():
    assert only("The minister said on Wednesday that talks failed.").resolved == "2023-06-14"


def test_weekday_without_on_resolves_like_with_it():
    assert only("The minister said Monday that talks failed.").resolved == "2023-06-12"


def test_last_and_next_weekday_skip_the_publication_day():
    mentions = find_dates("He arrived last Wednesday and leaves next Wednesday.", JUNE_14)

    assert [m.resolved for m in mentions] == ["2023-06-07", "2023-06-21"]


def test_future_weekday_stays_within_six_days():
    # Published on a Thursday: the coming Wednesday is six days ahead.
    assert only("The board will vote on Wednesday.", dt.date(2023, 6, 15)).resolved == (
        "2023-06-21"
    )


def test_date_in_a_clause_without_tense_is_the_nearest():
    # Published on a Monday: "is ... on Tuesday" is the next day, not six days before.
    assert only("Game four is in Westbrook on Tuesday.", dt.date(2024, 6, 3)).resolved == (
        "2024-06-04"
    )


def test_date_after_to_is_the_nearest_even_in_the_past_tense():
    text = "The judge postponed the trial to January 13."

    assert only(text, dt.date(2024, 8, 26)).resolved == "2025-01-13"


def test_each_clause_keeps_its_own_tense():
    text = "The bridge, closed since a barge struck it in November, will reopen on May 20."
    mentions = find_dates(text, dt.date(2024, 2, 12))

    assert [m.resolved for m in mentions] == ["2023-11", "2024-05-20"]


def test_fronted_date_takes_the_tense_of_its_sentence():
    # Published on a Thursday: the coming Sunday is nearer than the last one.
    assert only("On Sunday, Blinken met Wang.", dt.date(2023, 6, 15)).resolved == "2023-06-11"
    assert only("On Sunday, Blinken will meet Wang.", dt.date(2023, 6, 15)).resolved == (
        "2023-06-18"
    )


def test_future_month_is_the_next_such_month():
    assert only("The plant will open in February.").resolved == "2024-02"


def test_future_day_without_year_is_the_next_such_day():
    assert only("The vote is scheduled for May 5.").resolved == "2024-05-05"


@pytest.mark.parametrize(
    ("text", "published", "resolved", "grain"),
    [
        ("The storm hit in December.", dt.date(2024, 1, 10), "2023-12", "month"),
        ("The storm will hit in December.", dt.date(2024, 1, 10), "2024-12", "month"),
        ("The storm hit on December 30.", dt.date(2024, 1, 2), "2023-12-30", "day"),
        ("The storm hit last week.", dt.date(2024, 1, 2), "2023-12-25", "week"),
        ("The storm hit last week.", dt.date(2023, 1, 1), "2022-12-19", "week"),
        ("The storm hit last month.", dt.date(2024, 1, 15), "2023-12", "month"),
        ("The storm hits next month.", dt.date(2023, 12, 15), "2024-01", "month"),
        ("The storm hit yesterday.", dt.date(2024, 1, 1), "2023-12-31", "day"),
        ("The storm hit on Sunday.", dt.date(2024, 1, 2), "2023-12-31", "day"),
        ("The storm will hit on Friday.", dt.date(2023, 12, 30), "2024-01-05", "day"),
        ("The storm hit two months ago.", dt.date(2024, 1, 15), "2023-11", "month"),
        ("The storm hit on February 29.", dt.date(2024, 3, 10), "2024-02-29", "day"),
    ],
)
def test_year_boundaries(text, published, resolved, grain):
    mention = only(text, published)

    assert (mention.resolved, mention.grain) == (resolved, grain)


@pytest.mark.parametrize(
    "text",
    [
        "The minister may resign.",
        "May the best team win.",
        "Theresa May said the plan would work.",
        "Protesters march to the capital.",
        "The March on Washington drew crowds.",
        "June Carter sang.",
        "Officials said 2000 troops were sent.",
        "Prices rose 2023 percent in the bubble.",
        "The Sunday Times reported the story.",
        "The offspring were counted.",
        "He told USA TODAY about the plan.",
        "Prices fall within May-June ranges.",
    ],
)
def test_words_that_are_not_dates_give_no_resolved_date(text):
    assert [m for m in find_dates(text, JUNE_14) if m.resolved is not None] == []


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("Crime fell in the 1990s.", "in the 1990s"),
        ("The road reopens in spring.", "in spring"),
        ("The road reopened last summer.", "last summer"),
        ("The road reopens at 3 p.m.", "3 p.m."),
        ("The road reopens at 14:30.", "14:30"),
        ("The deal was signed on February 30, 2023.", "on February 30, 2023"),
    ],
)
def test_vague_or_impossible_dates_are_found_but_unresolved(text, expression):
    mention = only(text)

    assert (mention.text, mention.resolved, mention.grain) == (expression, None, None)


@pytest.mark.parametrize(
    "text",
    ["Blinken met Wang on Sunday.", "The talks stalled last week.", "Prices rose in June."],
)
def test_relative_dates_without_publication_date_are_unresolved(text):
    assert only(text, None).resolved is None


def test_absolute_dates_resolve_without_publication_date():
    mentions = find_dates("Signed May 5, 2023 and ratified in 2024.", None)

    assert [m.resolved for m in mentions] == ["2023-05-05", "2024"]


def test_spans_are_exact_in_a_long_article():
    text = (
        "WASHINGTON (June 14) - On Sunday, the minister said talks held last week in Geneva "
        "had failed. In February, a trip was canceled; on 5 May 2023 a new date was set.\n\n"
        "The 1990s were calmer. The summit will open on Friday at 9 a.m. and end next month, "
        "well before December 1. Since 2019, three envoys have served."
    )
    mentions = find_dates(text, JUNE_14)

    assert [m.text for m in mentions] == [
        "June 14",
        "On Sunday",
        "last week",
        "In February",
        "on 5 May 2023",
        "The 1990s",
        "on Friday",
        "9 a.m.",
        "next month",
        "before December 1",
        "Since 2019",
    ]
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert [m.resolved for m in mentions][:5] == [
        "2023-06-14",
        "2023-06-11",
        "2023-06-05",
        "2023-02",
        "2023-05-05",
    ]
    assert mentions[6].resolved == "2023-06-16"  # the summit "will open": the coming Friday
    assert mentions[9].resolved == "2023-12-01"


@pytest.mark.parametrize(
    ("resolved", "grain", "first", "last"),
    [
        ("2023-06-18", "day", dt.date(2023, 6, 18), dt.date(2023, 6, 18)),
        ("2023-06-05", "week", dt.date(2023, 6, 5), dt.date(2023, 6, 11)),
        ("2023-12-25", "week", dt.date(2023, 12, 25), dt.date(2023, 12, 31)),
        ("2023-02", "month", dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2023-12", "month", dt.date(2023, 12, 1), dt.date(2023, 12, 31)),
        ("2022", "year", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
    ],
)
def test_iso_window_covers_the_resolved_value(resolved, grain, first, last):
    assert iso_window(resolved, grain) == (first, last)


@pytest.mark.parametrize(
    ("resolved", "grain"),
    [("2023-06", "day"), ("2023-06-14", "week"), ("2023", "month"), ("June", "year")],
)
def test_iso_window_refuses_a_value_of_another_grain(resolved, grain):
    with pytest.raises(ValueError):
        iso_window(resolved, grain)


def test_every_resolved_value_has_a_window():
    text = "Yesterday, last week, in February, next year, on Sunday and 2023-06-01 all count."
    for mention in find_dates(text, JUNE_14):
        assert mention.resolved is not None and mention.grain is not None
        first, last = iso_window(mention.resolved, mention.grain)
        assert first <= last
