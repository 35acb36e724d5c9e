"""Query time: answering questions from an index with verbatim quotes, and the query log.

Names are loaded on first use, so that importing one light name does not load the index
and model libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index import lazy_names

if TYPE_CHECKING:
    from retrieval.answer import NO_ANSWER, Answer, Quote, QuoteDate, Source, no_answer_message
    from retrieval.confidence import ConfidenceFeatures, confidence_features
    from retrieval.context import QuestionContext, make_context
    from retrieval.evidence import (
        QuoteWeights,
        ScoredSentence,
        SentenceEvidence,
        SentenceFeatures,
        SentenceTerms,
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

_SOURCES = {
    "QuoteDate": "retrieval.answer",
    "date_quote": "retrieval.quote_dates",
    "lead_date": "retrieval.quote_dates",
    "relative_dates": "retrieval.quote_dates",
    "spell_date": "retrieval.quote_dates",
    "NO_TIME_WEIGHTS": "retrieval.recency",
    "TimeWeights": "retrieval.recency",
    "mark_earlier_reports": "retrieval.recency",
    "time_bonus": "retrieval.recency",
    "Answer": "retrieval.answer",
    "Answerer": "retrieval.service",
    "Candidate": "retrieval.search",
    "ConfidenceFeatures": "retrieval.confidence",
    "DEFAULT_MIN_CONFIDENCE": "retrieval.service",
    "Decision": "retrieval.service",
    "LogStats": "retrieval.querylog",
    "LoggedQuery": "retrieval.querylog",
    "NO_ANSWER": "retrieval.answer",
    "QueryLog": "retrieval.querylog",
    "QueryLogUnavailable": "retrieval.querylog",
    "Question": "retrieval.question",
    "QuestionContext": "retrieval.context",
    "Quote": "retrieval.answer",
    "QuoteWeights": "retrieval.evidence",
    "RetrievalConfig": "retrieval.service",
    "ScoredSentence": "retrieval.evidence",
    "SearchConfig": "retrieval.search",
    "SentenceEvidence": "retrieval.evidence",
    "SentenceTerms": "retrieval.evidence",
    "SentenceFeatures": "retrieval.evidence",
    "Source": "retrieval.answer",
    "UnansweredQuestion": "retrieval.querylog",
    "answer_quotes": "retrieval.service",
    "answer_span": "retrieval.quotes",
    "assemble_quotes": "retrieval.quotes",
    "check_question": "retrieval.question",
    "confidence_features": "retrieval.confidence",
    "decide": "retrieval.service",
    "fuse_rankings": "retrieval.search",
    "gather_evidence": "retrieval.evidence",
    "make_context": "retrieval.context",
    "no_answer_message": "retrieval.answer",
    "passage_span": "retrieval.quotes",
    "question_kind": "retrieval.question",
    "rank_sentences": "retrieval.evidence",
    "retrieve": "retrieval.search",
}


__getattr__ = lazy_names("retrieval", _SOURCES, globals())


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
    "SentenceTerms",
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
