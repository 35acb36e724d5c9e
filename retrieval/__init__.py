"""Query time: answering questions from an index with verbatim quotes, and the query log.

This front door names what the front ends use: the answerer and its settings, the answer
types, follow-up conversations, the query log, the question check and evaluation. The
stages of the answer pipeline (`retrieval.search.retrieve`,
`retrieval.evidence.gather_evidence`, ...) are imported from their modules. Names are loaded
on first use, so that importing one light name does not load the index and model libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kernel.exports import lazy_names

if TYPE_CHECKING:
    from retrieval.answer import NO_ANSWER, Answer, Quote, QuoteDate, Source
    from retrieval.brief import Brief, Embed, Story, brief_window, make_brief
    from retrieval.conversation import Conversation, Conversations, Reading, read_question
    from retrieval.evaluation import evaluate, load_qa
    from retrieval.querylog import LoggedQuery, LogStats, QueryLog, UnansweredQuestion
    from retrieval.question import Question, check_question
    from retrieval.quote_dates import relative_dates, spell_date
    from retrieval.search import SearchConfig
    from retrieval.service import Answerer, RetrievalConfig
    from retrieval.timeline import (
        Timeline,
        TimelineConfig,
        TimelineEntry,
        check_topic,
        make_timeline,
    )

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
    # follow-up questions: a conversation's turns, and a question read in their light
    "Conversation": "retrieval.conversation",
    "Conversations": "retrieval.conversation",
    "Reading": "retrieval.conversation",
    "read_question": "retrieval.conversation",
    # the query log
    "QueryLog": "retrieval.querylog",
    "LoggedQuery": "retrieval.querylog",
    "LogStats": "retrieval.querylog",
    "UnansweredQuestion": "retrieval.querylog",
    # the news views: a brief of a time window's stories, a timeline of one story
    "Brief": "retrieval.brief",
    "Embed": "retrieval.brief",
    "Story": "retrieval.brief",
    "brief_window": "retrieval.brief",
    "make_brief": "retrieval.brief",
    "Timeline": "retrieval.timeline",
    "TimelineConfig": "retrieval.timeline",
    "TimelineEntry": "retrieval.timeline",
    "check_topic": "retrieval.timeline",
    "make_timeline": "retrieval.timeline",
    # evaluation (`newsdesk eval`)
    "evaluate": "retrieval.evaluation",
    "load_qa": "retrieval.evaluation",
}


__getattr__ = lazy_names("retrieval", _SOURCES, globals())


__all__ = [
    "NO_ANSWER",
    "Answer",
    "Answerer",
    "Brief",
    "Conversation",
    "Conversations",
    "Embed",
    "LogStats",
    "LoggedQuery",
    "QueryLog",
    "Question",
    "Quote",
    "QuoteDate",
    "Reading",
    "RetrievalConfig",
    "SearchConfig",
    "Source",
    "Story",
    "Timeline",
    "TimelineConfig",
    "TimelineEntry",
    "UnansweredQuestion",
    "brief_window",
    "check_question",
    "check_topic",
    "evaluate",
    "load_qa",
    "make_brief",
    "make_timeline",
    "read_question",
    "relative_dates",
    "spell_date",
]
