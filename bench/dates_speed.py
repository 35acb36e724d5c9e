"""Cost of finding and resolving dates in article text (index build time) and of reading
time in a question (question time).

Runs `index.find_dates` over the RealTimeQA article file (../shared/data, about 50 MB; the
`--limit` first articles only, if given) with each article's publication date, and
`retrieval.timeframe.question_timeframe` over the RealTimeQA development questions and the
dated test set, ROUNDS times each, and prints medians. When the optional `dateparser` is
importable, its `search_dates` is timed on the same questions for comparison.

    .venv/bin/python bench/dates_speed.py [--limit N]

Figures go to bench/results/dates_speed.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import DATA, ROOT
from index import find_dates
from retrieval.timeframe import question_timeframe

ROUNDS = 3
RESULTS = ROOT / "bench" / "results" / "dates_speed.json"


def load_articles(limit: int | None) -> list[tuple[str, dt.date]]:
    articles = []
    with (DATA / "realtimeqa" / "articles.jsonl").open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if limit is not None and number >= limit:
                break
            record = json.loads(line)
            articles.append((record["text"], dt.date.fromisoformat(record["published"])))
    return articles


def load_questions() -> list[tuple[str, dt.date]]:
    paths = [DATA / "realtimeqa" / "questions.jsonl", ROOT / "tests/data/dated/questions.jsonl"]
    questions = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            as_of = record.get("as_of") or record["question_date"]
            questions.append((record["question"], dt.date.fromisoformat(as_of)))
    return questions


def time_articles(articles: list[tuple[str, dt.date]]) -> dict[str, float]:
    chars = sum(len(text) for text, _ in articles)
    rounds, mentions = [], 0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        mentions = sum(len(find_dates(text, published)) for text, published in articles)
        rounds.append(time.perf_counter() - started)
    seconds = statistics.median(rounds)
    return {
        "articles": len(articles),
        "chars": chars,
        "mentions": mentions,
        "seconds_median": seconds,
        "s_per_mb": seconds / (chars / 1e6),
        "ms_per_1000_chars": seconds * 1000 / (chars / 1000),
    }


def time_questions(questions: list[tuple[str, dt.date]], read: object) -> dict[str, float]:
    costs = []
    for _ in range(ROUNDS):
        for question, as_of in questions:
            started = time.perf_counter()
            read(question, as_of)  # type: ignore[operator]
            costs.append(time.perf_counter() - started)
    costs.sort()
    return {
        "questions": len(questions),
        "median_us": statistics.median(costs) * 1e6,
        "p95_us": costs[int(0.95 * len(costs))] * 1e6,
        "max_us": costs[-1] * 1e6,
    }


def time_dateparser(questions: list[tuple[str, dt.date]]) -> dict[str, float] | None:
    try:
        from dateparser.search import search_dates
    except ImportError:
        return None

    def read(question: str, as_of: dt.date) -> object:
        base = dt.datetime.combine(as_of, dt.time())
        return search_dates(question, languages=["en"], settings={"RELATIVE_BASE": base})

    read("warm up last week", dt.date(2025, 1, 1))
    return time_questions(questions, read)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="articles to read (all if unset)")
    args = parser.parse_args()
    articles = time_articles(load_articles(args.limit))
    questions = load_questions()
    results = {
        "find_dates": articles,
        "question_timeframe": time_questions(questions, question_timeframe),
        "dateparser_search_dates": time_dateparser(questions),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    a = results["find_dates"]
    print(
        f"find_dates: {a['articles']} articles, {a['chars'] / 1e6:.1f} M chars, "
        f"{a['mentions']} mentions: {a['s_per_mb']:.3f} s/MB, "
        f"{a['ms_per_1000_chars']:.3f} ms per 1,000 chars (median of {ROUNDS})"
    )
    for name in ("question_timeframe", "dateparser_search_dates"):
        q = results[name]
        if q is None:
            print(f"{name}: not installed")
            continue
        print(
            f"{name}: {q['questions']} questions, median {q['median_us']:.0f} µs, "
            f"p95 {q['p95_us']:.0f} µs, max {q['max_us']:.0f} µs"
        )


if __name__ == "__main__":
    main()
