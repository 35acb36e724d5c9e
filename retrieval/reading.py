"""Stage 3b, reading: a trained reader reads the question with each of the first ranked
sentences, moves the ones that answer it up and marks their answer words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from index import OpenIndex
from retrieval.answer import Quote
from retrieval.context import QuestionContext
from retrieval.cues import find_cues
from retrieval.evidence import ScoredSentence

T = TypeVar("T")


class ReadResultLike(Protocol):
    """What the reader says of one candidate sentence (`index.reader_model.ReadResult`)."""

    @property
    def probability(self) -> float: ...
    @property
    def alternatives(self) -> tuple[tuple[int, int, float], ...]: ...


class SentenceReader(Protocol):
    """The reader: scores (previous sentence, sentence) candidates for a question."""

    def score(
        self, question: str, candidates: Sequence[tuple[str, str]]
    ) -> Sequence[ReadResultLike]: ...


@dataclass(frozen=True)
class ReaderWeights:
    """How the reader's judgement joins the ranking; fitted on development data with
    bench/tune_reader.py (bench/README.md, "The reader").

    `candidates`: how many of the first ranked sentences are read. `rank`: what a sentence's
    answer probability adds to its ranking key (the combined score with its time and
    agreement bonuses). `min_span`: the span probability from which its words are bold and
    lead the answer. `cue`: what a span holding an expression of the asked kind (a date for
    "when", a number for "how many", a name for "who", a place for "where") multiplies its
    probability by, so that such a runner-up can win over a best span of the wrong kind.
    """

    candidates: int = 3
    rank: float = 2.8
    min_span: float = 0.4
    cue: float = 5.0


@dataclass(frozen=True)
class Reading:
    """The reader's view of one ranked sentence: its chance of answering and its answer
    words, as a span of the sentence (None when not confident)."""

    sentence_id: int
    probability: float
    span: tuple[int, int] | None


def previous_sentence(index: OpenIndex, sentence_id: int) -> str:
    """The sentence before, in the same article ("" for an article's first)."""
    if sentence_id == 0:
        return ""
    article = index.sentence_span(sentence_id)[0]
    if index.sentence_span(sentence_id - 1)[0] != article:
        return ""
    return index.sentence_text(sentence_id - 1)


def pick_span(choices: Iterable[tuple[T, float, bool]], weights: ReaderWeights) -> T | None:
    """Of (span, probability, holds a cue) choices, the span whose probability, times
    `weights.cue` when it holds an expression of the asked kind, is highest, when that
    reaches `weights.min_span`; else None. (bench/tune_reader.py fits the two numbers with
    this very rule.)"""
    best, best_score = None, 0.0
    for span, probability, fits in choices:
        score = probability * (weights.cue if fits else 1.0)
        if score > best_score:
            best, best_score = span, score
    return best if best_score >= weights.min_span else None


def span_choices(
    context: QuestionContext, sentence: str, result: ReadResultLike
) -> list[tuple[tuple[int, int], float, bool]]:
    """The reader's likeliest spans in `sentence` as (span, probability, holds a cue): a span
    holds a cue when it overlaps an expression `find_cues` finds for the question's kind (a
    date for "when", a number for "how many", a name, a place)."""
    cues = [m.span() for m in find_cues(context.question.kind, sentence, context.words)]
    return [
        ((start, end), probability, any(s < end and start < e for s, e in cues))
        for start, end, probability in result.alternatives
    ]


def choose_span(
    context: QuestionContext, sentence: str, result: ReadResultLike, weights: ReaderWeights
) -> tuple[int, int] | None:
    """The answer words the reader offers in `sentence`: `pick_span` over `span_choices`."""
    return pick_span(span_choices(context, sentence, result), weights)


def read_ranked(
    index: OpenIndex,
    context: QuestionContext,
    ranked: list[ScoredSentence],
    reader: SentenceReader,
    weights: ReaderWeights,
    times: Mapping[int, float] | None = None,
) -> tuple[list[ScoredSentence], dict[int, Reading]]:
    """The ranked sentences with the first `candidates` re-ordered by what the reader adds
    to their ranking keys, and the reader's view of each of them, by sentence id.

    The reader knows nothing of time: given `times` (what time added to each sentence's
    key, retrieval/recency.py), it re-orders only among sentences of the same time standing
    (reports of the same age, or all inside or all outside a window the question names), and
    the places that time gave each standing are kept."""
    first = ranked[: weights.candidates]
    if not first:
        return ranked, {}
    texts = [
        (previous_sentence(index, s.sentence_id), index.sentence_text(s.sentence_id)) for s in first
    ]
    results = reader.score(context.question.text, texts)
    readings = {}
    for sentence, (_, text), result in zip(first, texts, results, strict=True):
        span = choose_span(context, text, result, weights)
        readings[sentence.sentence_id] = Reading(sentence.sentence_id, result.probability, span)
    standing = [same_standing((times or {}).get(s.sentence_id, 0.0)) for s in first]
    keyed = list(first)
    for level in set(standing):
        places = [i for i, value in enumerate(standing) if value == level]
        members = sorted(
            (first[i] for i in places),
            key=lambda s: -(s.rank + weights.rank * readings[s.sentence_id].probability),
        )
        for place, sentence in zip(places, members, strict=True):
            keyed[place] = sentence
    return [*keyed, *ranked[weights.candidates :]], readings


def same_standing(time: float) -> float:
    """A sentence's time bonus, rounded so that reports of the same age stand together."""
    return round(time, 6)


def apply_readings(
    index: OpenIndex,
    quotes: list[Quote],
    readings: dict[int, Reading],
    *,
    standing: float | None = None,
) -> list[Quote]:
    """Quotes whose bold words are the reader's span (none where it marks none), where the
    reader read the sentence a quote was made for; the first quote's confidence is
    `standing`, the matching confidence of the passage that ranked first before reading: the
    answer is given or declined exactly as matching alone would."""
    placed = {index.sentence_span(sid): reading for sid, reading in readings.items()}
    marked = []
    for quote in quotes:
        source = quote.sources[0]
        inside = [
            r
            for (article, start, end), r in placed.items()
            if index.articles[article].article_id == source.article_id
            and source.char_start <= start
            and end <= source.char_end
        ]
        reading = max(inside, key=lambda r: r.probability, default=None)
        if reading is None:
            marked.append(quote)
            continue
        offset = index.sentence_span(reading.sentence_id)[1] - source.char_start
        span = reading.span
        marked.append(
            replace(quote, highlight=(span[0] + offset, span[1] + offset) if span else None)
        )
    if marked and standing is not None:
        marked[0] = replace(marked[0], score=standing)
    return marked
