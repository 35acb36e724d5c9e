"""Agreement between articles in the ranking stage: the name or number that the best
sentences of several articles state ranks its sentences higher."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index import OpenIndex
from retrieval.cues import answer_words
from retrieval.evidence import (
    QuoteWeights,
    SentenceEvidence,
    SentenceFeatures,
    agreement_bonus,
    rank_sentences,
)
from tests.fakes import story_context, story_index

STORIES = {
    "moscow": "Officials met on Thursday. Envoys said Russia recognised the Taliban government.",
    "wire": "Diplomats gathered on Friday. Reports say Russia recognised the Taliban government.",
    "blog": "Analysts met on Monday. A blog said Belarus recognised the Taliban government.",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> OpenIndex:
    return story_index(tmp_path_factory.mktemp("agreement"), STORIES)


def _sentence(index: OpenIndex, words: str) -> int:
    return next(i for i in range(len(index.sentence_rows)) if words in index.sentence_text(i))


def _evidence(index: OpenIndex, sentence_ids: list[int]) -> list[SentenceEvidence]:
    """Evidence equal in every feature, so that only agreement can tell them apart."""
    features = SentenceFeatures(0.5, 0.5, 0.5, 0.5, 0.5, 0.0, 0.5, 0.5)
    return [SentenceEvidence(i, features, None) for i in sentence_ids]


def test_answer_words_are_names_and_numbers_the_question_lacks():
    inside, first = answer_words(
        "Moscow said on Thursday that Russia and the Taliban signed 13 deals worth $4,500.",
        frozenset({"taliban", "signed"}),
    )
    assert inside == {"russia", "13", "4,500"}  # not "Taliban" (asked), not "Thursday"
    assert first == "moscow"  # a name only if some other sentence capitalises it inside


def test_a_sentence_naming_what_other_articles_name_outranks_an_equal_one(index):
    context = story_context(index, "Which country recognised the Taliban government?")
    ids = [_sentence(index, "Belarus"), _sentence(index, "Envoys"), _sentence(index, "Reports")]
    evidence = _evidence(index, ids)
    weights = QuoteWeights()
    bonus = agreement_bonus(index, context, evidence, weights)
    assert bonus[0] == 0.0  # Belarus: stated by one article only
    assert bonus[1] == bonus[2] > 0.0  # Russia: stated by two of the three
    ranked = rank_sentences(evidence, weights, bonus)
    assert ranked[-1].sentence_id == ids[0]
    # Without agreement the order of equal sentences is kept.
    flat = rank_sentences(evidence, weights, np.zeros(len(ids)))
    assert flat[0].sentence_id == ids[0]


def test_no_agreement_without_its_weight_or_with_one_article(index):
    context = story_context(index, "Which country recognised the Taliban government?")
    ids = [_sentence(index, "Envoys"), _sentence(index, "Reports")]
    off = replace(QuoteWeights(), agreement=0.0)
    assert not agreement_bonus(index, context, _evidence(index, ids), off).any()
    one_article = [_sentence(index, "Envoys"), _sentence(index, "Officials met")]
    assert not agreement_bonus(index, context, _evidence(index, one_article), QuoteWeights()).any()


def test_words_of_the_question_never_count_as_agreement(index):
    context = story_context(index, "Did Russia recognise the Taliban government, and which envoys?")
    ids = [_sentence(index, "Envoys"), _sentence(index, "Reports")]
    assert not agreement_bonus(index, context, _evidence(index, ids), QuoteWeights()).any()


def test_no_agreement_on_when_questions(index):
    context = story_context(index, "When was it?", kind="when")
    ids = [_sentence(index, "Envoys"), _sentence(index, "Reports")]
    assert not agreement_bonus(index, context, _evidence(index, ids), QuoteWeights()).any()
