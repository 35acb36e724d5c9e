"""Fit how the reader joins the ranking and the decision (retrieval/reading.py ReaderWeights),
on development data only.

Sets: the development set (bench/data/dev_qa.jsonl, with its unanswerable questions), the
NewsQA development sample (seed 1, disjoint from the seed-0 test sample) and the XQuAD
questions of its first 24 articles (the development half). For each question the pipeline
runs to its ranked sentences; the reader reads the first `--candidates`; for each of them
is recorded its ranking key, the reader's probability, the matching confidence of the passage
quoted for it, and whether that passage holds a gold answer.

Then, on those records:
- `rank`: the weight of the reader's probability in the ranking key that gives the most
  first quotes holding the answer (summed over the sets, each set weighted equally);
- `confidence_*` and `bias`: a logistic regression of "the first quote answers" (holds a
  gold answer of an answerable question) on the logits of the matching confidence and the
  reader's probability, for the first quote after re-ranking;
- the decline line: the smallest confidence line that declines no more answerable
  development questions than the targets allow, and the shares it declines.

    .venv/bin/python bench/build_public.py && .venv/bin/python bench/tune_reader.py

Figures go to bench/results/tune_reader.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import string
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, index_folder, newsqa, write_results
from bench.eval_dev import QA, dev_index
from bench.tune_quotes import xquad_dev
from index import make_embedder
from index.reader_model import MODEL_DIR, Reader
from retrieval import Answerer, check_question
from retrieval.confidence import confidence_features
from retrieval.context import make_context
from retrieval.evidence import SentenceTerms, agreement_bonus, gather_evidence, rank_sentences
from retrieval.quotes import passage_span
from retrieval.reading import previous_sentence
from retrieval.recency import time_bonus
from retrieval.search import retrieve

RESULTS = ROOT / "bench" / "results" / "tune_reader.json"
MATCH_LINE = 0.15  # retrieval's decline line on the matching confidence


def collect(answerer: Answerer, reader: Reader, items: list[dict], n: int) -> list[dict]:
    """Per question: the first `n` ranked sentences' keys, reader probabilities, matching
    confidences and labels."""
    index, config = answerer.index, answerer.config
    out = []
    for item in items:
        checked = check_question(item["question"], max_chars=10_000)
        if checked.kind not in config.cue_kinds:
            checked = replace(checked, kind=None)
        as_of = item.get("as_of")
        day = None if as_of is None else dt.date.fromisoformat(as_of)
        vector = answerer.embed_question(checked.text)
        context = make_context(index, checked, vector, as_of=day, time_aware=config.time_aware)
        candidates = retrieve(index, context, config.search)
        terms = SentenceTerms(index, context.terms)
        evidence = gather_evidence(index, context, candidates, terms)
        ids = [e.sentence_id for e in evidence]
        bonus = time_bonus(index, context, ids, config.time)
        bonus = bonus + agreement_bonus(index, context, evidence, config.weights)
        ranked = rank_sentences(evidence, config.weights, bonus)[:n]
        answers = [a.lower() for a in item["answers"]]
        scores = {s.sentence_id: s.score for s in ranked}
        rows = []
        texts = [
            (previous_sentence(index, s.sentence_id), index.sentence_text(s.sentence_id))
            for s in ranked
        ]
        read = reader.score(checked.text, texts) if texts else []
        for s, r in zip(ranked, read, strict=True):
            article, start, end = passage_span(index, s.sentence_id, context, scores, terms)
            passage = index.articles[article].text[start:end]
            match = config.confidence.probability(confidence_features(index, context, s, passage))
            span = None
            if r.span is not None:
                span = texts[len(rows)][1][r.span[0] : r.span[1]]
            rows.append(
                {
                    "key": s.rank,
                    "p": r.probability,
                    "match": match,
                    "hit": any(a in passage.lower() for a in answers) if answers else False,
                    "span": span,
                    "span_p": r.span_probability,
                }
            )
        out.append({"answerable": bool(answers), "answers": item["answers"], "rows": rows})
    return out


def normalise(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, articles or extra spaces."""
    text = "".join(c for c in text.lower() if c not in string.punctuation)
    return " ".join(w for w in text.split() if w not in ("a", "an", "the"))


def joined_p(row: dict, conf: dict) -> float:
    z = conf["bias"] + conf["match"] * logit(row["match"]) + conf["reader"] * logit(row["p"])
    return 1 / (1 + math.exp(-z))


def first_after(rows: list[dict], weight: float) -> dict | None:
    if not rows:
        return None
    return max(rows, key=lambda r: r["key"] + weight * r["p"])


def hit_at_1(data: list[dict], weight: float) -> float:
    answerable = [q for q in data if q["answerable"]]
    return float(
        np.mean([bool((f := first_after(q["rows"], weight)) and f["hit"]) for q in answerable])
    )


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 50) -> np.ndarray:
    """Newton's method for a logistic regression with a bias (last weight) and an L2 term."""
    x = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ w))
        grad = x.T @ (p - y) + l2 * np.r_[w[:-1], 0]
        hess = (x.T * (p * (1 - p))) @ x + l2 * np.diag(np.r_[np.ones(len(w) - 1), 0])
        w -= np.linalg.solve(hess, grad)
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--sample", type=int, default=400, help="NewsQA dev questions.")
    parser.add_argument("--sets", default="dev,newsqa-dev,xquad-dev")
    parser.add_argument("--model", type=Path, default=MODEL_DIR, help="The reader's folder.")
    args = parser.parse_args()
    embedder = make_embedder("fp32", cache_dir=ROOT / "var" / "models")
    reader = Reader(args.model, cache_dir=ROOT / "var" / "models")
    dev_items = [json.loads(line) for line in QA.read_text().splitlines() if line.strip()]
    sets = {
        "dev": (dev_index(embedder, dev_items), dev_items),
        "newsqa-dev": (
            index_folder("newsqa"),
            newsqa(sample=args.sample, seed=1, exclude_seed=0)[1],
        ),
        "xquad-dev": (index_folder("xquad"), xquad_dev()),
    }
    sets = {name: sets[name] for name in args.sets.split(",")}
    data: dict[str, list[dict]] = {}
    for name, (folder, items) in sets.items():
        started = time.perf_counter()
        answerer = Answerer(folder, embedder)
        data[name] = collect(answerer, reader, items, args.candidates)
        print(
            f"{name}: {len(items)} questions read in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )

    results: dict[str, object] = {"candidates": args.candidates}
    for n in (3, 5, 8, 10):
        cut = {k: [{**q, "rows": q["rows"][:n]} for q in v] for k, v in data.items()}
        grid = np.round(np.arange(0, 3.01, 0.1), 2)
        table = {float(w): [hit_at_1(cut[k], w) for k in cut] for w in grid}
        best = max(table, key=lambda w: (np.mean(table[w]), -w))
        results[f"n{n}"] = {
            "best_rank_weight": best,
            "hit@1": dict(zip(cut, table[best], strict=True)),
            "no_reader": dict(zip(cut, table[0.0], strict=True)),
        }
        print(
            f"N={n}: best rank weight {best}: "
            + ", ".join(
                f"{k} {table[0.0][i]:.3f} -> {v:.3f}"
                for i, (k, v) in enumerate(zip(cut, table[best], strict=True))
            )
        )
    print(json.dumps(results, indent=2))
    n = max((3, 5, 8, 10), key=lambda m: (np.mean(list(results[f"n{m}"]["hit@1"].values())), -m))
    weight = results[f"n{n}"]["best_rank_weight"]
    # The confidence join, on the first quote after re-ranking with the chosen N and weight.
    x, y, groups = [], [], []
    for name, questions in data.items():
        for q in questions:
            first = first_after(q["rows"][:n], weight)
            if first is None:
                continue
            x.append([logit(first["match"]), logit(first["p"])])
            y.append(float(q["answerable"] and first["hit"]))
            groups.append(name)
    w = fit_logistic(np.array(x), np.array(y))
    results |= {
        "chosen_candidates": n,
        "chosen_rank_weight": weight,
        "confidence": {"match": w[0], "reader": w[1], "bias": w[2]},
    }
    # Span exact match of the first quote's words (answerable questions), SQuAD-normalised.
    for name, questions in data.items():
        answerable = [q for q in questions if q["answerable"]]
        em = []
        for q in answerable:
            first = first_after(q["rows"][:n], weight)
            span = first["span"] if first else None
            em.append(bool(span) and any(normalise(span) == normalise(a) for a in q["answers"]))
        results[f"span_em_{name}"] = float(np.mean(em))
    # The decline line on the development set: declined answerable and unanswerable questions.
    conf = {"match": w[0], "reader": w[1], "bias": w[2]}
    table = {}
    for line in np.round(np.arange(0.05, 0.96, 0.05), 2):
        declined_ans = declined_un = 0
        for q in data.get("dev", []):
            first = first_after(q["rows"][:n], weight)
            joined = 0.0 if first is None else joined_p(first, conf)
            if joined < line:
                declined_ans += q["answerable"]
                declined_un += not q["answerable"]
        table[float(line)] = (declined_ans, declined_un)
    results["dev_declines_by_line"] = table
    # Or the matching confidence's own line, and a line on the reader's probability beside it.
    both = {}
    for line in np.round(np.arange(0.0, 0.61, 0.05), 2):
        declined_ans = declined_un = 0
        for q in data.get("dev", []):
            first = first_after(q["rows"][:n], weight)
            out = first is None or first["match"] < MATCH_LINE or first["p"] < line
            declined_ans += out and q["answerable"]
            declined_un += out and not q["answerable"]
        both[float(line)] = (declined_ans, declined_un)
    results["dev_declines_by_reader_line"] = both
    print(f"reader line beside the matching line {MATCH_LINE}: answerable / unanswerable declined")
    for line, (a, u) in both.items():
        print(f"  {line:.2f}: {a} / {u}")
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "bench" / "tune_reader_rows.json").write_text(json.dumps(data))
    print("line: answerable declined / unanswerable declined (dev)")
    for line, (a, u) in table.items():
        print(f"  {line:.2f}: {a} / {u}")
    write_results(RESULTS, results)
    print(json.dumps({k: results[k] for k in results if not str(k).startswith("n")}, indent=2))


if __name__ == "__main__":
    main()
