"""Time in questions: windows read relative to the as-of date, and questions about the
present told from questions about a past event."""

from __future__ import annotations

import datetime as dt

import pytest

from retrieval.timeframe import Timeframe, question_timeframe

AS_OF = dt.date(2023, 6, 14)  # a Wednesday
D = dt.date


@pytest.mark.parametrize(
    ("question", "window", "matched"),
    [
        ("What did the council decide this week?", (D(2023, 6, 12), AS_OF), "this week"),
        ("Who led the talks last week?", (D(2023, 6, 5), D(2023, 6, 11)), "last week"),
        ("What happened to prices last month?", (D(2023, 5, 1), D(2023, 5, 31)), "last month"),
        ("Who resigned yesterday?", (D(2023, 6, 13), D(2023, 6, 13)), "yesterday"),
        ("What did the minister say today?", (AS_OF, AS_OF), "today"),
        ("What happened in June 2022?", (D(2022, 6, 1), D(2022, 6, 30)), "in June 2022"),
        ("What was signed on May 5?", (D(2023, 5, 5), D(2023, 5, 5)), "on May 5"),
        ("How much have prices risen since March?", (D(2023, 3, 1), AS_OF), "since March"),
        ("Who won the election in 2022?", (D(2022, 1, 1), D(2022, 12, 31)), "in 2022"),
        ("How many homes were sold this year?", (D(2023, 1, 1), AS_OF), "this year"),
        ("How many homes were sold last year?", (D(2022, 1, 1), D(2022, 12, 31)), "last year"),
        ("What has the mayor done recently?", (D(2023, 5, 15), AS_OF), "recently"),
        ("What did the union say in the past week?", (D(2023, 6, 7), AS_OF), "in the past week"),
        ("Who spoke over the last 3 days?", (D(2023, 6, 11), AS_OF), "over the last 3 days"),
        ("What happened between May 1 and May 9?", (D(2023, 5, 1), D(2023, 5, 9)), None),
    ],
)
def test_time_expression_maps_to_window(question, window, matched):
    timeframe = question_timeframe(question, AS_OF)

    assert timeframe.window == window
    if matched is not None:
        assert timeframe.matched == matched


@pytest.mark.parametrize(
    ("question", "as_of", "window"),
    [
        ("What happened last week?", D(2024, 1, 3), (D(2023, 12, 25), D(2023, 12, 31))),
        ("What happened last month?", D(2024, 1, 20), (D(2023, 12, 1), D(2023, 12, 31))),
        ("What happened in December?", D(2024, 1, 20), (D(2023, 12, 1), D(2023, 12, 31))),
        ("What happened last year?", D(2024, 1, 2), (D(2023, 1, 1), D(2023, 12, 31))),
        ("What happened yesterday?", D(2024, 1, 1), (D(2023, 12, 31), D(2023, 12, 31))),
        ("What has happened since November?", D(2024, 1, 20), (D(2023, 11, 1), D(2024, 1, 20))),
    ],
)
def test_windows_cross_year_boundaries(question, as_of, window):
    assert question_timeframe(question, as_of).window == window


@pytest.mark.parametrize(
    "question",
    [
        "Who is the prime minister of Italy?",
        "Who leads the ceasefire talks?",
        "What is the latest death toll?",
        "How many people have died in the floods?",
        "Is the bridge still closed?",
        "Who currently holds the title?",
        "What's the price of a ticket now?",
        "Which team leads the league?",
        "What is the current interest rate?",
        "When is the vote scheduled?",
    ],
)
def test_questions_about_the_present_are_present(question):
    assert question_timeframe(question, AS_OF).present


@pytest.mark.parametrize(
    "question",
    [
        "When was the trip cancelled?",
        "Who won the 2022 final?",
        "Who led the talks last week?",
        "What did Blinken say in Beijing?",
        "Where did the plane crash?",
        "Which countries signed the accord?",
        "How many people died in the 2019 floods?",
        "What was the death toll yesterday?",
    ],
)
def test_questions_about_a_past_event_are_not_present(question):
    assert not question_timeframe(question, AS_OF).present


@pytest.mark.parametrize(
    "question",
    [
        "Who leads the ceasefire talks?",
        "Where did the plane crash?",
        "What may happen to the March budget?",
        "What did Theresa May say about trade?",
    ],
)
def test_questions_naming_no_time_have_no_window(question):
    assert question_timeframe(question, AS_OF).window is None


def test_present_question_with_current_window_stays_present():
    timeframe = question_timeframe("How many people have died in the floods this week?", AS_OF)

    assert timeframe == Timeframe((D(2023, 6, 12), AS_OF), True, "this week")


def test_present_cue_is_reported_when_no_window():
    assert question_timeframe("Who currently holds the title?", AS_OF).matched == "currently"


def test_future_question_window_is_ahead_of_as_of():
    timeframe = question_timeframe("Who will speak next week?", AS_OF)

    assert timeframe.window == (D(2023, 6, 19), D(2023, 6, 25))
