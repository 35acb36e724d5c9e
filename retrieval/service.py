"""The question-answering service: one call from a question to an `Answer`."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from index import Embedder, OpenIndex, load_index
from retrieval.answer import Answer, Quote, no_answer_message
from retrieval.confidence import DEFAULT_CONFIDENCE, ConfidenceModel, confidence_features
from retrieval.context import QuestionContext, make_context
from retrieval.evidence import (
    QuoteWeights,
    ScoredSentence,
    SentenceTerms,
    agreement_bonus,
    gather_evidence,
    rank_sentences,
)
from retrieval.question import Question, check_question
from retrieval.quote_dates import date_quote, lead_date
from retrieval.quotes import assemble_quotes, passage_span
from retrieval.reading import (
    ReaderWeights,
    Reading,
    ReadResultLike,
    SentenceReader,
    apply_readings,
    read_ranked,
)
from retrieval.recency import TimeWeights, bound_to_time, mark_earlier_reports, time_bonus
from retrieval.search import SearchConfig, retrieve

log = logging.getLogger(__name__)

# The answer/no-answer line on the first quote's confidence (see retrieval/confidence.py).
# The model is fitted on NewsQA/XQuAD near misses, whose questions are vaguer than a
# reader's: at 0.5 it would decline a third of the answerable questions of
# tests/data/qa.jsonl. 0.15 keeps hit@1 there at the target while declining off-topic
# questions; passages without the date, count, measure or statement a question asks for
# are declined by `meets_demands` (README, "Answer quality").
DEFAULT_MIN_CONFIDENCE = 0.15
_RELOAD_CHECK_S = 2.0


@dataclass(frozen=True)
class RetrievalConfig:
    """Tuning knobs of retrieval; the defaults are the measured best."""

    top_k: int = 4
    search: SearchConfig = field(default_factory=SearchConfig)
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    max_question_chars: int = 500
    weights: QuoteWeights = field(default_factory=QuoteWeights)
    confidence: ConfidenceModel = DEFAULT_CONFIDENCE
    cue_kinds: frozenset[str] = frozenset({"when", "who", "number", "where"})
    # Off: the as-of date only labels the answer (as before answers knew about time).
    time_aware: bool = True
    time: TimeWeights = field(default_factory=TimeWeights)
    reader: ReaderWeights = field(default_factory=ReaderWeights)


@dataclass(frozen=True)
class Decision:
    """Stage 5: whether the quotes answer, the quotes to show, and what to say if not."""

    answered: bool
    quotes: tuple[Quote, ...]
    message: str | None


def decide(quotes: list[Quote], *, min_confidence: float, articles_searched: int) -> Decision:
    """The answer stands or falls with the first quote's confidence; when it falls, at most
    the two closest passages are shown as such."""
    if quotes and quotes[0].score >= min_confidence:
        return Decision(True, tuple(quotes), None)
    closest = tuple(q for q in quotes[:2] if q.score >= min_confidence / 2)
    return Decision(False, closest, no_answer_message(articles_searched, has_closest=bool(closest)))


def answer_quotes(
    index: OpenIndex,
    context: QuestionContext,
    config: RetrievalConfig,
    *,
    k: int,
    timings_ms: dict[str, float] | None = None,
    reader: SentenceReader | None = None,
) -> list[Quote]:
    """Stages 1 to 4 for one question: retrieve, gather evidence, rank (and read, with a
    `reader`), assemble quotes.

    Quotes carry their resolved dates; on a question about the present, older answering
    reports follow the newest, marked as earlier reports. `timings_ms`, when given, gets
    the milliseconds spent searching ("search") and on everything after it ("quote").
    """
    started = time.perf_counter()
    candidates = retrieve(index, context, config.search)
    searched = time.perf_counter()
    terms = SentenceTerms(index, context.terms)
    evidence = gather_evidence(index, context, candidates, terms)
    ids = [e.sentence_id for e in evidence]
    times = time_bonus(index, context, ids, config.time)
    bonus = times + agreement_bonus(index, context, evidence, config.weights)
    ranked = rank_sentences(evidence, config.weights, bonus)

    def confidence(sentence: ScoredSentence, passage: str) -> float:
        features = confidence_features(index, context, sentence, passage)
        return config.confidence.probability(features)

    readings: dict[int, Reading] = {}
    standing = None
    if reader is not None and ranked:
        # Whether the articles answer stays the matching evidence's call, on the passage that
        # ranked first before reading: the reader picks among answers, it does not make one.
        scores = {s.sentence_id: s.score for s in ranked}
        article, start, end = passage_span(index, ranked[0].sentence_id, context, scores, terms)
        standing = confidence(ranked[0], index.articles[article].text[start:end])
        # On a question bound to a time the reader, which knows none, keeps to the order time
        # gave; on one naming no time the recency prior is only a leaning it may overrule.
        bound = bound_to_time(context)
        time_of = dict(zip(ids, times.tolist(), strict=True)) if bound else None
        ranked, readings = read_ranked(index, context, ranked, reader, config.reader, time_of)
    quotes = assemble_quotes(
        index, context, ranked, k=k, weights=config.weights, confidence=confidence, terms=terms
    )
    if readings:
        quotes = apply_readings(index, quotes, readings, standing=standing)
    quotes = mark_earlier_reports(context, [date_quote(q) for q in quotes])
    if timings_ms is not None:
        timings_ms["search"] = (searched - started) * 1000
        timings_ms["quote"] = (time.perf_counter() - searched) * 1000
    return quotes


def _lead(quote: Quote, kind: str | None, *, future: bool, read: bool) -> str | None:
    """The words an answer leads with: for "when", the resolved date among its answer words;
    else, with a reader, its answer words verbatim; None when there are none."""
    if kind == "when":
        return lead_date(quote, future=future)
    if read and quote.highlight is not None:
        start, end = quote.highlight
        return quote.text[start:end]
    return None


class _OneAtATime:
    """A reader whose calls take turns (its tokenizer is not safe across threads)."""

    def __init__(self, reader: SentenceReader) -> None:
        self._reader = reader
        self._turn = threading.Lock()

    def score(
        self, question: str, candidates: Sequence[tuple[str, str]]
    ) -> Sequence[ReadResultLike]:
        with self._turn:
            return self._reader.score(question, candidates)


class Answerer:
    """Answers questions from one index; safe to call from several threads at once.

    The index is loaded once; when a newer build is swapped in on disk, the next question
    after a short check interval loads it, without a restart.
    """

    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder,
        config: RetrievalConfig | None = None,
        *,
        reader: SentenceReader | None = None,
    ) -> None:
        self.index_dir = index_dir
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.reader = _OneAtATime(reader) if reader is not None else None
        self._embed_lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._index = load_index(
            index_dir,
            expected_fingerprint=embedder.fingerprint,
            expected_precision=embedder.precision,
        )
        self._loaded_target = index_dir.resolve()
        self._checked_at = time.monotonic()

    @property
    def index(self) -> OpenIndex:
        """The index now serving."""
        return self._index

    def reload(self, *, force: bool = False) -> bool:
        """Load the index on disk if it is a newer build than the one serving.

        Returns:
            True when a new index was swapped in.
        """
        with self._load_lock:
            self._checked_at = time.monotonic()
            target = self.index_dir.resolve()
            if target == self._loaded_target and not force:
                return False
            fresh = load_index(
                self.index_dir,
                expected_fingerprint=self.embedder.fingerprint,
                expected_precision=self.embedder.precision,
            )
            self._index, self._loaded_target = fresh, target
            log.info("index %s loaded (%d articles)", fresh.version, fresh.n_articles)
            return True

    def _maybe_reload(self) -> None:
        if time.monotonic() - self._checked_at < _RELOAD_CHECK_S:
            return
        try:
            self.reload()
        except Exception:  # a broken new build must not stop answers from the old one
            log.exception(
                "could not load the new index at %s; still serving the old one", self.index_dir
            )

    def embed_question(self, text: str) -> NDArray[np.float32]:
        """The question's vector (the tokenizer is not thread-safe, hence the lock)."""
        with self._embed_lock:
            vectors = self.embedder.embed([text])
        return np.asarray(vectors[0], dtype=np.float32)

    def check(self, question: str) -> Question:
        """`question` read and checked against this answerer's limits, as `ask` checks it
        first; cheap (no index, no model), so a front end can refuse a question before
        spending anything on it.

        Raises:
            EmptyQuestion: nothing searchable in the question.
            QuestionTooLong: longer than the configured maximum.
            UnreadableQuestion: not valid text.
        """
        return check_question(question, max_chars=self.config.max_question_chars)

    def ask(self, question: str, *, k: int | None = None, as_of: dt.date | None = None) -> Answer:
        """Answer one question with verbatim quotes, or say the articles don't answer it.

        The question is asked on `as_of` (default: today): articles published after it are
        not used, and the time the question names is read relative to it.

        Raises:
            EmptyQuestion: nothing searchable in the question.
            QuestionTooLong: longer than the configured maximum.
        """
        started = time.perf_counter()
        config = self.config
        checked = self.check(question)
        if checked.kind not in config.cue_kinds:
            checked = replace(checked, kind=None)
        self._maybe_reload()
        index = self._index
        day = as_of or dt.date.today()
        vector = self.embed_question(checked.text)
        context = make_context(index, checked, vector, as_of=day, time_aware=config.time_aware)
        embedded = time.perf_counter()
        timings: dict[str, float] = {}
        quotes = answer_quotes(
            index, context, config, k=k or config.top_k, timings_ms=timings, reader=self.reader
        )
        decision = decide(
            quotes, min_confidence=config.min_confidence, articles_searched=index.n_articles
        )
        done = time.perf_counter()
        lead = None
        if decision.answered and decision.quotes:
            lead = _lead(
                decision.quotes[0], checked.kind, future=checked.future, read=bool(self.reader)
            )
        return Answer(
            question=checked.original,
            answered=decision.answered,
            quotes=decision.quotes,
            latency_ms=(done - started) * 1000,
            articles_searched=index.n_articles,
            index_version=index.version,
            message=decision.message,
            timings_ms={
                "embed": (embedded - started) * 1000,
                "answer": (done - embedded) * 1000,
                **timings,
            },
            as_of=as_of,
            lead=lead,
        )
