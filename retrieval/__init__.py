"""Query time: answering questions from an index with verbatim quotes, and the query log.

This front door names what the front ends use: the answerer and its settings, the answer
types, the query log, the question check and evaluation. The stages of the answer pipeline
(`retrieval.search.retrieve`, `retrieval.evidence.gather_evidence`, ...) are imported from
their modules. Names are loaded on first use, so that importing one light name does not load
the index and model libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kernel.exports import lazy_names

if TYPE_CHECKING:
    from retrieval.answer import NO_ANSWER, Answer, Quote, QuoteDate, Source
    from retrieval.evaluation import evaluate, load_qa
    from retrieval.querylog import LoggedQuery, LogStats, QueryLog, UnansweredQuestion
    from retrieval.question import Question, check_question
    from retrieval.quote_dates import relative_dates, spell_date
    from retrieval.search import SearchConfig
    from retrieval.service import Answerer, RetrievalConfig

_SOURCES = {
    # the answerer and its settings
    "Answerer": "retrieval.service",
    "RetrievalConfig": "retrieval.service",
    "SearchConfig": "retrieval.search",
    # the question, checked before it is asked
    "Question": "retrieval.question",
    "check_question": "retrieval.question",
    # the answer
    "NO_ANSWER": "retrieval.answer",
    "Answer": "retrieval.answer",
    "Quote": "retrieval.answer",
    "QuoteDate": "retrieval.answer",
    "Source": "retrieval.answer",
    "relative_dates": "retrieval.quote_dates",
    "spell_date": "retrieval.quote_dates",
    # the query log
    "QueryLog": "retrieval.querylog",
    "LoggedQuery": "retrieval.querylog",
    "LogStats": "retrieval.querylog",
    "UnansweredQuestion": "retrieval.querylog",
    # evaluation (`newsdesk eval`)
    "evaluate": "retrieval.evaluation",
    "load_qa": "retrieval.evaluation",
}


__getattr__ = lazy_names("retrieval", _SOURCES, globals())


__all__ = [
    "NO_ANSWER",
    "Answer",
    "Answerer",
    "LogStats",
    "LoggedQuery",
    "QueryLog",
    "Question",
    "Quote",
    "QuoteDate",
    "RetrievalConfig",
    "SearchConfig",
    "Source",
    "UnansweredQuestion",
    "check_question",
    "evaluate",
    "load_qa",
    "relative_dates",
    "spell_date",
]
