"""Answers over the bundled corpus, with the real model, FAISS and BM25."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.text import plain_question
from index import build_index
from kernel.errors import EmptyQuestion, QuestionTooLong
from retrieval import Answerer, RetrievalConfig
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def answerer(bundled_index: Path, real_embedder) -> Answerer:
    return Answerer(bundled_index, real_embedder)


def _article_text(answerer: Answerer, article_id: str) -> str:
    return next(a.text for a in answerer.index.articles if a.article_id == article_id)


def test_blinken_question_is_answered_with_a_february_quote(answerer):
    answer = answerer.ask("When was Blinken's trip cancelled?")
    assert answer.answered
    assert "February" in answer.answer
    assert answer.articles_searched == 5


def test_every_quote_is_the_exact_slice_its_first_source_names(answerer):
    answer = answerer.ask("When was Blinken's trip cancelled?")
    for quote in answer.quotes:
        first = quote.sources[0]
        assert (
            _article_text(answerer, first.article_id)[first.char_start : first.char_end]
            == quote.text
        )
        for copy in quote.sources[1:]:
            span = _article_text(answerer, copy.article_id)[copy.char_start : copy.char_end]
            assert span.strip() == span and len(span.split()) >= 5


def test_translated_copies_become_one_quote_with_several_sources(answerer):
    answer = answerer.ask("When did Blinken cancel his trip to Beijing?")
    grouped = [q for q in answer.quotes if len(q.sources) > 1]
    assert grouped, [q.text for q in answer.quotes]
    assert {"002_b693ecef4805a897", "003_c5a62ef91915473f"} <= {
        s.article_id for q in grouped for s in q.sources
    }
    ids = [s.article_id for q in answer.quotes for s in q.sources]
    texts = [q.text for q in answer.quotes]
    assert len(set(texts)) == len(texts)
    assert ids.count("003_c5a62ef91915473f") <= 2


def test_sources_carry_the_front_matter_metadata(answerer):
    answer = answerer.ask("What did Qin say about the state of China-US relations in Beijing?")
    sources = {s.article_id: s for q in answer.quotes for s in q.sources}
    if "004_ed5ff4a95a8e6520" in sources:
        assert sources["004_ed5ff4a95a8e6520"].outlet == "Wrodlys News"
    assert all(
        s.path.startswith(str(Path(s.path).parent)) and s.path.endswith(".md")
        for s in sources.values()
    )


@pytest.mark.parametrize(
    ("question", "expected", "bold"),
    [
        ("How many H-6 bombers entered Taiwan's air defense identification zone?", "four", "four"),
        (
            "Where does the White House accuse China of maintaining an espionage unit?",
            "Cuba",
            "Cuba",
        ),
        ("When did Mike Pompeo visit China?", "October 2018", "October 2018"),
        ("When was Blinken's trip cancelled?", "February", "February"),
        # An American fighter jet is no name: nothing is set in bold rather than a wrong word.
        ("who shot down the balloon", "fighter jet", None),
    ],
)
def test_the_words_set_in_bold_are_the_ones_that_answer(answerer, question, expected, bold):
    quote = answerer.ask(question).quotes[0]
    assert expected.lower() in quote.text.lower()
    if bold is None:
        assert quote.highlight is None
    else:
        assert quote.highlight is not None
        start, end = quote.highlight
        assert bold in quote.text[start:end]


def test_unrelated_question_is_declined_naming_the_articles_searched(answerer):
    answer = answerer.ask("How do I make a sourdough bread starter?")
    assert not answer.answered
    assert answer.answer is None
    assert "5 articles" in answer.message
    assert answer.to_json()["answer"] is None


@pytest.mark.parametrize("question", ["", "   ", "🎉🎉🎉", "?!"])
def test_question_with_no_words_is_refused(answerer, question):
    with pytest.raises(EmptyQuestion):
        answerer.ask(question)


def test_ten_thousand_character_question_is_refused(answerer):
    with pytest.raises(QuestionTooLong):
        answerer.ask("balloon " * 1250)


def test_markdown_and_mentions_inside_a_question_do_not_change_the_answer(answerer):
    plain = answerer.ask("When was Blinken's trip cancelled?")
    noisy = answerer.ask(
        plain_question("@everyone **When** was `Blinken's` trip cancelled? <@&99>")
    )
    assert noisy.answer == plain.answer


def test_concurrent_calls_give_the_same_answers_as_sequential_ones(answerer):
    questions = [
        "When was Blinken's trip cancelled?",
        "who shot down the balloon",
        "How many H-6 bombers entered Taiwan's air defense identification zone?",
        "Who is China's ambassador to the European Union?",
    ] * 6
    expected = {q: answerer.ask(q).answer for q in set(questions)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(answerer.ask, questions))
    assert [a.answer for a in answers] == [expected[q] for q in questions]


def test_a_newer_build_is_swapped_in_without_a_restart(tmp_path, real_embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, real_embedder)
    answerer = Answerer(index_dir, real_embedder, RetrievalConfig())
    question = "Which river flooded the town of Zellbach in April?"
    assert not answerer.ask(question).answered
    (corpus / "zz_flood.txt").write_text(
        "Flood in Zellbach\n\nThe river Ostra flooded the town of Zellbach in April, "
        "forcing 300 residents to leave their homes.\n",
        encoding="utf-8",
    )
    build_index(corpus, index_dir, real_embedder)
    assert answerer.reload() is True
    answer = answerer.ask(question)
    assert answer.answered and "Ostra" in answer.answer
    assert answer.articles_searched == 6
    assert answerer.reload() is False
