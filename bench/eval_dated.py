"""The dated test set (tests/data/dated): how many questions time answers right, with time
awareness on and off.

Each of the 36 questions is asked as of its `as_of` date over the 18 stories' articles.
A question asked before the later report is right when the first quote holds the earlier
answer. A question asked after it (it has an `earlier` field) is right when the first quote
holds the later answer and every quote holding only the earlier answer is marked as an
earlier report.

    .venv/bin/python bench/eval_dated.py

Figures go to bench/results/eval_dated.json.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, write_results
from index import build_index, make_embedder
from retrieval import Answer, Answerer, RetrievalConfig

DATED = ROOT / "tests" / "data" / "dated"
RESULTS = ROOT / "bench" / "results" / "eval_dated.json"


def _holds(text: str, answers: list[str]) -> bool:
    return any(a.lower() in text.lower() for a in answers)


def dated_outcome(answer: Answer, question: dict) -> str:
    """The outcome: "right", "declined", "first quote misses" or "earlier unmarked"."""
    if not answer.answered or not answer.quotes:
        return "declined"
    if not _holds(answer.quotes[0].text, question["answers"]):
        return "first quote misses"
    earlier = question.get("earlier")
    if earlier is None:
        return "right"
    for quote in answer.quotes[1:]:
        old = _holds(quote.text, earlier["answers"]) and not _holds(quote.text, question["answers"])
        if old and not quote.earlier:
            return "earlier unmarked"
    return "right"


def evaluate_dated(answerer: Answerer, questions: list[dict]) -> dict[str, object]:
    """Outcomes over the dated questions."""
    outcomes = [
        dated_outcome(answerer.ask(q["question"], as_of=dt.date.fromisoformat(q["as_of"])), q)
        for q in questions
    ]
    between = [o for o, q in zip(outcomes, questions, strict=True) if "earlier" not in q]
    after = [o for o, q in zip(outcomes, questions, strict=True) if "earlier" in q]
    return {
        "questions": len(questions),
        "right": outcomes.count("right"),
        "right_before_later_report": between.count("right"),
        "right_after_later_report": after.count("right"),
        "outcomes": {o: outcomes.count(o) for o in sorted(set(outcomes))},
        "per_question": [
            {"question": q["question"], "as_of": q["as_of"], "outcome": o}
            for q, o in zip(questions, outcomes, strict=True)
        ],
    }


def main() -> None:
    questions = [json.loads(x) for x in (DATED / "questions.jsonl").read_text("utf-8").splitlines()]
    embedder = make_embedder("fp32", cache_dir=ROOT / "var" / "models")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "index"
        build_index(DATED / "corpus", folder, embedder)
        for name, config in (
            ("time awareness off", replace(RetrievalConfig(), time_aware=False)),
            ("time awareness on", RetrievalConfig()),
        ):
            results[name] = evaluate_dated(Answerer(folder, embedder, config), questions)
    n = len(questions)
    print(f"{'':20} {'right':>7} {'before':>7} {'after':>7}  outcomes")
    for name, r in results.items():
        print(
            f"{name:20} {r['right']:>3}/{n} {r['right_before_later_report']:>7} "
            f"{r['right_after_later_report']:>7}  {r['outcomes']}"
        )
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()
