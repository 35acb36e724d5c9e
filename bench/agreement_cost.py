"""What agreement between articles costs a question: `Answerer.ask` with and without it,
interleaved, on the RealTimeQA development questions (each as of its date) over the whole
article file (var/rtqa/index, see bench/eval_realtimeqa.py).

    .venv/bin/python bench/agreement_cost.py [--rounds 3]

Each round asks every question once with agreement and once without, alternating which
goes first, and prints p50/p95 of each and how many first quotes differ. Figures go to
bench/results/agreement_cost.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, index_encoder, write_results
from index import make_embedder
from retrieval import Answerer, RetrievalConfig
from retrieval.evaluation import load_qa

INDEX = ROOT / "var" / "rtqa" / "index"
QA = ROOT / "var" / "realtimeqa_dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    items = [i for i in load_qa(QA) if i.answerable]
    answerer = Answerer(
        INDEX, make_embedder(index_encoder(INDEX), cache_dir=ROOT / "var" / "models")
    )
    answerer.ask("warm up")
    with_it = RetrievalConfig()
    configs = {
        "with agreement": with_it,
        "without": replace(with_it, weights=replace(with_it.weights, agreement=0.0)),
    }
    times: dict[str, list[float]] = {name: [] for name in configs}
    first: dict[str, list[str]] = {name: [] for name in configs}
    for round_ in range(args.rounds):
        order = list(configs) if round_ % 2 == 0 else list(reversed(configs))
        for item in items:
            for name in order:
                answerer.config = configs[name]
                started = time.perf_counter()
                answer = answerer.ask(item.question, k=5, as_of=item.as_of)
                times[name].append((time.perf_counter() - started) * 1000)
                if round_ == 0:
                    first[name].append(answer.quotes[0].text if answer.quotes else "")
    results = {
        name: {
            "p50_ms": float(np.percentile(values, 50)),
            "p95_ms": float(np.percentile(values, 95)),
        }
        for name, values in times.items()
    }
    differ = sum(a != b for a, b in zip(*first.values(), strict=True))
    results["first_quotes_differing"] = {"count": differ, "of": len(items)}
    for name in configs:
        p50, p95 = results[name]["p50_ms"], results[name]["p95_ms"]
        print(f"{name:15} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    print(f"first quotes that differ: {differ} of {len(items)}")
    write_results(ROOT / "bench" / "results" / "agreement_cost.json", results)


if __name__ == "__main__":
    main()
