"""The reader as a component: picking the answering sentence inside the right text.

For XQuAD (all 1,190 questions, each against its paragraph's sentences) and NewsQA (the
first 600 questions of questions.jsonl in file order, each against its whole article's
sentences), it ranks the candidate sentences by (a) the bundled encoder's cosine between
question and sentence and (b) the reader's answer probability, and reports hit@1 and hit@3:
the share of questions whose first (first three) sentences hold the gold answer text,
case-insensitive, as bench/eval_public.py judges a quote. On XQuAD it also reports the
answer words' exact match: the reader's span on its top sentence against the gold answer
after SQuAD's normalisation (with every span, and with confident spans only). Sentences
are cut as the index cuts them (clean_body, split_sentences); a candidate's context is the
sentence before it in the article.

    .venv/bin/python bench/reader_component.py [--limit N]

Figures go to bench/results/reader_component.json.
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import DATA, ROOT, write_results, xquad
from index import make_embedder, split_sentences
from index.cleaning import clean_body
from index.reader_model import MIN_SPAN_PROBABILITY, MODEL_DIR, Reader

NEWSQA_QUESTIONS = 600


def contains(text: str, answers: list[str]) -> bool:
    low = text.lower()
    return any(a.lower() in low for a in answers)


def normalize_answer(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, articles or extra spaces."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", text).split())


def sentences_of(text: str) -> list[str]:
    cleaned = clean_body(text).text
    return [cleaned[s.start : s.end] for s in split_sentences(cleaned)]


def xquad_items() -> list[dict]:
    corpus, items = xquad()
    texts = {}
    for line in (corpus / "articles.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        texts[record["id"]] = record["text"]
    return [{**item, "text": texts[item["articles"][0]]} for item in items]


def newsqa_items() -> list[dict]:
    src = DATA / "newsqa-subset"
    texts = {}
    for line in (src / "articles.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        texts[record["id"]] = record["text"]
    items = []
    for line in (src / "questions.jsonl").open(encoding="utf-8"):
        q = json.loads(line)
        if q.get("answer"):
            items.append(
                {
                    "question": q["question"],
                    "answers": [q["answer"]],
                    "text": texts[q["article_id"]],
                }
            )
        if len(items) == NEWSQA_QUESTIONS:
            break
    return items


def _hits(order: list[int], holds: list[bool]) -> tuple[bool, bool]:
    return holds[order[0]], any(holds[k] for k in order[:3])


def run(items: list[dict], embedder, reader: Reader, *, words: bool) -> dict[str, float]:
    cache: dict[str, list[str]] = {}
    encoder_hits, reader_hits, exact, exact_confident, spans = [], [], [], [], []
    pairs, reader_seconds, eight = 0, 0.0, []
    for item in items:
        sentences = cache.setdefault(item["text"], sentences_of(item["text"]))
        holds = [contains(s, item["answers"]) for s in sentences]
        vectors = embedder.embed([item["question"], *sentences])
        cosine = vectors[1:] @ vectors[0]
        encoder_hits.append(_hits(list(np.argsort(-cosine, kind="stable")), holds))
        candidates = [("" if k == 0 else sentences[k - 1], s) for k, s in enumerate(sentences)]
        started = time.perf_counter()
        results = reader.score(item["question"], candidates)
        reader_seconds += time.perf_counter() - started
        pairs += len(candidates)
        if len(candidates) >= 8:
            started = time.perf_counter()
            reader.score(item["question"], candidates[:8])
            eight.append(time.perf_counter() - started)
        order = sorted(range(len(results)), key=lambda k: -results[k].probability)
        reader_hits.append(_hits(order, holds))
        if words:
            top = results[order[0]]
            start, end = top.span or (0, 0)
            predicted = normalize_answer(sentences[order[0]][start:end])
            gold = {normalize_answer(a) for a in item["answers"]}
            exact.append(predicted in gold)
            confident = top.span_probability >= MIN_SPAN_PROBABILITY
            exact_confident.append(confident and predicted in gold)
            spans.append(confident)
    e, r = np.array(encoder_hits), np.array(reader_hits)
    figures = {
        "questions": len(items),
        "candidates_mean": pairs / len(items),
        "encoder_hit@1": float(e[:, 0].mean()),
        "encoder_hit@3": float(e[:, 1].mean()),
        "reader_hit@1": float(r[:, 0].mean()),
        "reader_hit@3": float(r[:, 1].mean()),
        "reader_ms_per_pair": 1000 * reader_seconds / pairs,
    }
    if eight:
        figures["reader_ms_8_candidates_p50"] = 1000 * float(np.median(eight))
    if words:
        figures["answer_words_em"] = float(np.mean(exact))
        figures["answer_words_em_confident_only"] = float(np.mean(exact_confident))
        figures["confident_span_share"] = float(np.mean(spans))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N questions of each set")
    parser.add_argument("--precision", default="fp32", choices=["fp32", "int8"])
    parser.add_argument("--model", type=Path, default=MODEL_DIR, help="the reader's folder")
    args = parser.parse_args()
    cache_dir = ROOT / "var" / "models"
    embedder = make_embedder("fp32", cache_dir=cache_dir)
    reader = Reader(
        args.model, cache_dir=cache_dir, precision=args.precision, min_span_probability=0.0
    )
    sets = {"XQuAD (1,190)": (xquad_items(), True), "NewsQA (600)": (newsqa_items(), False)}
    results = {}
    started = time.perf_counter()
    for label, (items, words) in sets.items():
        results[label] = run(items[: args.limit], embedder, reader, words=words)
        print(label, json.dumps(results[label]), flush=True)
    print("\n| set | encoder hit@1 / hit@3 | reader hit@1 / hit@3 | answer-word EM | ms a pair |")
    print("|---|---|---|---|---|")
    for label, r in results.items():
        em = f"{r['answer_words_em']:.3f}" if "answer_words_em" in r else "-"
        print(
            f"| {label} | {r['encoder_hit@1']:.3f} / {r['encoder_hit@3']:.3f} | "
            f"{r['reader_hit@1']:.3f} / {r['reader_hit@3']:.3f} | {em} | "
            f"{r['reader_ms_per_pair']:.1f} |"
        )
    if args.limit is None:
        write_results(
            ROOT / "bench" / "results" / "reader_component.json",
            {
                "seconds": time.perf_counter() - started,
                "reader_precision": args.precision,
                "reader_weights_sha256": reader.fingerprint,
                "results": results,
            },
        )


if __name__ == "__main__":
    main()
