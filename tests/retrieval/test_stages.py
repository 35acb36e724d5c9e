"""Each pipeline stage alone, over a small index built with the fake model: retrieve, gather
evidence, rank, assemble quotes, decide."""

from __future__ import annotations

import shutil

import pytest

from index import BuildOptions, OpenIndex, build_index, load_index, tokenize
from index.store import SENTENCE_TERM_COUNTS, SENTENCE_TERMS
from retrieval import NO_ANSWER, Quote, SearchConfig
from retrieval.cues import find_cues
from retrieval.evidence import (
    QuoteWeights,
    SentenceEvidence,
    SentenceFeatures,
    SentenceTerms,
    gather_evidence,
    rank_sentences,
)
from retrieval.quotes import answer_span, assemble_quotes
from retrieval.search import Candidate, retrieve
from retrieval.service import decide
from tests.conftest import _TINY
from tests.fakes import FakeEmbedder, story_context, story_index

STORIES = {
    "talks": (
        "Blinken will visit China this week. In February, Blinken canceled a trip to Beijing "
        "after a balloon was shot down, and talks were expected on Sunday."
    ),
    "minister": (
        "The finance minister Ana Ruiz presented the budget on Monday. According to her, the "
        "deficit will fall to 3 percent next year. Markets rose after the speech."
    ),
    "bridge": (
        "The old bridge over the river was closed in 2019. Engineers found cracks in two of "
        "its piers. It reopened to traffic on Friday after repairs costing 40 million euros."
    ),
    "weather": "Heavy rain fell across the north on Tuesday. Farmers welcomed the rain.",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> OpenIndex:
    return story_index(tmp_path_factory.mktemp("stages"), STORIES)


def _ranked(index, context):
    candidates = [Candidate(c, 1.0, 0.5, 1.0) for c in range(index.n_chunks)]
    return rank_sentences(gather_evidence(index, context, candidates), QuoteWeights())


def test_retrieve_puts_the_chunk_sharing_the_rare_words_first(index):
    context = story_context(index, "What did the engineers find in the piers?")
    candidates = retrieve(index, context, SearchConfig(candidates=10, quote_chunks=3))
    assert index.articles[index.chunk_article(candidates[0].chunk_id)].article_id == "bridge"
    assert candidates[0].fused == pytest.approx(1.0)
    assert len(candidates) <= 3


def test_context_weighs_each_question_term_once(index):
    context = story_context(index, "rain rain rain on the farmers")
    assert sorted(context.term_weights) == sorted(set(context.terms))
    assert context.term_weights["rain"] == pytest.approx(index.idf("rain"))


def test_evidence_features_are_named_and_ranking_follows_the_weights(index):
    context = story_context(index, "When did heavy rain fall?", kind="when")
    candidates = [Candidate(c, 1.0, 0.5, 1.0) for c in range(index.n_chunks)]
    evidence = gather_evidence(index, context, candidates)
    by_text = {index.sentence_text(e.sentence_id): e for e in evidence}
    rain = by_text["Heavy rain fell across the north on Tuesday."]
    assert isinstance(rain.features, SentenceFeatures) and rain.features.cue == 1.0
    only_cue = QuoteWeights(**{**dict.fromkeys(SentenceFeatures._fields, 0.0), "cue": 1.0})
    top = rank_sentences(evidence, only_cue)[0]
    assert top.features.cue == 1.0
    assert rank_sentences([], QuoteWeights()) == []


def test_passage_evidence_adds_the_terms_of_the_neighbouring_sentence(built_index):
    tiny = load_index(built_index)
    context = story_context(tiny, "What did the Intel plant in Ohio cost?")
    candidates = [Candidate(c, 1.0, 0.5, 1.0) for c in range(tiny.n_chunks)]
    by_text: dict[str, SentenceEvidence] = {
        tiny.sentence_text(e.sentence_id): e for e in gather_evidence(tiny, context, candidates)
    }
    cost = by_text["The plant cost 20 billion dollars and will employ 3,000 people."]
    assert cost.features.passage_lexical > cost.features.lexical
    assert cost.features.passage_lexical == pytest.approx(1.0)
    everything = " ".join(text for _, _, text in _TINY)
    context = story_context(tiny, everything)
    by_text = {
        tiny.sentence_text(e.sentence_id): e for e in gather_evidence(tiny, context, candidates)
    }
    alone = by_text[
        "Kelvin Kiptum set a marathon world record of 2:00:35 in Chicago in October 2023."
    ]
    assert alone.features.passage_lexical == alone.features.lexical


def test_the_terms_stored_at_build_time_give_the_evidence_the_text_gives(index, tmp_path):
    question = "When did Blinken cancel his trip to Beijing, and what did the minister say?"
    context = story_context(index, question)
    stored = SentenceTerms(index, context.terms)
    for sentence_id in range(len(index.sentence_rows)):
        assert index.stored_terms(sentence_id) is not None
        from_text = set(context.terms) & set(tokenize(index.sentence_text(sentence_id)))
        assert stored(sentence_id) == from_text
    assert any(stored(i) for i in range(len(index.sentence_rows)))

    # An index from before terms were stored tokenizes instead, to the same evidence.
    old_folder = tmp_path / "old"
    shutil.copytree(index.folder.resolve(), old_folder)
    for name in (SENTENCE_TERMS, SENTENCE_TERM_COUNTS):
        (old_folder / name).unlink()
    old = load_index(old_folder)
    candidates = [Candidate(c, 1.0, 0.5, 1.0) for c in range(index.n_chunks)]
    assert gather_evidence(old, context, candidates) == gather_evidence(index, context, candidates)


def _quote_for(index, context, sentence: str) -> Quote:
    ranked = [r for r in _ranked(index, context) if index.sentence_text(r.sentence_id) == sentence]
    return assemble_quotes(index, context, ranked, k=1, weights=QuoteWeights())[0]


def test_a_quote_opening_with_according_to_her_carries_the_sentence_that_names_her(index):
    context = story_context(index, "How far will the deficit fall?", kind="number")
    quote = _quote_for(
        index, context, "According to her, the deficit will fall to 3 percent next year."
    )
    assert quote.text.startswith("The finance minister Ana Ruiz")


def test_the_neighbour_holding_the_asked_date_completes_the_quote(index):
    context = story_context(
        index, "When was the old bridge over the river closed to traffic?", "when"
    )
    quote = _quote_for(index, context, "Engineers found cracks in two of its piers.")
    assert "on Friday" in quote.text or "in 2019" in quote.text


def test_an_unrelated_neighbour_is_left_out(index):
    context = story_context(index, "Who presented the budget?", kind="who")
    quote = _quote_for(
        index, context, "The finance minister Ana Ruiz presented the budget on Monday."
    )
    assert quote.text == "The finance minister Ana Ruiz presented the budget on Monday."


def test_no_ranked_sentences_make_no_quotes(index):
    context = story_context(index, "Who presented the budget?", kind="who")

    assert assemble_quotes(index, context, [], k=4, weights=QuoteWeights()) == []


def test_copies_of_one_passage_become_one_quote_with_every_source(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "The harbour reopened on Friday after storms closed it for a week."
    for name in ("wire", "copy"):
        (corpus / f"{name}.txt").write_text(text + "\n")
    build_index(corpus, tmp_path / "index", FakeEmbedder(), BuildOptions(32, 8))
    copies = load_index(tmp_path / "index")
    context = story_context(copies, "When did the harbour reopen?", kind="when")
    quotes = assemble_quotes(copies, context, _ranked(copies, context), k=3, weights=QuoteWeights())
    assert len(quotes) == 1 and {s.article_id for s in quotes[0].sources} == {"wire", "copy"}


def test_the_bold_goes_to_the_date_that_answers_not_the_first_one(index):
    context = story_context(index, "When was Blinken's trip cancelled?", kind="when")
    sentence = (
        "In February, Blinken canceled a trip to Beijing after a balloon was shot down, "
        "and talks were expected on Sunday."
    )
    cues = find_cues("when", sentence, context.words)
    assert len(cues) == 2 and "Sunday" in cues[1].group()
    start, end = answer_span(context, sentence, cues)
    assert sentence[start:end] == "February"
    context = story_context(index, "When are the talks expected?", kind="when")
    start, end = answer_span(context, sentence, find_cues("when", sentence, context.words))
    assert sentence[start:end] == "on Sunday"


def test_no_bold_when_the_sentence_holds_nothing_of_the_asked_kind(index):
    context = story_context(index, "Who welcomed the rain?", kind="who")
    assert answer_span(context, "Farmers welcomed the rain.", []) is None


def _quote(score: float) -> Quote:
    return Quote("text", score, ())


def test_decide_answers_on_the_first_quote_and_otherwise_says_so_once():
    answered = decide([_quote(0.9), _quote(0.1)], min_confidence=0.15, articles_searched=4)
    assert answered.answered and len(answered.quotes) == 2 and answered.message is None
    missed = decide(
        [_quote(0.1), _quote(0.09), _quote(0.08)], min_confidence=0.15, articles_searched=4
    )
    assert not missed.answered and len(missed.quotes) == 2
    assert NO_ANSWER in (missed.message or "") and "4 articles" in (missed.message or "")
    empty = decide([], min_confidence=0.15, articles_searched=1)
    assert empty.quotes == () and "1 article." in (empty.message or "")
