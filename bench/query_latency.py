"""Warm, in-process latency of one answer call, and where the time goes.

Asks every question of tests/data/qa.jsonl over the bundled corpus, the 174 RealTimeQA
development questions, each as of its date, over the whole RealTimeQA article file
(var/rtqa/index, see bench/eval_realtimeqa.py), and 1,000 NewsQA questions over the NewsQA
corpus (2,201 articles; built by bench/build_public.py), three rounds each after a
warm-up, and prints p50/p95 of `Answerer.ask` and the median share spent embedding the
question, searching (FAISS + BM25 + fusion) and choosing quotes (with the dates in them).
A corpus whose index has not been built is skipped. Questions are embedded as the commands
embed them (the default fp32 encoder: the model's fused fp32 ONNX export, two threads);
the median time of one question's embedding alone is printed for it, for it on one thread
and for the torch model.

    .venv/bin/python bench/query_latency.py [--reader int8|fp32|off]

Answers are read by the trained reader as `NEWSDESK_READER` asks (int8 by default).

Figures go to bench/results/query_latency.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, WORK, newsqa, write_results
from index import Embedder, Reader, SentenceEmbedder, build_index, make_embedder
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


def embedding_ms(embedder: Embedder, questions: list[str]) -> float:
    """Median milliseconds to embed one question, after a warm-up."""
    for question in questions[:10]:
        embedder.embed([question])
    times = []
    for _ in range(ROUNDS):
        for question in questions:
            started = time.perf_counter()
            embedder.embed([question])
            times.append((time.perf_counter() - started) * 1000)
    return float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", default="int8", choices=["fp32", "int8", "off"])
    reader_mode = parser.parse_args().reader
    torch_model = SentenceEmbedder()
    cache = ROOT / "var" / "models"
    embedder = make_embedder("fp32", cache_dir=cache, threads=2)
    reader = None if reader_mode == "off" else Reader(cache_dir=cache, precision=reader_mode)
    one_thread = make_embedder("fp32", cache_dir=cache, threads=1)
    bundled_questions = [
        json.loads(x)["question"]
        for x in (ROOT / "tests/data/qa.jsonl").read_text().splitlines()
        if x
    ]
    results: dict[str, dict[str, float]] = {
        "question embedding alone": {
            "question_encoder_ms": embedding_ms(embedder, bundled_questions),
            "question_encoder_one_thread_ms": embedding_ms(one_thread, bundled_questions),
            "torch_ms": embedding_ms(torch_model, bundled_questions),
        }
    }
    with tempfile.TemporaryDirectory() as tmp:
        build_index(ROOT / "corpus", Path(tmp) / "index", embedder)
        results["bundled corpus (5 articles)"] = measure(
            Answerer(Path(tmp) / "index", embedder, reader=reader), bundled_questions
        )
    rtqa = ROOT / "var" / "rtqa" / "index"
    if rtqa.exists():
        items = [i for i in load_qa(ROOT / "var" / "realtimeqa_dev.jsonl") if i.answerable]
        results["RealTimeQA corpus (5,270 articles)"] = measure(
            Answerer(rtqa, embedder, reader=reader),
            [i.question for i in items],
            [i.as_of for i in items],
        )
    if (WORK / "newsqa" / "index").exists():
        _, records = newsqa()
        results["NewsQA corpus (2,201 articles)"] = measure(
            Answerer(WORK / "newsqa" / "index", embedder, reader=reader),
            [i["question"] for i in records],
        )
    alone = results["question embedding alone"]
    print(
        f"one question embedded: {alone['question_encoder_ms']:.1f} ms with two threads, "
        f"{alone['question_encoder_one_thread_ms']:.1f} ms with one "
        f"(torch fp32: {alone['torch_ms']:.1f} ms)"
    )
    print(f"{'corpus':36} {'p50 ms':>8} {'p95 ms':>8} {'embed':>7} {'search':>7} {'quote':>7}")
    for name, r in list(results.items())[1:]:
        print(
            f"{name:36} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['share_embed']:7.0%} "
            f"{r['share_search']:7.0%} {r['share_quote']:7.0%}"
        )
    out = ROOT / "bench" / "results" / "query_latency.json"
    write_results(out, results)


if __name__ == "__main__":
    main()
