"""Fit the sentence-evidence weights (QuoteWeights) on development questions.

Dev questions: a seeded NewsQA sample disjoint from the 1,000 test questions of
bench/eval_public.py, and the XQuAD questions of its first 24 articles (of 48). The fit
maximises the softmax likelihood that the top sentence holds the gold answer (listwise,
numpy gradient ascent), then prints quote hit@1 on each dev set for the fitted and the
current default weights, as single sentences and with the better neighbour added.
`--step` also prints the weights that share of the way from the defaults to the fit.
`--pipeline` instead asks the dev questions through the whole default pipeline and prints
quote and chunk hit@1 / hit@5, as bench/eval_public.py does for the test questions.

    .venv/bin/python bench/tune_quotes.py [--step 0.25] [--pipeline]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, WORK, newsqa, xquad
from bench.eval_public import run
from index import SentenceEmbedder
from retrieval import Answerer, RetrievalConfig, SearchConfig, check_question
from retrieval.context import make_context
from retrieval.evaluation import load_qa
from retrieval.evidence import QuoteWeights, SentenceFeatures, gather_evidence
from retrieval.quotes import passage_span
from retrieval.recency import TimeWeights, time_bonus
from retrieval.search import retrieve

FEATURES = SentenceFeatures._fields

XQUAD_DEV_ARTICLES = 24


def xquad_dev() -> list[dict]:
    _, items = xquad()
    titles = sorted(
        {i["articles"][0].split("/")[0] for i in items},
        key=lambda t: [i["articles"][0].split("/")[0] for i in items].index(t),
    )
    dev = set(titles[:XQUAD_DEV_ARTICLES])
    return [i for i in items if i["articles"][0].split("/")[0] in dev]


def collect(answerer: Answerer, items: list[dict]) -> list[tuple]:
    """Per question: features of its candidate sentences, and which passages hold the answer.

    Labels: the sentence's own passage, and the passage extended by its previous or next
    sentence (with the row of that neighbour among the candidates, or -1).
    """
    index = answerer.index
    out = []
    for item in items:
        checked = check_question(item["question"], max_chars=10_000)
        as_of = item.get("as_of")
        context = make_context(
            index, checked, answerer.embed_question(checked.text), as_of=as_of, time_aware=True
        )
        evidence = gather_evidence(index, context, retrieve(index, context, answerer.config.search))
        offset = time_bonus(index, context, [e.sentence_id for e in evidence], TimeWeights())
        answers = [a.lower() for a in item["answers"]]
        row_of = {e.sentence_id: n for n, e in enumerate(evidence)}
        feats, single, neighbours = [], [], []
        for e in evidence:
            article, start, end = passage_span(index, e.sentence_id)
            text = index.articles[article].text
            feats.append(e.features)
            single.append(any(a in text[start:end].lower() for a in answers))
            options = []
            for n in (e.sentence_id - 1, e.sentence_id + 1):
                if 0 <= n < len(index.sentence_rows) and index.sentence_rows[n][0] == article:
                    lo = min(start, int(index.sentence_rows[n][1]))
                    hi = max(end, int(index.sentence_rows[n][2]))
                    options.append(
                        (row_of.get(n, -1), any(a in text[lo:hi].lower() for a in answers))
                    )
            neighbours.append(options)
        features = np.array(feats, np.float32).reshape(-1, len(FEATURES))
        out.append((features, np.array(single), neighbours, offset))
    return out


def hit_at_1(data, weights: np.ndarray, *, paired: bool = False) -> float:
    """Share of questions whose top quote holds the answer (paired: best sentence plus its
    better-scoring neighbour)."""
    hits = []
    for f, single, neighbours, offset in data:
        if not len(f):
            hits.append(False)
            continue
        scores = f @ weights + offset
        best = int(np.argmax(scores))
        hit = bool(single[best])
        if paired and neighbours[best]:
            _, label = max(neighbours[best], key=lambda o: scores[o[0]] if o[0] >= 0 else -1e9)
            hit = hit or label
        hits.append(hit)
    return float(np.mean(hits))


def fit(data, *, steps: int = 400, rate: float = 0.5, l2: float = 1e-3) -> np.ndarray:
    """Listwise softmax fit of linear weights (questions with no positive are left out)."""
    usable = [(f, y.astype(np.float32), b) for f, y, _, b in data if len(f) and y.any()]
    w = QuoteWeights().vector().astype(np.float64)
    for _ in range(steps):
        grad = -l2 * w
        for f, y, b in usable:
            s = f @ w + b
            p = np.exp(s - s.max())
            p /= p.sum()
            target = y / y.sum()
            grad += f.T @ (target - p) / len(usable)
        w += rate * grad
    return w.astype(np.float32)


def _pipeline(embedder: SentenceEmbedder, dev: dict[str, list[dict]]) -> None:
    config = RetrievalConfig(min_confidence=0.0)  # first quotes counted whether answered or not
    for name, items in dev.items():
        r = run(Answerer(WORK / name.split("-")[0] / "index", embedder, config), items)
        print(
            f"{name:11} quote hit@1 {r['quote_hit@1']:.3f} hit@5 {r['quote_hit@5']:.3f} | "
            f"chunk hit@1 {r['chunk_hit@1']:.3f} hit@5 {r['chunk_hit@5']:.3f}"
        )


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quote-chunks", type=int, default=SearchConfig().quote_chunks)
    parser.add_argument("--lexical-weight", type=float, default=SearchConfig().lexical_weight)
    parser.add_argument("--step", type=float, default=None)
    parser.add_argument("--pipeline", action="store_true")
    parser.add_argument(
        "--realtimeqa",
        action="store_true",
        help="add the RealTimeQA development questions (var/rtqa/index), each as of its date",
    )
    args = parser.parse_args()
    search = SearchConfig(quote_chunks=args.quote_chunks, lexical_weight=args.lexical_weight)
    config = RetrievalConfig(search=search)
    embedder = SentenceEmbedder()
    dev = {"newsqa-dev": newsqa(sample=1000, seed=1, exclude_seed=0)[1], "xquad-dev": xquad_dev()}
    if args.pipeline:
        _pipeline(embedder, dev)
        return
    sets = {
        name: collect(Answerer(WORK / name.split("-")[0] / "index", embedder, config), items)
        for name, items in dev.items()
    }
    if args.realtimeqa:
        rtqa = [
            {"question": i.question, "answers": list(i.answers), "as_of": i.as_of}
            for i in load_qa(ROOT / "var" / "realtimeqa_dev.jsonl")
            if i.answerable
        ]
        sets["rtqa-dev"] = collect(Answerer(ROOT / "var" / "rtqa" / "index", embedder), rtqa)
    pooled = [row for data in sets.values() for row in data]
    fitted = fit(pooled)
    default = QuoteWeights().vector()
    rows = {"default": default, "fitted": fitted}
    if args.step is not None:
        scale = fitted[0] / default[0]  # the defaults have sentence_dense as their unit
        rows[f"step {args.step:g}"] = default + args.step * (fitted / scale - default)
    print("features:", FEATURES)
    for name, w in rows.items():
        print(f"{name:8}", np.round(w / np.abs(w).max(), 3).tolist())
        for label, data in sets.items():
            print(
                f"   {label:11} hit@1 single {hit_at_1(data, w):.3f}  "
                f"with neighbour {hit_at_1(data, w, paired=True):.3f}"
            )


if __name__ == "__main__":
    main()
