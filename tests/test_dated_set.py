"""The dated test set (tests/data/dated): stories whose answer changes as they move, each asked
between its reports and after the later one. These tests keep the set sound: every answer
stands verbatim in its article, time alone decides between the answers, and the as-of dates
fall where the questions need them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from index import find_dates
from index.cleaning import clean_body
from index.loaders import load_file
from retrieval.timeframe import question_timeframe

DATED = Path(__file__).resolve().parent / "data" / "dated"
QUESTIONS = [
    json.loads(line) for line in (DATED / "questions.jsonl").read_text("utf-8").splitlines()
]
LATER = [q for q in QUESTIONS if "earlier" in q]
BETWEEN = [q for q in QUESTIONS if "earlier" not in q]


def _articles() -> dict[str, tuple[dt.date, str]]:
    articles = {}
    for path in sorted((DATED / "corpus").glob("*.md")):
        skipped: list = []
        (raw,) = load_file(path, skipped)
        assert skipped == [] and raw.published is not None and raw.title and raw.outlet
        articles[raw.article_id] = (
            dt.date.fromisoformat(raw.published),
            clean_body(raw.body, raw.title).text,
        )
    return articles


ARTICLES = _articles()


def _ids(questions: list[dict]) -> list[str]:
    return [f"{q['articles'][0]}@{q['as_of']}" for q in questions]


def test_set_has_thirty_questions_over_fifteen_stories():
    assert len(QUESTIONS) >= 30
    assert len(LATER) >= 15 and len(BETWEEN) >= 15


def test_every_article_is_used_and_exists():
    used = {a for q in QUESTIONS for a in q["articles"] + q.get("earlier", {}).get("articles", [])}

    assert used == set(ARTICLES)


@pytest.mark.parametrize("question", QUESTIONS, ids=_ids(QUESTIONS))
def test_answers_stand_verbatim_in_their_articles(question):
    groups = [question, question.get("earlier", question)]
    for group in groups:
        texts = [ARTICLES[a][1] for a in group["articles"]]
        for answer in group["answers"]:
            assert any(answer in text for text in texts), (answer, group["articles"])


@pytest.mark.parametrize("question", LATER, ids=_ids(LATER))
def test_later_answer_is_absent_from_the_earlier_report(question):
    earlier = [ARTICLES[a][1].lower() for a in question["earlier"]["articles"]]

    for answer in question["answers"]:
        assert all(answer.lower() not in text for text in earlier)


@pytest.mark.parametrize("question", LATER, ids=_ids(LATER))
def test_asked_after_the_later_report(question):
    as_of = dt.date.fromisoformat(question["as_of"])
    newest = max(ARTICLES[a][0] for a in question["articles"])
    oldest = min(ARTICLES[a][0] for a in question["articles"])

    assert newest <= as_of
    assert all(ARTICLES[a][0] < oldest for a in question["earlier"]["articles"])


@pytest.mark.parametrize("question", BETWEEN, ids=_ids(BETWEEN))
def test_asked_between_the_reports(question):
    as_of = dt.date.fromisoformat(question["as_of"])
    (later,) = [q for q in LATER if q["earlier"]["articles"] == question["articles"]]

    assert max(ARTICLES[a][0] for a in question["articles"]) <= as_of
    assert as_of < min(ARTICLES[a][0] for a in later["articles"])
    assert later["question"] == question["question"]


def test_some_questions_name_a_time_and_most_do_not():
    named = [q for q in QUESTIONS if question_timeframe(q["question"], dt.date(2025, 1, 1)).window]

    assert 4 <= len(named) < len(QUESTIONS) / 2


@pytest.mark.parametrize("question", QUESTIONS, ids=_ids(QUESTIONS))
def test_a_named_window_holds_the_answering_article(question):
    timeframe = question_timeframe(question["question"], dt.date.fromisoformat(question["as_of"]))
    if timeframe.window is None:
        return
    first, last = timeframe.window

    assert all(first <= ARTICLES[a][0] <= last for a in question["articles"])
    earlier = question.get("earlier", {}).get("articles", [])
    assert all(not first <= ARTICLES[a][0] <= last for a in earlier)


@pytest.mark.parametrize(
    ("stem", "expression", "resolved"),
    [
        ("halvern_bridge_1", "in November", "2023-11"),
        ("halvern_bridge_1", "on May 20", "2024-05-20"),
        ("halvern_bridge_2", "to July 8", "2024-07-08"),
        ("kessler_trial_2", "to January 13", "2025-01-13"),
        ("aurora3_launch_2", "to June 26", "2025-06-26"),
        ("port_alder_police_2", "on April 15", "2024-04-15"),
        ("port_alder_police_2", "on Monday", "2024-04-01"),
        ("belmore_fare_2", "from June 1", "2025-06-01"),
        ("marrow_fuel_2", "through August", "2024-08"),
        ("valdria_floods_1", "for Wednesday", "2024-03-06"),
        ("westbrook_linden_1", "on Sunday", "2024-06-02"),
        ("westbrook_linden_1", "on Tuesday", "2024-06-04"),
        ("westbrook_linden_2", "on Wednesday", "2024-06-12"),
        ("mount_corran_1", "on Sunday", "2025-01-19"),
        ("cedar_ridge_fire_1", "on Saturday", "2024-08-03"),
        ("lumen_rail_ceo_1", "on December 1", "2023-12-01"),
        ("ashgrove_measles_1", "this week", "2025-03-03"),
    ],
)
def test_dates_in_the_articles_resolve_as_a_reader_would(stem, expression, resolved):
    published, text = ARTICLES[stem]
    found = {m.text: m.resolved for m in find_dates(text, published)}

    assert found[expression] == resolved
