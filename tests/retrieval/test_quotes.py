"""Sentence evidence: the coverage of the question by a sentence and its neighbour."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import OpenIndex, load_index
from retrieval import Question
from retrieval.quotes import FEATURES, Candidate, SentenceEvidence, gather_evidence
from tests.conftest import _TINY
from tests.fakes import FakeEmbedder


@pytest.fixture
def tiny_index(built_index: Path) -> OpenIndex:
    return load_index(built_index)


def _evidence(index: OpenIndex, text: str) -> dict[str, SentenceEvidence]:
    """Evidence for every sentence of the tiny corpus, keyed by the sentence's text."""
    question = Question(original=text, text=text, kind=None)
    vector = FakeEmbedder().embed([text])[0]
    candidates = [Candidate(c, 1.0, 0.5, 1.0) for c in range(index.n_chunks)]
    evidence = gather_evidence(index, question, vector, candidates)
    return {index.sentence_text(e.sentence_id): e for e in evidence}


def _feature(evidence: SentenceEvidence, name: str) -> float:
    return evidence.features[FEATURES.index(name)]


def test_passage_evidence_adds_the_terms_of_the_neighbouring_sentence(tiny_index):
    evidence = _evidence(tiny_index, "What did the Intel plant in Ohio cost?")
    cost = evidence["The plant cost 20 billion dollars and will employ 3,000 people."]
    assert _feature(cost, "passage_lexical") > _feature(cost, "lexical")
    assert _feature(cost, "passage_lexical") == pytest.approx(1.0)


def test_passage_evidence_stays_within_the_sentence_article(tiny_index):
    everything = " ".join(text for _, _, text in _TINY)
    evidence = _evidence(tiny_index, everything)
    alone = evidence[
        "Kelvin Kiptum set a marathon world record of 2:00:35 in Chicago in October 2023."
    ]
    assert _feature(alone, "passage_lexical") == _feature(alone, "lexical")
