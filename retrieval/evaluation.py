"""Answer-quality evaluation over a QA file (the format of docs/design.md, QA files)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from kernel.errors import NewsdeskError
from retrieval.answer import Answer, Quote


@dataclass(frozen=True)
class QAItem:
    """One evaluation question: gold answer strings (empty = unanswerable) and article ids."""

    question: str
    answers: tuple[str, ...]
    articles: tuple[str, ...]
    as_of: dt.date | None = None  # asked as of that day; None: the evaluation's default

    @property
    def answerable(self) -> bool:
        """Whether the corpus holds an answer."""
        return bool(self.answers)


def load_qa(path: Path) -> list[QAItem]:
    """Read a QA file.

    Raises:
        NewsdeskError: the file is missing or a line is not a valid question.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise NewsdeskError(f"Cannot read the QA file {path}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise NewsdeskError(
            f"The QA file {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8."
        ) from exc
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            as_of = record.get("as_of")
            items.append(
                QAItem(
                    str(record["question"]),
                    tuple(str(a) for a in record.get("answers", [])),
                    tuple(str(a) for a in record.get("articles", [])),
                    dt.date.fromisoformat(as_of) if as_of is not None else None,
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise NewsdeskError(
                f"{path}:{number} is not a QA line like "
                '{"question": "...", "answers": ["..."], "articles": ["..."], '
                '"as_of": "2025-11-14"} (as_of optional).'
            ) from exc
    return items


def quote_hits(quote: Quote, answers: Iterable[str]) -> bool:
    """Whether a quote contains one of the gold answers (case-insensitive)."""
    text = quote.text.lower()
    return any(a.lower() in text for a in answers)


@dataclass(frozen=True)
class EvalReport:
    """Metrics over a QA set, and the answer to every question."""

    metrics: dict[str, float]
    results: list[Answer]

    def to_json(self) -> dict[str, Any]:
        """`newsdesk eval --json` output."""
        return {"metrics": self.metrics, "results": [a.to_json() for a in self.results]}


def _first_hit(answer: Answer, item: QAItem) -> int | None:
    if not answer.answered:
        return None
    for rank, quote in enumerate(answer.quotes, start=1):
        if quote_hits(quote, item.answers):
            return rank
    return None


def score_answers(items: list[QAItem], answers: list[Answer]) -> dict[str, float]:
    """hit@1, hit@3, source recall@3, MRR, no-answer precision/recall, latency p50/p95."""
    answerable = [(i, a) for i, a in zip(items, answers, strict=True) if i.answerable]
    ranks = [_first_hit(a, i) for i, a in answerable]
    recalls = []
    for item, answer in answerable:
        cited = (
            {s.article_id for q in answer.quotes[:3] for s in q.sources}
            if answer.answered
            else set()
        )
        recalls.append(len(cited & set(item.articles)) / max(len(item.articles), 1))
    declined = [i for i, a in zip(items, answers, strict=True) if not a.answered]
    unanswerable = [i for i in items if not i.answerable]
    latencies = [a.latency_ms for a in answers]
    n = max(len(answerable), 1)
    return {
        "questions": len(items),
        "answerable": len(answerable),
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "source_recall@3": float(np.mean(recalls)) if recalls else 0.0,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "no_answer_precision": (
            sum(not i.answerable for i in declined) / len(declined) if declined else 1.0
        ),
        "no_answer_recall": (
            sum(not a.answered for i, a in zip(items, answers, strict=True) if not i.answerable)
            / len(unanswerable)
            if unanswerable
            else 1.0
        ),
        "latency_p50_ms": float(np.percentile(latencies, 50)) if latencies else 0.0,
        "latency_p95_ms": float(np.percentile(latencies, 95)) if latencies else 0.0,
    }


class AskFn(Protocol):
    """What `evaluate` asks with: `Answerer.ask`."""

    def __call__(self, question: str, *, as_of: dt.date | None = None) -> Answer: ...


def evaluate(ask: AskFn, items: list[QAItem], *, as_of: dt.date | None = None) -> EvalReport:
    """Ask every question, each as of its own date or else `as_of`, and score the answers."""
    answers = [ask(item.question, as_of=item.as_of or as_of) for item in items]
    return EvalReport(score_answers(items, answers), answers)
