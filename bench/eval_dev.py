"""Answer quality on the development questions of bench/data/dev_qa.jsonl.

Those 161 questions (28 of them unanswerable) were written from the articles alone by
someone who had not read the answering rules (bench/data/dev_qa.md says how). They cover
the five bundled articles and 40 BBC articles, which this script indexes together with the
other BBC articles the questions name (copies of the same story) under var/bench/dev; the
BBC texts are read from ../shared/data and never copied into the repository.

    .venv/bin/python bench/eval_dev.py [--misses] [--reader int8|fp32|off]

Prints the metrics of `newsdesk eval` (and, with --misses, every question whose first quote
misses) and writes them to bench/results/eval_dev.json. Tune on this set, not on
tests/data/qa.jsonl, which is kept as a test set.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import DATA, ROOT, WORK
from bench.eval_public import answer_words_match
from index import BuildOptions, Embedder, Reader, build_index, make_embedder
from retrieval import Answerer
from retrieval.evaluation import evaluate, load_qa, quote_hits

QA = ROOT / "bench" / "data" / "dev_qa.jsonl"
RESULTS = ROOT / "bench" / "results" / "eval_dev.json"
CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")


def bbc_ids(qa_lines: list[dict]) -> set[str]:
    """The 40 articles chosen by the set's rule, and every BBC article its questions name."""
    chosen = {f"{c}/{n:03d}" for c in CATEGORIES for n in range(7, 80, 10)}
    named = {a for item in qa_lines for a in item["articles"] if "/" in a}
    return chosen | named


def corpus(qa_lines: list[dict]) -> Path:
    folder = WORK / "dev" / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "corpus").glob("*.md"):
        shutil.copy2(path, folder / path.name)
    wanted = bbc_ids(qa_lines)
    lines = [
        line
        for line in (DATA / "bbc-news" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(line)["id"] in wanted
    ]
    target = folder / "bbc.jsonl"
    payload = "\n".join(lines) + "\n"
    if not target.exists() or target.read_text(encoding="utf-8") != payload:
        target.write_text(payload, encoding="utf-8")
    return folder


def dev_index(embedder: Embedder, qa_lines: list[dict]) -> Path:
    """Build (or update) the index of the set's corpus under var/bench/dev; its folder."""
    index_dir = WORK / "dev" / "index"
    summary = build_index(corpus(qa_lines), index_dir, embedder, BuildOptions())
    print(f"index: {summary.articles} articles, {summary.chunks} chunks", file=sys.stderr)
    return index_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="List the questions missed.")
    parser.add_argument("--reader", default="int8", choices=["fp32", "int8", "off"])
    args = parser.parse_args()
    qa_lines = [json.loads(line) for line in QA.read_text().splitlines() if line.strip()]
    embedder = make_embedder("fp32", cache_dir=ROOT / "var" / "models")
    index_dir = dev_index(embedder, qa_lines)
    reader = None
    if args.reader != "off":
        reader = Reader(cache_dir=ROOT / "var" / "models", precision=args.reader)
    answerer = Answerer(index_dir, embedder, reader=reader)
    answerer.ask("warm up")
    items = load_qa(QA)
    started = time.perf_counter()
    report = evaluate(answerer.ask, items)
    answerable = [(i, a) for i, a in zip(items, report.results, strict=True) if i.answers]
    report.metrics["answer_words_em@1"] = sum(
        bool(a.quotes) and answer_words_match(a.quotes[0], list(i.answers)) for i, a in answerable
    ) / len(answerable)
    report.metrics["reader"] = args.reader
    for name, value in report.metrics.items():
        print(f"{name:22} {value:.3f}" if isinstance(value, float) else f"{name:22} {value}")
    if args.misses:
        for item, answer in zip(items, report.results, strict=True):
            hit = bool(answer.quotes) and quote_hits(answer.quotes[0], item.answers)
            declined = not answer.answered
            if item.answers and (not hit or declined):
                first = answer.quotes[0].text[:160] if answer.quotes else "-"
                flag = "DECLINED" if declined else "MISS"
                print(f"\n{flag} {item.question}  {list(item.answers)}\n   {first}")
            elif not item.answers and answer.answered:
                print(f"\nANSWERED-UNANSWERABLE {item.question}\n   {answer.quotes[0].text[:160]}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"seconds": time.perf_counter() - started, "metrics": report.metrics}, indent=2)
        + "\n"
    )


if __name__ == "__main__":
    main()
