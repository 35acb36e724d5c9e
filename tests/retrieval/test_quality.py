"""Answer quality on tests/data/qa.jsonl over the bundled corpus (real model and index)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import Answerer
from retrieval.evaluation import evaluate, load_qa
from tests.conftest import QA_FILE

NEAR_TOPIC_FILE = QA_FILE.parent / "near_topic.jsonl"

BOILERPLATE = [
    "See also",
    "Read also",
    "You may also like",
    "Leave a Comment",
    "cookies",
    "by admin",
    "Home »",
    "Akismet",
    "More important news",
    "Wrodlys News",
    "Source:",
    "Updated on",
    "June 21, 2024",
    "Photo Reuters",
    "0 comment",
]


@pytest.fixture(scope="module")
def report(bundled_index: Path, real_embedder):
    answerer = Answerer(bundled_index, real_embedder)
    return load_qa(QA_FILE), evaluate(answerer.ask, load_qa(QA_FILE))


def test_qa_file_has_the_question_mix_the_evaluation_needs(report):
    items, _ = report
    assert len(items) >= 40
    assert sum(not i.answerable for i in items) >= 6
    assert sum(i.question == i.question.lower() for i in items) >= 5


def test_first_quote_answers_at_least_nine_questions_in_ten(report):
    _, result = report
    assert result.metrics["hit@1"] >= 0.90
    assert result.metrics["hit@3"] >= 0.97


def test_no_quote_ever_contains_boilerplate(report):
    _, result = report
    quotes = [q.text for answer in result.results for q in answer.quotes]
    assert quotes
    for marker in BOILERPLATE:
        assert not any(marker.lower() in q.lower() for q in quotes), marker


def test_off_topic_questions_are_declined_and_declines_are_mostly_right(report):
    items, result = report
    off_topic = [
        a
        for i, a in zip(items, result.results, strict=True)
        if "World Cup" in i.question or "sourdough" in i.question
    ]
    assert off_topic and not any(a.answered for a in off_topic)
    # Near-topic questions the articles only brush against are harder: over half are
    # declined today (README, "Answer quality"), and few answerable ones are.
    assert result.metrics["no_answer_recall"] >= 0.55
    assert result.metrics["no_answer_precision"] >= 0.85


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        # The passages speak of the balloon, Taiwan's economy and Xi, but hold no altitude,
        # no sum of money and nothing Xi said.
        ("At what altitude was the Chinese balloon flying over the United States?", False),
        ("What is the GDP of Taiwan?", False),
        ("What did Xi Jinping tell Blinken during their meeting?", False),
        ("How many spy balloons has China flown over the US?", False),  # "February 4" is a date
        # Their answerable neighbours still get an answer.
        ("How many H-6 bombers entered Taiwan's air defense identification zone?", True),
        ("What did Qin say when asked who was to blame for the strained ties?", True),
        ("How many hours did the talks in Beijing last?", True),
    ],
)
def test_a_passage_without_what_the_question_asks_for_is_not_an_answer(
    bundled_index: Path, real_embedder, question, answered
):
    answer = Answerer(bundled_index, real_embedder).ask(question)
    assert answer.answered is answered


def test_most_near_topic_questions_are_declined(bundled_index: Path, real_embedder):
    # Written apart from the eval set; 2 of 14 were declined before the answer-type
    # demands, 10 now (README, "Answer quality").
    answerer = Answerer(bundled_index, real_embedder)
    items = load_qa(NEAR_TOPIC_FILE)
    declined = sum(not answerer.ask(item.question).answered for item in items)
    assert len(items) == 14 and declined >= 10
