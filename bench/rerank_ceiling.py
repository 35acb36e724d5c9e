"""How far re-ranking the quotes could take hit@1: the share of answerable questions whose
answer stands in one of the first k quotes, for k from 1 to 40, whatever the decision.

A stage that reads question and passage together (a reader or a cross-encoder) would sit
between `rank_sentences` and `assemble_quotes` and re-order the candidates. Its hit@1 can
at best reach the hit@k of the k candidates it reads; this script measures that ceiling
for each question set, with the shipped pipeline (stages 1 to 4, no confidence line):

    .venv/bin/python bench/rerank_ceiling.py [--sets bundled dev newsqa xquad realtimeqa]

- bundled: tests/data/qa.jsonl over corpus/ (the test set; only measured here, not tuned);
- dev: bench/data/dev_qa.jsonl over its corpus (as bench/eval_dev.py builds it);
- newsqa, xquad: the samples of bench/eval_public.py, over the indexes of
  bench/build_public.py (skipped when not built);
- realtimeqa: var/realtimeqa_dev.jsonl over var/rtqa/index (or `--rtqa-index`), each
  question as of its date (skipped when not built; see bench/eval_realtimeqa.py).

Questions are embedded by the encoder each index was built with.

Figures go to bench/results/rerank_ceiling.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, WORK, index_encoder, index_folder, newsqa, write_results, xquad
from bench.eval_dev import QA as DEV_QA
from bench.eval_dev import dev_index
from index import BuildOptions, Embedder, build_index, make_embedder
from retrieval import Answerer, RetrievalConfig
from retrieval.evaluation import QAItem, load_qa, quote_hits

DEPTHS = (1, 2, 3, 5, 10, 20, 40)
RTQA_INDEX = ROOT / "var" / "rtqa" / "index"  # or --rtqa-index
RTQA_QA = ROOT / "var" / "realtimeqa_dev.jsonl"
RESULTS = ROOT / "bench" / "results" / "rerank_ceiling.json"
ALL_QUOTES = RetrievalConfig(min_confidence=0.0)  # no question declined: every quote counts


def items_of(records: list[dict]) -> list[QAItem]:
    return [QAItem(r["question"], tuple(r["answers"]), tuple(r["articles"])) for r in records]


def ceiling(answerer: Answerer, items: list[QAItem]) -> dict[str, float]:
    """hit@k over the answerable items, the first `max(DEPTHS)` quotes of each (the
    answerer's confidence line must be 0, so that every question keeps its quotes)."""
    firsts: list[int | None] = []
    for item in items:
        if not item.answerable:
            continue
        quotes = answerer.ask(item.question, k=max(DEPTHS), as_of=item.as_of).quotes
        hits = (rank for rank, q in enumerate(quotes, 1) if quote_hits(q, item.answers))
        firsts.append(next(hits, None))
    n = len(firsts)
    figures: dict[str, float] = {"answerable": n}
    for k in DEPTHS:
        figures[f"hit@{k}"] = round(sum(1 for f in firsts if f is not None and f <= k) / n, 3)
    return figures


def sets(
    wanted: list[str], embedder: Embedder, rtqa_index: Path
) -> dict[str, tuple[Path, list[QAItem]]]:
    """Each wanted set's index (built when this script can build it) and questions."""
    found: dict[str, tuple[Path, list[QAItem]]] = {}
    if "bundled" in wanted:
        folder = WORK / "bundled" / "index"
        build_index(ROOT / "corpus", folder, embedder, BuildOptions())
        found["bundled"] = (folder, load_qa(ROOT / "tests" / "data" / "qa.jsonl"))
    if "dev" in wanted:
        lines = [json.loads(line) for line in DEV_QA.read_text().splitlines() if line.strip()]
        found["dev"] = (dev_index(embedder, lines), load_qa(DEV_QA))
    for name, load in (("newsqa", newsqa), ("xquad", xquad)):
        if name in wanted:
            if index_folder(name).exists():
                found[name] = (index_folder(name), items_of(load()[1]))
            else:
                print(f"{name}: no index; run bench/build_public.py first", file=sys.stderr)
    if "realtimeqa" in wanted:
        if rtqa_index.exists() and RTQA_QA.exists():
            found["realtimeqa"] = (rtqa_index, load_qa(RTQA_QA))
        else:
            print(
                "realtimeqa: no index or questions; see bench/eval_realtimeqa.py", file=sys.stderr
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    choices = ["bundled", "dev", "newsqa", "xquad", "realtimeqa"]
    parser.add_argument("--sets", nargs="+", default=choices, choices=choices)
    parser.add_argument("--rtqa-index", type=Path, default=RTQA_INDEX)
    args = parser.parse_args()
    fp32 = make_embedder("fp32", cache_dir=ROOT / "var" / "models")
    results = {}
    print(f"{'set':12} {'n':>5} " + " ".join(f"{'hit@' + str(k):>7}" for k in DEPTHS))
    for name, (folder, items) in sets(args.sets, fp32, args.rtqa_index).items():
        encoder = index_encoder(folder)  # questions are embedded as the index was built
        embedder = (
            fp32 if encoder == "fp32" else make_embedder(encoder, cache_dir=ROOT / "var" / "models")
        )
        figures = ceiling(Answerer(folder, embedder, ALL_QUOTES), items)
        results[name] = {"encoder": encoder, **figures}
        row = " ".join(f"{figures[f'hit@{k}']:7.3f}" for k in DEPTHS)
        print(f"{name:12} {figures['answerable']:5} {row}")
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()
