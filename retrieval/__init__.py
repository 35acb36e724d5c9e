"""Query time: answering questions from an index with verbatim quotes, and the query log."""

from retrieval.answer import Answer, Quote, Source
from retrieval.querylog import (
    LoggedQuery,
    LogStats,
    QueryLog,
    QueryLogUnavailable,
    UnansweredQuestion,
)
from retrieval.question import Question, check_question, question_kind
from retrieval.quotes import QuoteWeights
from retrieval.service import DEFAULT_MIN_CONFIDENCE, Answerer, RetrievalConfig, fuse_rankings

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "Answer",
    "Answerer",
    "LogStats",
    "LoggedQuery",
    "QueryLog",
    "QueryLogUnavailable",
    "Question",
    "Quote",
    "QuoteWeights",
    "RetrievalConfig",
    "Source",
    "UnansweredQuestion",
    "check_question",
    "fuse_rankings",
    "question_kind",
]
