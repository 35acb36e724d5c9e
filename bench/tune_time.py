"""Fit the time weights (`TimeWeights`): the recency prior's half-life and strength, and the
window preference, on development data only: the RealTimeQA development questions
(var/realtimeqa_dev.jsonl over var/rtqa/index, see bench/eval_realtimeqa.py) and the dated
test set (tests/data/dated).

A question is of one kind: it names a window, asks for the latest state of things (present
tense, or what is still to come), or neither; each weight moves only its own kind's answers.
So every grid point sets the three weights to one value, and the best value is read off per
kind: most RealTimeQA first-quote hits, then most dated questions right, then the smaller
weight. The half-life is shared.

    .venv/bin/python bench/tune_time.py

Prints the grid and the fit; writes bench/results/tune_time.json.
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
from bench.eval_dated import DATED, dated_outcome
from bench.eval_realtimeqa import INDEX, QA
from index import SentenceEmbedder, build_index
from retrieval import Answerer, RetrievalConfig, check_question
from retrieval.evaluation import load_qa, quote_hits
from retrieval.recency import TimeWeights
from retrieval.timeframe import question_timeframe

HALF_LIVES = (7.0, 30.0, 120.0)
STRENGTHS = (0.0, 0.1, 0.3, 0.8)
RESULTS = ROOT / "bench" / "results" / "tune_time.json"


def kind_of(question: str, as_of: dt.date) -> str:
    """ "window", "latest" or "none": which time weight moves the question's answers."""
    timeframe = question_timeframe(question, as_of)
    if timeframe.window is not None:
        return "window"
    future = check_question(question, max_chars=10_000).future
    return "latest" if timeframe.present or future else "none"


def main() -> None:
    embedder = SentenceEmbedder()
    rtqa = [i for i in load_qa(QA) if i.answerable]
    dated = [json.loads(x) for x in (DATED / "questions.jsonl").read_text("utf-8").splitlines()]
    rtqa_kinds = [kind_of(i.question, i.as_of or dt.date.today()) for i in rtqa]
    dated_kinds = [kind_of(q["question"], dt.date.fromisoformat(q["as_of"])) for q in dated]
    big = Answerer(INDEX, embedder)
    grid: dict[str, dict[str, dict[str, int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        build_index(DATED / "corpus", Path(tmp) / "index", embedder)
        small = Answerer(Path(tmp) / "index", embedder)
        for half_life in HALF_LIVES:
            for strength in STRENGTHS:
                weights = TimeWeights(strength, strength, half_life, strength)
                config = replace(RetrievalConfig(), time=weights)
                big.config = small.config = config
                counts = {k: {"rtqa": 0, "dated": 0} for k in ("window", "latest", "none")}
                for item, kind in zip(rtqa, rtqa_kinds, strict=True):
                    answer = big.ask(item.question, as_of=item.as_of)
                    hit = answer.answered and quote_hits(answer.quotes[0], item.answers)
                    counts[kind]["rtqa"] += int(hit)
                for question, kind in zip(dated, dated_kinds, strict=True):
                    as_of = dt.date.fromisoformat(question["as_of"])
                    answer = small.ask(question["question"], as_of=as_of)
                    counts[kind]["dated"] += dated_outcome(answer, question) == "right"
                grid[f"{half_life:g}/{strength:g}"] = counts
                print(half_life, strength, counts, flush=True)
    fit = {}
    for half_life in HALF_LIVES:
        chosen, total = {}, {"rtqa": 0, "dated": 0}
        for kind in ("window", "latest", "none"):
            options = [
                (
                    grid[f"{half_life:g}/{s:g}"][kind]["rtqa"],
                    grid[f"{half_life:g}/{s:g}"][kind]["dated"],
                    -s,
                )
                for s in STRENGTHS
            ]
            best = max(options)
            chosen[kind] = -best[2]
            total["rtqa"] += best[0]
            total["dated"] += best[1]
        fit[f"{half_life:g}"] = {"weights": chosen, **total}
    best_half_life = max(fit, key=lambda h: (fit[h]["rtqa"], fit[h]["dated"]))
    summary = {
        "questions": {"rtqa": len(rtqa), "dated": len(dated)},
        "kinds": {
            "rtqa": {k: rtqa_kinds.count(k) for k in ("window", "latest", "none")},
            "dated": {k: dated_kinds.count(k) for k in ("window", "latest", "none")},
        },
        "grid": grid,
        "fit_per_half_life": fit,
        "best_half_life": best_half_life,
    }
    print(json.dumps({"kinds": summary["kinds"], "fit": fit, "best": best_half_life}, indent=1))
    write_results(RESULTS, summary)


if __name__ == "__main__":
    main()
