"""Query time: answering questions from an index with verbatim quotes, and the query log."""

from retrieval.answer import NO_ANSWER, Answer, Quote, Source, no_answer_message
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
from retrieval.quotes import answer_span, assemble_quotes, passage_span
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
    "QuoteWeights",
    "RetrievalConfig",
    "ScoredSentence",
    "SearchConfig",
    "SentenceEvidence",
    "SentenceFeatures",
    "Source",
    "UnansweredQuestion",
    "answer_quotes",
    "answer_span",
    "assemble_quotes",
    "check_question",
    "confidence_features",
    "decide",
    "fuse_rankings",
    "gather_evidence",
    "make_context",
    "no_answer_message",
    "passage_span",
    "question_kind",
    "rank_sentences",
    "retrieve",
]
