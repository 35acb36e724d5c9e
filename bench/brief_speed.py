"""How long a brief and a timeline take over the RealTimeQA archive.

    .venv/bin/python bench/brief_speed.py [--rounds 5] [--archive var/rtqa/index]

The archive's days hold at most 19 articles each (its articles are search results for
weekly quizzes), so "a day" and "a week" of news are measured by their size: a brief over
the 96 articles published from 2025-10-25 to 2025-11-09 (about a day of a busy desk), and
over the 708 published from 2025-06-13 to 2025-11-09 (about a week). The index holds those
708 articles (var/bench/brief, built on first use from ../shared/data; the text stays out of
the repository); a timeline searches all of it. The whole archive (5,270 articles, 105,000
chunks) takes over 20 minutes to index on this machine: when its index exists (`--archive`,
default var/rtqa/index, built as bench/eval_realtimeqa.py says), each topic's timeline is also
timed over all of it.

Each figure is the median of `--rounds` calls after one warm-up call, as the bot makes
them (the index open, the model loaded): a brief without a topic, a brief with one (its
embedding included), and a timeline per topic (its embedding included). Figures go to
bench/results/brief_speed.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import DATA, ROOT, WORK, write_results
from index import build_index, load_index, make_embedder
from retrieval.brief import make_brief
from retrieval.timeline import make_timeline

FOLDER = WORK / "brief"
LAST = dt.date(2025, 11, 9)
DAY_FIRST = dt.date(2025, 10, 25)
WEEK_FIRST = dt.date(2025, 6, 13)
RESULTS = ROOT / "bench" / "results" / "brief_speed.json"
TOPICS = [
    "Dick Cheney",
    "Jimmy Kimmel suspension",
    "government shutdown flights",
    "Federal Reserve interest rate cut",
    "Zohran Mamdani",
    "Supreme Court tariffs",
]


def build() -> None:
    """The index of the archive's articles published from WEEK_FIRST to LAST."""
    lines = []
    for line in (DATA / "realtimeqa" / "articles.jsonl").open(encoding="utf-8"):
        published = json.loads(line)["published"]
        if WEEK_FIRST.isoformat() <= published <= LAST.isoformat():
            lines.append(line)
    (FOLDER / "corpus").mkdir(parents=True, exist_ok=True)
    (FOLDER / "corpus" / "articles.jsonl").write_text("".join(lines), encoding="utf-8")
    embedder = make_embedder("fp32", cache_dir=ROOT / "var" / "models", threads=2)
    started = time.perf_counter()
    build_index(FOLDER / "corpus", FOLDER / "index", embedder)
    print(f"indexed {len(lines)} articles in {time.perf_counter() - started:.0f} s")


def median_ms(call, rounds: int) -> float:
    call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def measure_briefs(index, embed, rounds: int) -> dict:
    """A brief over the day's and the week's articles, without and with a topic."""
    results = {}
    for name, first in (("day", DAY_FIRST), ("week", WEEK_FIRST)):
        brief = make_brief(index, first=first, last=LAST)
        results[f"brief_{name}"] = {
            "since": first.isoformat(),
            "until": LAST.isoformat(),
            "articles": brief.articles,
            "stories": len(brief.stories),
            "ms": median_ms(lambda f=first: make_brief(index, first=f, last=LAST), rounds),
            "with_topic_ms": median_ms(
                lambda f=first: make_brief(
                    index, first=f, last=LAST, topic="Dick Cheney", embed=embed
                ),
                rounds,
            ),
        }
        print(name, results[f"brief_{name}"], flush=True)
    return results


def measure_timelines(index, embed, rounds: int) -> dict:
    """A timeline of each topic over the whole of `index`."""
    timelines = {}
    for topic in TOPICS:
        found = make_timeline(index, topic, embed=embed)
        timelines[topic] = {
            "entries": len(found.entries),
            "ms": median_ms(lambda t=topic: make_timeline(index, t, embed=embed), rounds),
        }
        print(topic, timelines[topic], flush=True)
    return {
        "articles": index.n_articles,
        "per_topic": timelines,
        "median_ms": statistics.median(t["ms"] for t in timelines.values()),
        "max_ms": max(t["ms"] for t in timelines.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--archive", type=Path, default=ROOT / "var" / "rtqa" / "index")
    args = parser.parse_args()
    if not (FOLDER / "index").exists():
        build()
    index = load_index(FOLDER / "index")
    embedder = make_embedder("fp32", cache_dir=ROOT / "var" / "models", threads=2)

    def embed(text: str):
        return embedder.embed([text])[0]

    results: dict = {
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg(),
        "index_articles": index.n_articles,
        "index_chunks": index.n_chunks,
        **measure_briefs(index, embed, args.rounds),
        "timeline": measure_timelines(index, embed, args.rounds),
    }
    if args.archive.exists():
        archive = load_index(args.archive)
        print(f"the whole archive: {archive.n_articles} articles, {archive.n_chunks} chunks")
        results["timeline_archive"] = measure_timelines(archive, embed, args.rounds)
    results["load_average_after"] = os.getloadavg()
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()
