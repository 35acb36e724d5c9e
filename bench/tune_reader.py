"""Fit how the reader joins the ranking (retrieval/reading.py ReaderWeights), on development
data only.

Sets: the development set (bench/data/dev_qa.jsonl, with its unanswerable questions), the
NewsQA development sample (seed 1, disjoint from the seed-0 test sample), the XQuAD
questions of its first 24 articles (the development half) and, when the RealTimeQA archive
is indexed (bench/eval_realtimeqa.py), its development questions, each as of its quiz date.
For each question the pipeline
runs to its ranked sentences; the reader reads the first `--candidates`; for each of them
is recorded its ranking key, the reader's probability, the matching confidence of the passage
quoted for it, and whether that passage holds a gold answer.

Then, on those records: for N of 3, 5, 8 and 10 read candidates, the weight of the reader's
probability in the ranking key (`rank`) that gives the most first quotes holding the answer
(the sets' shares averaged); the answer words' exact match (SQuAD-normalised) of the first
quote; and the questions declined (still the matching confidence's call, on the passage
ranked first before reading). `--rows` refits from the records of an earlier run.

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
from retrieval.reading import (
    ReaderWeights,
    pick_span,
    previous_sentence,
    same_standing,
    span_choices,
)
from retrieval.recency import bound_to_time, time_bonus
from retrieval.search import retrieve

RESULTS = ROOT / "bench" / "results" / "tune_reader.json"
# The RealTimeQA archive and its development questions (bench/eval_realtimeqa.py).
RTQA_INDEX = ROOT / "var" / "rtqa" / "index"
RTQA_QA = ROOT / "var" / "realtimeqa_dev.jsonl"
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
        times = time_bonus(index, context, ids, config.time)
        bonus = times + agreement_bonus(index, context, evidence, config.weights)
        # As at run time (retrieval/service.py): time standings count on a question bound to
        # a time only.
        bound = bound_to_time(context)
        time_of = dict(zip(ids, times.tolist() if bound else [0.0] * len(ids), strict=True))
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
            sentence = texts[len(rows)][1]
            alternatives = [
                {"text": sentence[start:end], "p": chance, "cue": fits}
                for (start, end), chance, fits in span_choices(context, sentence, r)
            ]
            rows.append(
                {
                    "key": s.rank,
                    "time": time_of[s.sentence_id],
                    "p": r.probability,
                    "match": match,
                    "hit": any(a in passage.lower() for a in answers) if answers else False,
                    "alternatives": alternatives,
                }
            )
        out.append({"answerable": bool(answers), "answers": item["answers"], "rows": rows})
    return out


def normalise(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, articles or extra spaces."""
    text = "".join(c for c in text.lower() if c not in string.punctuation)
    return " ".join(w for w in text.split() if w not in ("a", "an", "the"))


def first_after(rows: list[dict], weight: float) -> dict | None:
    """The first sentence after reading (`read_ranked`): the best by key plus reader among
    those of the first one's time standing."""
    if not rows:
        return None
    level = same_standing(rows[0]["time"])
    standing = [r for r in rows if same_standing(r["time"]) == level]
    return max(standing, key=lambda r: r["key"] + weight * r["p"])


def hit_at_1(data: list[dict], weight: float) -> float:
    answerable = [q for q in data if q["answerable"]]
    return float(
        np.mean([bool((f := first_after(q["rows"], weight)) and f["hit"]) for q in answerable])
    )


def chosen_span(row: dict, cue: float, line: float) -> str | None:
    """The words `choose_span` would bold in a row's sentence (the same rule, `pick_span`)."""
    choices = ((a["text"], a["p"], a["cue"]) for a in row["alternatives"])
    return pick_span(choices, ReaderWeights(min_span=line, cue=cue))


def span_em(
    questions: list[dict], n: int, weight: float, cue: float, line: float
) -> tuple[float, float]:
    """Share of answerable questions whose first quote's bold words are a gold answer, and
    the share of those bold words shown that are one (precision)."""
    hits, shown = [], 0
    for q in (q for q in questions if q["answerable"]):
        first = first_after(q["rows"][:n], weight)
        span = chosen_span(first, cue, line) if first else None
        shown += span is not None
        hits.append(bool(span) and any(normalise(span) == normalise(a) for a in q["answers"]))
    if not hits:
        return 0.0, 0.0
    return float(np.mean(hits)), float(sum(hits) / max(shown, 1))


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--sample", type=int, default=400, help="NewsQA dev questions.")
    parser.add_argument("--sets", default="dev,newsqa-dev,xquad-dev,realtimeqa-dev")
    parser.add_argument("--model", type=Path, default=MODEL_DIR, help="The reader's folder.")
    parser.add_argument("--rows", type=Path, help="Refit from these saved records.")
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
    if "realtimeqa-dev" in args.sets:
        rtqa = [json.loads(line) for line in RTQA_QA.read_text().splitlines() if line.strip()]
        sets["realtimeqa-dev"] = (RTQA_INDEX, [i for i in rtqa if i["answers"]])
    sets = {name: sets[name] for name in args.sets.split(",")}
    data: dict[str, list[dict]] = json.loads(args.rows.read_text()) if args.rows else {}
    for name, (folder, items) in sets.items():
        if name in data:
            continue
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
    # The fewest candidates within half a point of the best mean: each one read costs about
    # 6 ms a question (int8), and the answer's latency target is 60 ms.
    means = {m: float(np.mean(list(results[f"n{m}"]["hit@1"].values()))) for m in (3, 5, 8, 10)}
    n = min(m for m in means if means[m] >= max(means.values()) - 0.005)
    weight = results[f"n{n}"]["best_rank_weight"]
    results |= {"chosen_candidates": n, "chosen_rank_weight": weight}
    # The answer words of the first quote (answerable questions), SQuAD-normalised exact match,
    # for each span line and cue factor (retrieval/reading.py choose_span): the most exact
    # matches such that bold words shown are a gold answer at least half the time (averaged
    # over the sets with short gold answers: NewsQA's are annotators' free spans).
    em_table = {}
    for cue in (1.0, 1.5, 2.0, 3.0, 5.0):
        for line in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4):
            em_table[(cue, line)] = [span_em(data[name], n, weight, cue, line) for name in data]
    short = [i for i, name in enumerate(data) if not name.startswith("newsqa")]

    def precise(choice: tuple[float, float]) -> bool:
        return float(np.mean([em_table[choice][i][1] for i in short])) >= 0.5

    allowed = [c for c in em_table if precise(c)] or list(em_table)
    cue, line = max(allowed, key=lambda c: (np.mean([v[0] for v in em_table[c]]), -c[0], c[1]))
    results |= {"chosen_cue": cue, "chosen_min_span": line}
    for i, name in enumerate(data):
        results[f"span_em_{name}"] = em_table[(cue, line)][i][0]
        results[f"span_precision_{name}"] = em_table[(cue, line)][i][1]
        results[f"span_em_{name}_without_cues_line_0.3"] = em_table[(1.0, 0.3)][i][0]
    print("span exact match (precision) by (cue, line):")
    for (c, l_), values in em_table.items():
        print(f"  cue {c} line {l_}: " + ", ".join(f"{e:.3f} ({p:.2f})" for e, p in values))
    # Declining stays with the matching confidence of the passage first before reading.
    for name, questions in data.items():
        declined = [not q["rows"] or q["rows"][0]["match"] < MATCH_LINE for q in questions]
        answerable = [q["answerable"] for q in questions]
        results[f"declined_{name}"] = {
            "answerable": int(sum(d and a for d, a in zip(declined, answerable, strict=True))),
            "unanswerable": int(
                sum(d and not a for d, a in zip(declined, answerable, strict=True))
            ),
        }
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "bench" / "tune_reader_rows.json").write_text(json.dumps(data))
    write_results(RESULTS, results)
    print(json.dumps({k: results[k] for k in results if not str(k).startswith("n")}, indent=2))


if __name__ == "__main__":
    main()
