"""What storing each sentence's terms at build time saves a question, on the RealTimeQA archive.

Opens the archive index twice in one process: as built (sentence terms stored) and as an
index from before they were stored (a hard-linked copy of the same folder without the two
term files, so the quote stage tokenizes every candidate sentence). Asks the 174
RealTimeQA development questions, each as of its date, against both in turn, four rounds
after a warm-up, and prints the median of each round's median latency, whole call and quote
stage, and how many questions got the same quotes from both.

    .venv/bin/python bench/sentence_terms.py

Needs var/rtqa/index and var/realtimeqa_dev.jsonl (see bench/eval_realtimeqa.py); questions
are embedded by the encoder the index was built with (fp32 or int8). Figures go to
bench/results/sentence_terms.json.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, index_encoder, write_results
from index import make_embedder
from index.store import SENTENCE_TERM_COUNTS, SENTENCE_TERMS
from retrieval import Answerer
from retrieval.evaluation import QAItem, load_qa

INDEX = ROOT / "var" / "rtqa" / "index"
QA = ROOT / "var" / "realtimeqa_dev.jsonl"
RESULTS = ROOT / "bench" / "results" / "sentence_terms.json"
ROUNDS = 4


def copy_without_terms(folder: Path, target: Path) -> Path:
    """A hard-linked copy of the index folder without its stored sentence terms."""
    for source in folder.rglob("*"):
        place = target / source.relative_to(folder)
        if source.is_dir():
            place.mkdir(parents=True, exist_ok=True)
        elif source.name not in (SENTENCE_TERMS, SENTENCE_TERM_COUNTS):
            place.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, place)
    return target


def round_medians(answerer: Answerer, items: list[QAItem]) -> tuple[float, float]:
    """Median whole-call and quote-stage milliseconds over one round of the questions."""
    totals, quotes = [], []
    for item in items:
        answer = answerer.ask(item.question, as_of=item.as_of)
        totals.append(answer.latency_ms)
        quotes.append(answer.timings_ms["quote"])
    return float(np.median(totals)), float(np.median(quotes))


def main() -> None:
    items = [i for i in load_qa(QA) if i.answerable]
    encoder = index_encoder(INDEX)
    embedder = make_embedder(encoder, cache_dir=ROOT / "var" / "models")
    with tempfile.TemporaryDirectory(dir=ROOT / "var") as tmp:
        answerers = {
            "terms stored": Answerer(INDEX, embedder),
            "tokenized per question": Answerer(
                copy_without_terms(INDEX.resolve(), Path(tmp) / "index"), embedder
            ),
        }
        for answerer in answerers.values():
            round_medians(answerer, items[:20])
        rounds: dict[str, list[tuple[float, float]]] = {name: [] for name in answerers}
        for _ in range(ROUNDS):
            for name, answerer in answerers.items():
                rounds[name].append(round_medians(answerer, items))
        stored, tokenized = answerers.values()
        same = sum(
            [q.text for q in stored.ask(i.question, as_of=i.as_of).quotes]
            == [q.text for q in tokenized.ask(i.question, as_of=i.as_of).quotes]
            for i in items
        )
    results: dict = {
        "encoder": encoder,
        "questions": len(items),
        "rounds": ROUNDS,
        "same_quotes": same,
    }
    for name, values in rounds.items():
        results[name] = {
            "p50_ms": float(np.median([t for t, _ in values])),
            "quote_ms": float(np.median([q for _, q in values])),
        }
        print(
            f"{name:24} p50 {results[name]['p50_ms']:5.1f} ms, "
            f"quote stage {results[name]['quote_ms']:4.1f} ms"
        )
    print(f"same quotes for {same} of {len(items)} questions")
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()
