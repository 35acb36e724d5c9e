"""How well the brief groups articles into stories, against stories grouped by hand.

    .venv/bin/python bench/eval_grouping.py

bench/data/stories_<day>.jsonl hold, for each day of the development week of the RealTimeQA
archive from 2025-11-03 to 2025-11-09 (by publication date), and for two days of the week of
2025-09-15, that day's articles grouped into stories by a person reading them (title and
first paragraphs): one story a line, with the articles' `doc_id`s. Labels are the same
across the days of a week, so each week is also scored as one seven-day brief.

These articles are indexed under var/bench/stories (the text is read from ../shared/data
and never copied into the repository). For each day, `make_brief` over that day's articles
gives the clustering, scored by pairwise precision, recall and F1: a pair of articles is
predicted together when they share a story, and right when the hand grouping puts them
together too.

The threshold (and how many lead chunks make an article's vector) is tuned on 2025-11-04
alone: the best F1, the middle of the run of thresholds that reach it, the fewest chunks
among equals. 2025-11-05 is held out; so are 2025-09-17 and 2025-09-18, grouped by hand
before any clustering ran on them, and the weeks. The topic filter is scored on the
November week's brief, over topics whose stories were chosen by hand from the labels.
Figures go to bench/results/eval_grouping.json.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import DATA, ROOT, WORK, write_results
from index import OpenIndex, build_index, load_index, make_embedder
from retrieval._stories import StoryConfig
from retrieval.brief import Brief, make_brief

STORIES = sorted((ROOT / "bench" / "data").glob("stories_*.jsonl"))
TUNE_DAY = "2025-11-04"
HELD_OUT_DAYS = ["2025-11-05", "2025-09-17", "2025-09-18"]
TOPIC_WEEK = TUNE_WEEK = "2025-11-03"
FOLDER = WORK / "stories"
RESULTS = ROOT / "bench" / "results" / "eval_grouping.json"
THRESHOLDS = [round(0.30 + 0.025 * n, 3) for n in range(21)]
LEAD_CHUNKS = [1, 2, 3, 1000]
# Topics a reader might ask the week's brief for, and the stories (by label) about each.
TOPICS = {
    "Dick Cheney": {"Dick Cheney dies at 84"},
    "Prop 50": {
        "California Proposition 50 redistricting vote",
        "2025 elections across the country: governors, mayors, ballot measures",
    },
    "Mamdani": {
        "NYC mayoral election: Mamdani defeats Cuomo",
        "2025 elections across the country: governors, mayors, ballot measures",
    },
    "flight cuts": {"Government shutdown disrupts air travel: flight cuts"},
    "Supreme Court tariffs": {"Supreme Court hears challenge to Trump's tariffs"},
    "plane crash": {"UPS cargo plane crash at Louisville airport"},
    "listeria": {"Listeria outbreak tied to pasta meals"},
    "Grammys": {"2026 Grammy nominations"},
}


def hand_grouping() -> dict[str, dict[str, str]]:
    """For each day, the story label of each of its articles."""
    days: dict[str, dict[str, str]] = {}
    for path in STORIES:
        day = path.stem.removeprefix("stories_")
        for line in path.read_text(encoding="utf-8").splitlines():
            story = json.loads(line)
            for doc_id in story["doc_ids"]:
                days.setdefault(day, {})[doc_id] = story["story"]
    return days


def open_week(days: dict[str, dict[str, str]]) -> OpenIndex:
    """The index of the week's articles, built on first use."""
    if not (FOLDER / "index").exists():
        wanted = {doc_id for labels in days.values() for doc_id in labels}
        lines = [
            line
            for line in (DATA / "realtimeqa" / "articles.jsonl").open(encoding="utf-8")
            if json.loads(line)["doc_id"] in wanted
        ]
        assert len(lines) == len(wanted), "an article of the hand grouping is missing"
        (FOLDER / "corpus").mkdir(parents=True, exist_ok=True)
        (FOLDER / "corpus" / "articles.jsonl").write_text("".join(lines), encoding="utf-8")
        embedder = make_embedder("fp32", cache_dir=ROOT / "var" / "models", threads=2)
        build_index(FOLDER / "corpus", FOLDER / "index", embedder)
    return load_index(FOLDER / "index")


def pairs(groups: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for g in groups for p in itertools.combinations(sorted(g), 2)}


def score(predicted: list[list[str]], labels: dict[str, str]) -> dict[str, float | int]:
    """Pairwise precision, recall and F1 of `predicted` against the hand labels."""
    gold_groups: dict[str, list[str]] = {}
    for doc_id, label in labels.items():
        gold_groups.setdefault(label, []).append(doc_id)
    found, gold = pairs(predicted), pairs(list(gold_groups.values()))
    right = len(found & gold)
    precision = right / len(found) if found else 1.0
    recall = right / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "articles": len(labels),
        "hand_stories": len(gold_groups),
        "stories": len(predicted),
        "pairs_hand": len(gold),
        "pairs_found": len(found),
        "pairs_right": right,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def pooled(scores: dict[str, dict], days: list[str]) -> dict[str, float | int]:
    """Precision, recall and F1 over the pairs of several days taken together."""
    found = sum(scores[d]["pairs_found"] for d in days)
    hand = sum(scores[d]["pairs_hand"] for d in days)
    right = sum(scores[d]["pairs_right"] for d in days)
    precision, recall = right / found, right / hand
    return {
        "days": len(days),
        "pairs_hand": hand,
        "pairs_found": found,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3),
    }


def grouped(brief: Brief) -> list[list[str]]:
    return [[s.article_id for s in story.sources] for story in brief.stories]


def day_brief(index: OpenIndex, first: str, last: str, config: StoryConfig) -> Brief:
    return make_brief(
        index,
        first=dt.date.fromisoformat(first),
        last=dt.date.fromisoformat(last),
        config=config,
    )


def evaluate(index: OpenIndex, days: dict[str, dict[str, str]], config: StoryConfig) -> dict:
    """Scores per day and over the whole week."""
    results = {}
    for day, labels in sorted(days.items()):
        brief = day_brief(index, day, day, config)
        assert {s.article_id for st in brief.stories for s in st.sources} == set(labels)
        results[day] = score(grouped(brief), labels)
    for monday, week_days in sorted(weeks(days).items()):
        labels = {doc_id: label for day in week_days for doc_id, label in days[day].items()}
        found = grouped(day_brief(index, min(week_days), max(week_days), config))
        results[f"week of {monday}"] = score(found, labels)
    return results


def weeks(days: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """The hand-grouped days by the Monday of their week."""
    out: dict[str, list[str]] = {}
    for day in days:
        date = dt.date.fromisoformat(day)
        out.setdefault((date - dt.timedelta(days=date.weekday())).isoformat(), []).append(day)
    return out


def tune(index: OpenIndex, labels: dict[str, str]) -> tuple[StoryConfig, list[dict]]:
    """The threshold and lead chunks with the best F1 on the tuning day (ties: the
    threshold in the middle of the best run, fewer chunks)."""
    grid = []
    for lead_chunks, threshold in itertools.product(LEAD_CHUNKS, THRESHOLDS):
        config = StoryConfig(threshold=threshold, lead_chunks=lead_chunks)
        found = score(grouped(day_brief(index, TUNE_DAY, TUNE_DAY, config)), labels)
        grid.append({"lead_chunks": lead_chunks, "threshold": threshold, **found})
    best_f1 = max(row["f1"] for row in grid)
    best = [row for row in grid if row["f1"] == best_f1]
    lead = min(row["lead_chunks"] for row in best)
    run = [row["threshold"] for row in best if row["lead_chunks"] == lead]
    chosen = StoryConfig(threshold=run[len(run) // 2], lead_chunks=lead)
    return chosen, grid


def topic_scores(index: OpenIndex, days: dict[str, dict[str, str]], config: StoryConfig) -> dict:
    """Story-level precision and recall of the topic filter over the week's brief, with the
    topic's words alone, its vector alone, and both (the brief's rule)."""
    week_days = weeks(days)[TOPIC_WEEK]
    week = {doc_id: label for day in week_days for doc_id, label in days[day].items()}
    embedder = make_embedder("fp32", cache_dir=ROOT / "var" / "models", threads=2)

    def embed(text: str):
        return embedder.embed([text])[0]

    variants = {
        "words": replace(config, topic_similarity=2.0),
        "vector": replace(config, topic_words=False),
        "words_or_vector": config,
    }
    first, last = dt.date.fromisoformat(min(week_days)), dt.date.fromisoformat(max(week_days))
    out: dict = {}
    for name, variant in variants.items():
        right = shown = wanted = 0
        for topic, expected in TOPICS.items():
            brief = make_brief(
                index, first=first, last=last, topic=topic, embed=embed, config=variant
            )
            labels = {_majority(story, week) for story in brief.stories}
            right += len(labels & expected)
            shown += len(labels)
            wanted += len(expected)
        out[name] = {
            "topics": len(TOPICS),
            "precision": round(right / shown, 3) if shown else 1.0,
            "recall": round(right / wanted, 3),
        }
    return out


def _majority(story, week: dict[str, str]) -> str:
    labels = [week[s.article_id] for s in story.sources]
    return max(set(labels), key=labels.count)


def main() -> None:
    days = hand_grouping()
    index = open_week(days)
    chosen, grid = tune(index, days[TUNE_DAY])
    print(f"chosen on {TUNE_DAY}: threshold {chosen.threshold}, lead chunks {chosen.lead_chunks}")
    scores = evaluate(index, days, chosen)
    scores["held-out days pooled"] = pooled(scores, HELD_OUT_DAYS)
    for day, found in scores.items():
        role = "tuning" if day == TUNE_DAY else "held out"
        role = "with the tuning day" if day == f"week of {TUNE_WEEK}" else role
        print(
            f"{day:18} ({role}, {found['pairs_hand']} pairs): "
            f"P {found['precision']} R {found['recall']} F1 {found['f1']}"
        )
    default = StoryConfig()
    results = {
        "tuned_on": TUNE_DAY,
        "held_out": HELD_OUT_DAYS,
        "chosen": {"threshold": chosen.threshold, "lead_chunks": chosen.lead_chunks},
        "scores": scores,
        "default_config": {"threshold": default.threshold, "lead_chunks": default.lead_chunks},
        "default_scores": evaluate(index, days, default),
        "topic_filter": topic_scores(index, days, default),
        "grid_on_tuning_day": grid,
    }
    print("topic filter:", results["topic_filter"])
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()
