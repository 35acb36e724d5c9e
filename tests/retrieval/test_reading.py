"""The reading stage on its own: a reader's judgement re-orders the first ranked sentences,
gives the bold words and the lead, and joins the decision to answer or decline."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from retrieval import Answerer, RetrievalConfig
from retrieval.reading import ReaderWeights, choose_span, read_ranked
from retrieval.service import answer_quotes
from tests.fakes import FakeEmbedder, story_context, story_index

STORIES = {
    "summit": (
        "The summit of the harbour towns opened in Kessel on Monday. "
        "The mayors of the harbour towns met in Kessel for the summit. "
        "The talks lasted for five and a half hours, officials said. "
        "Both delegations then dined together at the old customs house."
    ),
    "ferry": (
        "A new ferry line links Kessel with Vellmar from Friday. "
        "The ferry crosses the bay in forty minutes."
    ),
}
QUESTION = "How long did the summit of the harbour towns in Kessel last?"


@dataclass(frozen=True)
class _Read:
    probability: float
    span: tuple[int, int] | None
    span_probability: float
    alternatives: tuple[tuple[int, int, float], ...] = ()


class ScriptedReader:
    """A reader that believes only sentences holding `answer`, and marks those words."""

    def __init__(self, answer: str, *, sure: float = 0.95, doubt: float = 0.05) -> None:
        self.answer = answer
        self.sure = sure
        self.doubt = doubt
        self.read: list[tuple[str, str]] = []

    def score(self, question, candidates):
        self.read.extend(candidates)
        results = []
        for _, sentence in candidates:
            at = sentence.find(self.answer)
            if at < 0:
                results.append(_Read(self.doubt, None, 0.0))
            else:
                span = (at, at + len(self.answer))
                results.append(_Read(self.sure, span, 0.9, ((*span, 0.9),)))
        return results


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return story_index(tmp_path_factory.mktemp("reading"), STORIES)


def test_the_answering_sentence_moves_up_past_one_sharing_more_words(index):
    context = story_context(index, QUESTION, kind="number")
    weights = ReaderWeights(candidates=4, rank=3.0)  # the reader's word outweighs shared words
    config = RetrievalConfig(min_confidence=0.0, reader=weights)
    plain = answer_quotes(index, context, config, k=3)
    reader = ScriptedReader("five and a half hours")

    read = answer_quotes(index, context, config, k=3, reader=reader)

    assert "five and a half hours" not in plain[0].text, "matching alone puts another first"
    assert "five and a half hours" in read[0].text
    start, end = read[0].highlight
    assert read[0].text[start:end] == "five and a half hours"
    assert len(reader.read) == 4, "the first four ranked sentences are read"
    assert all(previous or sentence for previous, sentence in reader.read)


def test_only_the_first_candidates_are_read_and_the_rest_keep_their_order(index):
    from retrieval.evidence import SentenceTerms, gather_evidence, rank_sentences
    from retrieval.search import retrieve

    context = story_context(index, QUESTION)
    config = RetrievalConfig()
    candidates = retrieve(index, context, config.search)
    evidence = gather_evidence(index, context, candidates, SentenceTerms(index, context.terms))
    ranked = rank_sentences(evidence, config.weights)
    weights = ReaderWeights(candidates=2)

    reordered, readings = read_ranked(index, context, ranked, ScriptedReader("x"), weights)

    assert set(readings) == {s.sentence_id for s in ranked[:2]}
    assert [s.sentence_id for s in reordered[2:]] == [s.sentence_id for s in ranked[2:]]


def test_whether_the_articles_answer_stays_the_matching_evidences_call(index):
    plain = Answerer(index.folder, FakeEmbedder())
    doubting = Answerer(index.folder, FakeEmbedder(), reader=ScriptedReader("nothing here"))
    sure = Answerer(index.folder, FakeEmbedder(), reader=ScriptedReader("the", sure=0.99))
    questions = [
        "Where did the mayors of the harbour towns meet for the summit?",
        "Which team won the cup final in Lisbon?",
    ]

    decided = [[a.ask(q).answered for a in (plain, doubting, sure)] for q in questions]

    assert decided == [[True] * 3, [False] * 3], "a reader neither makes nor unmakes an answer"
    assert doubting.ask(questions[0]).lead is None, "no answer words, no lead"


def test_an_answered_question_leads_with_the_readers_answer_words(index):
    answerer = Answerer(index.folder, FakeEmbedder(), reader=ScriptedReader("in Kessel"))

    answer = answerer.ask("Where did the mayors of the harbour towns meet?")

    assert answer.answered
    assert answer.lead == "in Kessel"
    assert answer.to_json()["quotes"][0]["answer_span"]["char_end"] > 0


class SpanReader:
    """A reader sure of every sentence, whose likeliest spans are scripted, best first."""

    def __init__(self, *spans: tuple[str, float]) -> None:
        self.spans = spans

    def score(self, question, candidates):
        results = []
        for _, sentence in candidates:
            found = tuple(
                (sentence.find(words), sentence.find(words) + len(words), chance)
                for words, chance in self.spans
                if words in sentence
            )
            best = found[0] if found else None
            results.append(_Read(0.9, best[:2] if best else None, best[2] if best else 0.0, found))
        return results


TALKS = "The talks lasted for five and a half hours, officials said."


def _talks_read(index, *spans: tuple[str, float]):
    """The context of a "how long" question, and a scripted reading of TALKS."""
    context = story_context(index, "How long did the talks in Kessel last?", kind="number")
    return context, SpanReader(*spans).score("", [("", TALKS)])[0]


def test_a_runner_up_span_of_the_asked_kind_wins_over_a_best_span_of_another(index):
    context, result = _talks_read(index, ("officials", 0.5), ("five and a half hours", 0.3))

    plain = choose_span(context, TALKS, result, ReaderWeights(cue=1.0))
    with_cues = choose_span(context, TALKS, result, ReaderWeights(cue=2.0))

    assert TALKS[slice(*plain)] == "officials"
    assert TALKS[slice(*with_cues)] == "five and a half hours"


def test_no_span_reaching_the_line_is_no_answer_words(index):
    context, result = _talks_read(index, ("officials", 0.12), ("five and a half hours", 0.1))

    assert choose_span(context, TALKS, result, ReaderWeights(min_span=0.3, cue=2.0)) is None
    kept = choose_span(context, TALKS, result, ReaderWeights(min_span=0.15, cue=2.0))
    assert TALKS[slice(*kept)] == "five and a half hours"


def test_the_reader_does_not_lift_an_older_report_over_a_newer_one(index):
    from retrieval.evidence import SentenceTerms, gather_evidence, rank_sentences
    from retrieval.search import retrieve

    context = story_context(index, QUESTION)
    config = RetrievalConfig()
    candidates = retrieve(index, context, config.search)
    evidence = gather_evidence(index, context, candidates, SentenceTerms(index, context.terms))
    ranked = rank_sentences(evidence, config.weights)[:4]
    answering = next(s for s in ranked if "five and a half" in index.sentence_text(s.sentence_id))
    assert answering is not ranked[0], "matching alone puts another first"
    weights = ReaderWeights(candidates=4, rank=3.0)
    reader = ScriptedReader("five and a half hours")

    same_age, _ = read_ranked(
        index, context, ranked, reader, weights, dict.fromkeys((s.sentence_id for s in ranked), 0.2)
    )
    # The answering sentence is from an older report than the first; one other is as old.
    older = next(s for s in ranked[1:] if s is not answering)
    times = {s.sentence_id: 0.3 for s in ranked} | {
        answering.sentence_id: 0.1,
        older.sentence_id: 0.1,
    }
    by_age, _ = read_ranked(index, context, ranked, reader, weights, times)

    assert same_age[0].sentence_id == answering.sentence_id
    assert by_age[0].sentence_id == ranked[0].sentence_id, "the newer report keeps its place"
    places = [i for i, s in enumerate(ranked) if times[s.sentence_id] == 0.1]
    assert by_age[places[0]].sentence_id == answering.sentence_id, (
        "among reports of its own age the reader still moves it up"
    )


def test_time_holds_the_reader_only_on_a_question_bound_to_a_time(tmp_path):
    import datetime as dt
    import json

    from index import BuildOptions, build_index, load_index
    from retrieval.context import make_context
    from retrieval.question import Question

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    stories = [
        (
            "first",
            "2026-11-02",
            "The harbour summit in Kessel opened on Monday. "
            "The talks lasted for five and a half hours, officials said.",
        ),
        (
            "again",
            "2026-12-04",
            "The harbour summit in Kessel met again on Friday. "
            "The mayors of the harbour towns talked about the summit in Kessel for a long time.",
        ),
    ]
    (corpus / "stories.jsonl").write_text(
        "".join(json.dumps({"id": i, "published": p, "text": t}) + "\n" for i, p, t in stories)
    )
    build_index(corpus, tmp_path / "index", FakeEmbedder(), BuildOptions(32, 8))
    index = load_index(tmp_path / "index")
    config = RetrievalConfig(min_confidence=0.0, reader=ReaderWeights(candidates=4, rank=3.0))

    def first_quotes(text: str) -> tuple[str, str]:
        question = Question(original=text, text=text, kind="number")
        vector = FakeEmbedder().embed([text])[0]
        context = make_context(index, question, vector, as_of=dt.date(2026, 12, 6))
        plain = answer_quotes(index, context, config, k=3)
        read = answer_quotes(index, context, config, k=3, reader=ScriptedReader("five and a"))
        return plain[0].text, read[0].text

    plain, read = first_quotes("How long did the harbour summit in Kessel last?")
    assert "met again" in plain, "the recency prior puts the newer report first"
    assert "five and a half hours" in read, "on a question naming no time the reader overrules it"

    plain, read = first_quotes("How long did the harbour summit in Kessel last this week?")
    assert "met again" in plain and "met again" in read, (
        "on a question naming a window the older report is not lifted over the one inside it"
    )
