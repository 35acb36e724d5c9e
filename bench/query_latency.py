"""Warm, in-process latency of one answer call, and where the time goes.

Asks every question of tests/data/qa.jsonl over the bundled corpus, the 174 RealTimeQA
development questions, each as of its date, over the whole RealTimeQA article file
(var/rtqa/index, see bench/eval_realtimeqa.py), and 1,000 NewsQA questions over the NewsQA
corpus (2,201 articles; built by bench/build_public.py), three rounds each after a
warm-up, and prints p50/p95 of `Answerer.ask` and the median share spent embedding the
question, searching (FAISS + BM25 + fusion) and choosing quotes (with the dates in them).
A corpus whose index has not been built is skipped.

    .venv/bin/python bench/query_latency.py

Figures go to bench/results/query_latency.json.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, WORK, newsqa, write_results
from index import SentenceEmbedder, build_index
from retrieval import Answerer
from retrieval.evaluation import load_qa

ROUNDS = 3


def measure(
    answerer: Answerer, questions: list[str], as_of: list[dt.date | None] | None = None
) -> dict[str, float]:
    days = as_of or [None] * len(questions)
    for question, day in list(zip(questions, days, strict=True))[:20]:
        answerer.ask(question, as_of=day)
    totals, parts = [], {"embed": [], "search": [], "quote": []}
    for _ in range(ROUNDS):
        for question, day in zip(questions, days, strict=True):
            answer = answerer.ask(question, as_of=day)
            totals.append(answer.latency_ms)
            for name in parts:
                parts[name].append(answer.timings_ms[name])
    total = float(np.sum(totals))
    return {
        "questions": len(questions),
        "calls": len(totals),
        "p50_ms": float(np.percentile(totals, 50)),
        "p95_ms": float(np.percentile(totals, 95)),
        **{f"median_{k}_ms": float(np.median(v)) for k, v in parts.items()},
        **{f"share_{k}": float(np.sum(v)) / total for k, v in parts.items()},
    }


def main() -> None:
    embedder = SentenceEmbedder()
    bundled_questions = [
        json.loads(x)["question"]
        for x in (ROOT / "tests/data/qa.jsonl").read_text().splitlines()
        if x
    ]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        build_index(ROOT / "corpus", Path(tmp) / "index", embedder)
        results["bundled corpus (5 articles)"] = measure(
            Answerer(Path(tmp) / "index", embedder), bundled_questions
        )
    rtqa = ROOT / "var" / "rtqa" / "index"
    if rtqa.exists():
        items = [i for i in load_qa(ROOT / "var" / "realtimeqa_dev.jsonl") if i.answerable]
        results["RealTimeQA corpus (5,270 articles)"] = measure(
            Answerer(rtqa, embedder), [i.question for i in items], [i.as_of for i in items]
        )
    if (WORK / "newsqa" / "index").exists():
        _, records = newsqa()
        results["NewsQA corpus (2,201 articles)"] = measure(
            Answerer(WORK / "newsqa" / "index", embedder), [i["question"] for i in records]
        )
    print(f"{'corpus':36} {'p50 ms':>8} {'p95 ms':>8} {'embed':>7} {'search':>7} {'quote':>7}")
    for name, r in results.items():
        print(
            f"{name:36} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['share_embed']:7.0%} "
            f"{r['share_search']:7.0%} {r['share_quote']:7.0%}"
        )
    out = ROOT / "bench" / "results" / "query_latency.json"
    write_results(out, results)


if __name__ == "__main__":
    main()
