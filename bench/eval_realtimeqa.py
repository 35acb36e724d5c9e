"""RealTimeQA development questions: quote hit@1, hit@5 and source recall@3 with time
awareness off, with only the as-of filter, and on, in one run.

The index is the whole RealTimeQA article file as one corpus (5,270 articles):

    mkdir -p var/rtqa/corpus
    ln -sf "$PWD/../shared/data/realtimeqa/articles.jsonl" var/rtqa/corpus/articles.jsonl
    .venv/bin/newsdesk index build --corpus var/rtqa/corpus --index var/rtqa/index
    .venv/bin/python bench/realtimeqa_qa.py        # writes var/realtimeqa_dev.jsonl
    .venv/bin/python bench/eval_realtimeqa.py              # with the reader, as shipped
    .venv/bin/python bench/eval_realtimeqa.py --reader off  # matching alone

Each question is asked as of its quiz date. A hit is an answered question whose quote at
that rank holds a gold answer (case-insensitive), as in `newsdesk eval`. These questions
are development data: the time weights were fitted on them (bench/tune_time.py).
Questions are embedded by the encoder the index was built with. Figures go to
bench/results/eval_realtimeqa.json (`_int8` added for an int8 index, `_no_reader` for
matching alone).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, index_encoder, results_file, write_results
from index import make_embedder
from index.reader_model import Reader
from retrieval import Answerer, RetrievalConfig
from retrieval.evaluation import QAItem, load_qa, quote_hits
from retrieval.recency import NO_TIME_WEIGHTS

INDEX = ROOT / "var" / "rtqa" / "index"
QA = ROOT / "var" / "realtimeqa_dev.jsonl"
MODES = {
    "time awareness off": replace(RetrievalConfig(), time_aware=False),
    "as-of filter only": replace(RetrievalConfig(), time=NO_TIME_WEIGHTS),
    "time awareness on": RetrievalConfig(),
}


def score(answerer: Answerer, items: list[QAItem], config: RetrievalConfig) -> dict[str, float]:
    """Quote hit@1, hit@3, hit@5, source recall@3, declined and latency over `items`."""
    answerer.config = config
    ranks, recalls, declined, latencies = [], [], 0, []
    for item in items:
        answer = answerer.ask(item.question, k=5, as_of=item.as_of)
        latencies.append(answer.latency_ms)
        if not answer.answered:
            declined += 1
            ranks.append(None)
            recalls.append(0.0)
            continue
        hit = [r for r, q in enumerate(answer.quotes, 1) if quote_hits(q, item.answers)]
        ranks.append(hit[0] if hit else None)
        cited = {s.article_id for q in answer.quotes[:3] for s in q.sources}
        recalls.append(len(cited & set(item.articles)) / max(len(item.articles), 1))
    n = len(items)
    return {
        "questions": n,
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "hit@5": sum(r is not None for r in ranks) / n,
        "source_recall@3": float(np.mean(recalls)),
        "declined": declined,
        "latency_p50_ms": float(np.percentile(latencies, 50)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=INDEX)
    parser.add_argument("--qa", type=Path, default=QA)
    parser.add_argument("--reader", default="int8", choices=["fp32", "int8", "off"])
    args = parser.parse_args()
    items = [i for i in load_qa(args.qa) if i.answerable]
    encoder = index_encoder(args.index)
    cache = ROOT / "var" / "models"
    reader = None if args.reader == "off" else Reader(cache_dir=cache, precision=args.reader)
    answerer = Answerer(args.index, make_embedder(encoder, cache_dir=cache), reader=reader)
    answerer.ask("warm up")
    results = {name: score(answerer, items, config) for name, config in MODES.items()}
    print(
        f"RealTimeQA development questions ({len(items)}), {args.index} ({encoder}), "
        f"reader {args.reader}"
    )
    print(
        f"{'':20} {'hit@1':>6} {'hit@3':>6} {'hit@5':>6} {'src@3':>6} {'declined':>8} {'p50 ms':>7}"
    )
    for name, r in results.items():
        print(
            f"{name:20} {r['hit@1']:6.3f} {r['hit@3']:6.3f} {r['hit@5']:6.3f} "
            f"{r['source_recall@3']:6.3f} {r['declined']:8d} {r['latency_p50_ms']:7.1f}"
        )
    stem = "eval_realtimeqa" if reader else "eval_realtimeqa_no_reader"
    write_results(results_file(stem, encoder), {"reader": args.reader, **results})


if __name__ == "__main__":
    main()
