"""Fit the answer-confidence model (retrieval/confidence.py) on development questions.

Each dev question (a NewsQA sample disjoint from the test sample, and the XQuAD questions
of its first 24 articles) is asked twice: as is, where a top quote holding the gold answer
is a positive example; and with its gold article held out of the candidates, where a top
quote without the gold answer is a negative one, a near miss on a real question. A
logistic regression over the evidence of the top quote is fitted to tell them apart.

    .venv/bin/python bench/tune_abstain.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, WORK, newsqa
from bench.tune_quotes import xquad_dev
from index import SentenceEmbedder
from retrieval import Answerer, check_question
from retrieval.confidence import ConfidenceFeatures, confidence_features
from retrieval.context import make_context
from retrieval.evidence import gather_evidence, rank_sentences
from retrieval.quotes import assemble_quotes
from retrieval.search import retrieve

FEATURES = ConfidenceFeatures._fields

# unknown_share describes the question more than the quote: a held-out negative shares it
# with its positive, so it is not learnt here. cue_missing (the passage lacks the date,
# count, measure or statement the question asks for) is a rule instead of a weight.
MODEL_FEATURES = ("sentence_dense", "chunk_dense", "coverage", "rank")


def top_quote(answerer: Answerer, question: str, hold_out: str | None):
    """(features, text) of the first quote, optionally with one article held out."""
    index = answerer.index
    checked = check_question(question, max_chars=10_000)
    context = make_context(index, checked, answerer.embed_question(checked.text))
    candidates = retrieve(index, context, answerer.config.search)
    if hold_out is not None:
        candidates = [
            c
            for c in candidates
            if index.articles[index.chunk_article(c.chunk_id)].article_id != hold_out
        ]
    ranked = rank_sentences(gather_evidence(index, context, candidates), answerer.config.weights)
    seen: list[tuple[float, ...]] = []

    def record(sentence, passage: str) -> float:
        seen.append(confidence_features(index, context, sentence, passage))
        return 0.0

    weights = answerer.config.weights
    quotes = assemble_quotes(index, context, ranked, k=1, weights=weights, confidence=record)
    return (seen[0], quotes[0].text) if quotes else (None, "")


def examples(answerer: Answerer, items: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for item in items:
        answers = [a.lower() for a in item["answers"]]
        feats, text = top_quote(answerer, item["question"], None)
        if feats is not None and any(a in text.lower() for a in answers):
            rows.append(feats)
            labels.append(1)
        feats, text = top_quote(answerer, item["question"], item["articles"][0])
        if feats is not None and not any(a in text.lower() for a in answers):
            rows.append(feats)
            labels.append(0)
    return np.array(rows, dtype=np.float64), np.array(labels)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, *, steps: int = 3000, rate: float = 0.5, l2: float = 1e-3
) -> tuple[float, np.ndarray]:
    """Plain logistic regression on standardised features; coefficients in raw units."""
    mean, std = x.mean(0), x.std(0) + 1e-9
    z = (x - mean) / std
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w += rate * (z.T @ (y - p) / len(y) - l2 * w)
        b += rate * float(np.mean(y - p))
    raw = w / std
    return b - float(raw @ mean), raw


def report(name: str, p: np.ndarray, y: np.ndarray, threshold: float) -> None:
    answered = p >= threshold
    precision = (y[answered] == 1).mean() if answered.any() else float("nan")
    print(
        f"  {name:12} answered {answered.mean():.2f}  precision {precision:.3f}  "
        f"positives kept {answered[y == 1].mean():.3f}  "
        f"negatives declined {(~answered[y == 0]).mean():.3f}"
    )


def main() -> None:
    embedder = SentenceEmbedder()
    cache = WORK / "abstain_examples.npz"
    if "--reuse" in sys.argv and cache.exists():  # refit without asking everything again
        saved = np.load(cache)
        sets = {n: (saved[f"{n}-x"], saved[f"{n}-y"]) for n in ("newsqa-dev", "xquad-dev")}
    else:
        _, dev = newsqa(sample=1000, seed=1, exclude_seed=0)
        sets = {
            "newsqa-dev": examples(Answerer(WORK / "newsqa" / "index", embedder), dev),
            "xquad-dev": examples(Answerer(WORK / "xquad" / "index", embedder), xquad_dev()),
        }
        np.savez(
            cache, **{f"{n}-{k}": v for n, (x, y) in sets.items() for k, v in (("x", x), ("y", y))}
        )
    x = np.concatenate([s[0] for s in sets.values()])
    y = np.concatenate([s[1] for s in sets.values()])
    used = [FEATURES.index(f) for f in MODEL_FEATURES]
    bias, fitted = fit_logistic(x[:, used], y)
    weights = np.zeros(len(FEATURES))
    weights[used] = fitted
    print("features:", FEATURES)
    for name, (xs, ys) in sets.items():
        strict = xs[:, FEATURES.index("cue_missing")] > 0
        print(
            f"  {name}: rule 'the passage lacks what the question demands' declines "
            f"{strict[ys == 1].mean():.3f} of positives, {strict[ys == 0].mean():.3f} of negatives"
        )
    print(f"bias={bias:.3f}, weights=({', '.join(f'{w:.3f}' for w in weights)})")
    for threshold in (0.4, 0.5, 0.6):
        print(f"threshold {threshold}")
        for name, (xs, ys) in sets.items():
            report(name, 1 / (1 + np.exp(-(xs @ weights + bias))), ys, threshold)
    bundled = [
        json.loads(line)
        for name in ("qa.jsonl", "near_topic.jsonl")
        for line in (ROOT / "tests/data" / name).read_text().splitlines()
        if line
    ]
    answerer = Answerer(ROOT / "var/index", embedder)
    print("bundled questions (p of the top quote):")
    for item in bundled:
        feats, _ = top_quote(answerer, item["question"], None)
        p = 1 / (1 + np.exp(-(np.array(feats) @ weights + bias))) if feats else 0.0
        rule = feats is not None and feats[FEATURES.index("cue_missing")] > 0
        print(
            f"  {'A' if item['answers'] else 'U'} {p:.2f} {'no-cue' if rule else '      '} "
            f"{item['question'][:70]}"
        )


if __name__ == "__main__":
    main()
