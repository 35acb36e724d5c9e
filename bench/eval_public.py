"""Answer quality on public data no one here wrote: NewsQA (1,000 seeded questions) and XQuAD.

For each set it indexes the articles (bench/build_public.py), then asks every question
through several pipelines and prints one table: hit@1 and hit@5 of a quote (a sentence or
two) holding the gold answer, the same for the top chunks, and the share the full pipeline
answers at its default confidence line. Pipelines: BM25 alone, dense alone, the full
hybrid, and the full hybrid without each question cue (ablations).

    .venv/bin/python bench/build_public.py && .venv/bin/python bench/eval_public.py

Figures go to bench/results/eval_public.json. With `--encoder int8` (after
`bench/build_public.py --encoder int8`) only the full pipeline runs, over the int8 indexes,
for the encoders' answer parity; figures go to bench/results/eval_public_int8.json.
"""

from __future__ import annotations

import argparse
import json
import string
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, index_folder, newsqa, results_file, xquad
from index import Reader, make_embedder
from index.reader_model import MODEL_DIR
from retrieval import Answerer, Quote, RetrievalConfig, check_question
from retrieval.context import make_context
from retrieval.evidence import QuoteWeights
from retrieval.search import retrieve
from retrieval.service import DEFAULT_MIN_CONFIDENCE

FULL = RetrievalConfig(min_confidence=0.0)
READ = "full pipeline + reader"  # the full pipeline with the trained reader's stage
W = QuoteWeights()
PIPELINES = {
    "bm25 alone": replace(
        FULL,
        search=replace(FULL.search, dense_weight=0.0),
        cue_kinds=frozenset(),
        weights=replace(W, sentence_dense=0.0, chunk_dense=0.0, cue=0.0, lead=0.0),
    ),
    "dense alone": replace(
        FULL,
        search=replace(FULL.search, lexical_weight=0.0),
        cue_kinds=frozenset(),
        weights=replace(W, lexical=0.0, chunk_lexical=0.0, passage_lexical=0.0, cue=0.0, lead=0.0),
    ),
    "full pipeline": FULL,
    READ: FULL,
    "full, no 'when' cue": replace(FULL, cue_kinds=FULL.cue_kinds - {"when"}),
    "full, no 'who' cue": replace(FULL, cue_kinds=FULL.cue_kinds - {"who"}),
    "full, no 'how many' cue": replace(FULL, cue_kinds=FULL.cue_kinds - {"number"}),
    "full, no 'where' cue": replace(FULL, cue_kinds=FULL.cue_kinds - {"where"}),
    "full, no lead bonus": replace(FULL, weights=replace(W, lead=0.0)),
}


def contains(text: str, answers: list[str]) -> bool:
    low = text.lower()
    return any(a.lower() in low for a in answers)


def normalise(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, articles or extra spaces."""
    text = "".join(c for c in text.lower() if c not in string.punctuation)
    return " ".join(w for w in text.split() if w not in ("a", "an", "the"))


def answer_words_match(quote: Quote, answers: list[str]) -> bool:
    """The quote's bold words are a gold answer (exact match, SQuAD-normalised)."""
    if quote.highlight is None:
        return False
    words = normalise(quote.text[quote.highlight[0] : quote.highlight[1]])
    return any(words == normalise(a) for a in answers)


def run(answerer: Answerer, items: list[dict]) -> dict[str, float]:
    quote_hits, chunk_hits, answered, words, exact = [], [], [], [], []
    index = answerer.index
    for item in items:
        answer = answerer.ask(item["question"], k=5)
        hits = [contains(q.text, item["answers"]) for q in answer.quotes]
        quote_hits.append((hits[:1] == [True], any(hits[:5])))
        answered.append(bool(answer.quotes) and answer.quotes[0].score >= DEFAULT_MIN_CONFIDENCE)
        exact.append(bool(answer.quotes) and answer_words_match(answer.quotes[0], item["answers"]))
        words.extend(len(q.text.split()) for q in answer.quotes[:1])
        checked = check_question(item["question"], max_chars=10_000)
        context = make_context(index, checked, answerer.embed_question(checked.text))
        candidates = retrieve(index, context, answerer.config.search)
        chunks = [contains(index.chunk_text(c.chunk_id), item["answers"]) for c in candidates[:5]]
        chunk_hits.append((chunks[:1] == [True], any(chunks)))
    q, c = np.array(quote_hits), np.array(chunk_hits)
    return {
        "quote_hit@1": float(q[:, 0].mean()),
        "quote_hit@5": float(q[:, 1].mean()),
        "chunk_hit@1": float(c[:, 0].mean()),
        "chunk_hit@5": float(c[:, 1].mean()),
        "answered_share": float(np.mean(answered)),
        "quote_words_median": float(np.median(words)),
        "answer_words_em@1": float(np.mean(exact)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="fp32", choices=["fp32", "int8"])
    parser.add_argument("--only", help="Run only these pipelines (comma-separated names).")
    parser.add_argument("--reader", default="int8", choices=["fp32", "int8"])
    parser.add_argument("--reader-model", type=Path, default=MODEL_DIR, help="Its folder.")
    args = parser.parse_args()
    encoder = args.encoder
    reader = Reader(args.reader_model, cache_dir=ROOT / "var" / "models", precision=args.reader)
    embedder = make_embedder(encoder, cache_dir=ROOT / "var" / "models")
    pipelines = PIPELINES if encoder == "fp32" else {"full pipeline": FULL}
    if args.only:
        pipelines = {name: pipelines[name] for name in args.only.split(",")}
    sets = {
        "XQuAD (1,190)": ("xquad", xquad()[1]),
        "NewsQA (1,000, seed 0)": ("newsqa", newsqa()[1]),
    }
    results: dict[str, dict[str, dict[str, float]]] = {}
    started = time.perf_counter()
    for label, (name, items) in sets.items():
        for pipeline, config in pipelines.items():
            answerer = Answerer(
                index_folder(name, encoder),
                embedder,
                config,
                reader=reader if pipeline == READ else None,
            )
            results.setdefault(pipeline, {})[label] = run(answerer, items)
            r = results[pipeline][label]
            print(
                f"{label:24} {pipeline:26} quote hit@1 {r['quote_hit@1']:.3f} hit@5 "
                f"{r['quote_hit@5']:.3f} | chunk hit@1 {r['chunk_hit@1']:.3f} hit@5 "
                f"{r['chunk_hit@5']:.3f} | answered {r['answered_share']:.2f}",
                flush=True,
            )
    stem = (
        "eval_public"
        if not args.only
        else "eval_public_" + args.only.split(",")[0].replace(" ", "_").replace("+", "and")
    )
    out = results_file(stem, encoder)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"seconds": time.perf_counter() - started, "results": results}, indent=2) + "\n"
    )
    print(
        "\n| pipeline | "
        + " | ".join(f"{s} quote hit@1 / hit@5 | chunk hit@1 / hit@5" for s in sets)
        + " |"
    )
    print("|---" * (1 + 2 * len(sets)) + "|")
    for pipeline, per_set in results.items():
        cells = []
        for s in sets:
            r = per_set[s]
            cells.append(f"{r['quote_hit@1']:.3f} / {r['quote_hit@5']:.3f}")
            cells.append(f"{r['chunk_hit@1']:.3f} / {r['chunk_hit@5']:.3f}")
        print(f"| {pipeline} | " + " | ".join(cells) + " |")
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
