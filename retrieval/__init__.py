"""Query time: answering questions from an index with verbatim quotes, and the query log."""

from retrieval.answer import NO_ANSWER, Answer, Quote, QuoteDate, Source, no_answer_message
from retrieval.confidence import ConfidenceFeatures, confidence_features
from retrieval.context import QuestionContext, make_context
from retrieval.evidence import (
    QuoteWeights,
    ScoredSentence,
    SentenceEvidence,
    SentenceFeatures,
    gather_evidence,
    rank_sentences,
)
from retrieval.querylog import (
    LoggedQuery,
    LogStats,
    QueryLog,
    QueryLogUnavailable,
    UnansweredQuestion,
)
from retrieval.question import Question, check_question, question_kind
from retrieval.quote_dates import date_quote, lead_date, relative_dates, spell_date
from retrieval.quotes import answer_span, assemble_quotes, passage_span
from retrieval.recency import NO_TIME_WEIGHTS, TimeWeights, mark_earlier_reports, time_bonus
from retrieval.search import Candidate, SearchConfig, fuse_rankings, retrieve
from retrieval.service import (
    DEFAULT_MIN_CONFIDENCE,
    Answerer,
    Decision,
    RetrievalConfig,
    answer_quotes,
    decide,
)

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "NO_ANSWER",
    "NO_TIME_WEIGHTS",
    "Answer",
    "Answerer",
    "Candidate",
    "ConfidenceFeatures",
    "Decision",
    "LogStats",
    "LoggedQuery",
    "QueryLog",
    "QueryLogUnavailable",
    "Question",
    "QuestionContext",
    "Quote",
    "QuoteDate",
    "QuoteWeights",
    "RetrievalConfig",
    "ScoredSentence",
    "SearchConfig",
    "SentenceEvidence",
    "SentenceFeatures",
    "Source",
    "TimeWeights",
    "UnansweredQuestion",
    "answer_quotes",
    "answer_span",
    "assemble_quotes",
    "check_question",
    "confidence_features",
    "date_quote",
    "decide",
    "fuse_rankings",
    "gather_evidence",
    "lead_date",
    "make_context",
    "mark_earlier_reports",
    "no_answer_message",
    "passage_span",
    "question_kind",
    "rank_sentences",
    "relative_dates",
    "retrieve",
    "spell_date",
    "time_bonus",
]
