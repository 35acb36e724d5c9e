"""Follow-up questions: hit@1 of each turn asked with its conversation against asked alone.

    .venv/bin/python bench/eval_followups.py [--show] [--reader off|int8|fp32]

bench/data/conversations.jsonl holds 70 conversations (209 turns) over the bundled articles
and 32 RealTimeQA articles (bench/data/conversations.md). This script indexes the bundled
corpus with those articles under var/bench/followups (their text is read from
../shared/data and never copied into the repository), asks every conversation turn by turn
through `retrieval.conversation.Conversation` (each turn read in the light of the one
before, the earlier as-of kept) and asks every turn alone, and reports hit@1 (the first
quote, of an answer that answers, holds one of the turn's answers) per kind: the follow-ups
should gain, the turns that stand on their own (standalone, topic-change) must lose nothing.
It also asks the leaning turns as the data set writes them out (`read_as`), the ceiling of
a perfect reading, and times a follow-up against a plain question.

No reader by default (`--reader int8` reads as the bot does; its figures go to
bench/results/eval_followups_reader.json). This is development data: the reading was written
while looking at it, so the figures are development figures, not a held-out test. Results:
bench/results/eval_followups.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import DATA, ROOT, WORK, write_results
from index import BuildOptions, build_index, make_embedder
from index.reader_model import Reader
from retrieval import Answer, Answerer
from retrieval.conversation import Conversation, Turn, read_question
from retrieval.evaluation import quote_hits

CONVERSATIONS = ROOT / "bench" / "data" / "conversations.jsonl"
RESULTS = ROOT / "bench" / "results" / "eval_followups.json"
FOLDER = WORK / "followups"
STANDING = ("standalone", "topic-change")
LEANING = ("pronoun", "ellipsis", "who-else", "and-when")


def corpus(conversations: list[dict[str, Any]]) -> Path:
    """The bundled articles and the conversations' RealTimeQA articles, under var/bench."""
    folder = FOLDER / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "corpus").glob("*.md"):
        shutil.copy2(path, folder / path.name)
    wanted = {s["doc_id"] for c in conversations for s in c["sources"]}
    records = []
    with (DATA / "realtimeqa" / "articles.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["doc_id"] in wanted:
                keep = ("doc_id", "title", "outlet", "published", "url", "text")
                records.append({k: record[k] for k in keep if k in record})
    missing = wanted - {r["doc_id"] for r in records}
    if missing:
        raise SystemExit(f"articles missing from ../shared/data: {sorted(missing)}")
    target = folder / "realtimeqa.jsonl"
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if not target.exists() or target.read_text(encoding="utf-8") != payload:
        target.write_text(payload, encoding="utf-8")
    return folder


def hit(answer: Answer, answers: list[str]) -> bool:
    """hit@1: the answer answers, and its first quote holds one of the answers."""
    return answer.answered and bool(answer.quotes) and quote_hits(answer.quotes[0], answers)


def right(answer: Answer, answers: list[str]) -> bool:
    """A turn is right: hit@1 when it has answers, a decline when it has none."""
    return hit(answer, answers) if answers else not answer.answered


_NAME = re.compile(r"(?<![\w'’])([A-Z][\w.-]*)")


def names_read(read_as: str | None, gold: str | None, question: str) -> bool | None:
    """Whether the reading holds every name the written-out reading adds to the question
    (the names after its first word, possessives aside): a check of the reading itself,
    whatever the search then finds. None for a turn with no written-out reading."""
    if gold is None:
        return None

    def names(text: str) -> set[str]:
        return {re.sub(r"['’]s$", "", m).lower() for m in _NAME.findall(text[1:])}

    read = {re.sub(r"['’]s$", "", w).lower() for w in re.findall(r"[\w.'’-]+", read_as or "")}
    return names(gold) - names(question) - {"i"} <= read


def timed(call: Callable[..., Answer], *args: Any, **kwargs: Any) -> tuple[Answer, float]:
    started = time.perf_counter()
    answer = call(*args, **kwargs)
    return answer, (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", action="store_true", help="Print every leaning turn as read.")
    parser.add_argument("--reader", default="off", choices=["off", "int8", "fp32"])
    args = parser.parse_args()
    conversations = [json.loads(line) for line in CONVERSATIONS.read_text().splitlines() if line]
    embedder = make_embedder("fp32", cache_dir=ROOT / "var" / "models")
    index_dir = FOLDER / "index"
    summary = build_index(corpus(conversations), index_dir, embedder, BuildOptions())
    print(f"index: {summary.articles} articles, {summary.chunks} chunks", file=sys.stderr)
    reader = None
    if args.reader != "off":
        reader = Reader(cache_dir=ROOT / "var" / "models", precision=args.reader)
    answerer = Answerer(index_dir, embedder, reader=reader)
    for _ in range(3):
        answerer.ask("warm up")

    rows = []
    for conversation in conversations:
        talk = Conversation()
        for number, turn in enumerate(conversation["turns"]):
            day = dt.date.fromisoformat(turn["as_of"])
            question, answers = turn["question"], turn["answers"]
            alone, alone_ms = timed(answerer.ask, question, as_of=day)
            follow, context_ms = timed(talk.ask, answerer.ask, question, as_of=day)
            written = answerer.ask(turn["read_as"], as_of=day) if turn["read_as"] else None
            rows.append(
                {
                    "id": f"{conversation['id']}.{number + 1}",
                    "kind": turn["kind"],
                    "question": question,
                    "read_as": follow.read_as,
                    "gold_read_as": turn["read_as"],
                    "answerable": bool(answers),
                    "alone": right(alone, answers),
                    "context": right(follow, answers),
                    "gold": right(written, answers) if written else None,
                    # "who else" names the people it asks past; its reading leaves them out
                    "names_read": None
                    if turn["kind"] == "who-else"
                    else names_read(follow.read_as, turn["read_as"], question),
                    "alone_ms": alone_ms,
                    "context_ms": context_ms,
                }
            )
            if args.show and (turn["read_as"] or follow.read_as):
                flag = "+" if rows[-1]["context"] else "-"
                print(f"{flag} [{turn['kind']}] {question}\n    read: {follow.read_as}")
                print(f"    gold: {turn['read_as']}")

    by_kind: dict[str, dict[str, float]] = {}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["kind"]].append(row)
        groups["follow-ups (" + ", ".join(LEANING) + ")" if row["kind"] in LEANING else ""].append(
            row
        )
        if row["kind"] in STANDING:
            groups["standing alone (standalone, topic-change)"].append(row)
    groups.pop("", None)
    for name, members in groups.items():
        answerable = [r for r in members if r["answerable"]]
        n = max(len(answerable), 1)
        by_kind[name] = {
            "turns": len(members),
            "answerable": len(answerable),
            "hit@1_alone": round(sum(r["alone"] for r in answerable) / n, 3),
            "hit@1_context": round(sum(r["context"] for r in answerable) / n, 3),
            "read_as_follow_up": sum(r["read_as"] is not None for r in members),
        }
        named = [r["names_read"] for r in members if r["names_read"] is not None]
        if named:
            by_kind[name]["gold_names_in_reading"] = round(sum(named) / len(named), 3)
        golds = [r for r in answerable if r["gold"] is not None]
        if golds:
            by_kind[name]["hit@1_gold_read_as"] = round(
                sum(r["gold"] for r in golds) / len(golds), 3
            )
    unanswerable = [r for r in rows if not r["answerable"]]

    follow_ms = [r["context_ms"] for r in rows if r["read_as"] is not None]
    same_alone_ms = [r["alone_ms"] for r in rows if r["read_as"] is not None]
    plain_ms = [r["alone_ms"] for r in rows if r["kind"] in STANDING]
    started = time.perf_counter()
    repeats = 20
    for _ in range(repeats):
        for conversation in conversations:
            previous = None
            for turn in conversation["turns"]:
                reading = read_question(turn["question"], previous)
                words = turn["answers"][0] if turn["answers"] else None
                previous = Turn(reading.question, reading.read_as, None, words)
    reading_us = (time.perf_counter() - started) / (repeats * len(rows)) * 1e6
    latency = {
        "follow_up_p50_ms": round(statistics.median(follow_ms), 2),
        "same_turns_alone_p50_ms": round(statistics.median(same_alone_ms), 2),
        "plain_question_p50_ms": round(statistics.median(plain_ms), 2),
        "follow_up_over_plain": round(
            statistics.median(follow_ms) / statistics.median(plain_ms), 3
        ),
        "reading_us_per_question": round(reading_us, 1),
        "follow_ups_timed": len(follow_ms),
        "plain_timed": len(plain_ms),
    }
    results = {
        "data": "bench/data/conversations.jsonl (development data: development figures)",
        "index": {"articles": summary.articles, "chunks": summary.chunks},
        "reader": args.reader,
        "by_kind": by_kind,
        "unanswerable_declined": {
            "turns": len(unanswerable),
            "alone": sum(r["alone"] for r in unanswerable),
            "context": sum(r["context"] for r in unanswerable),
        },
        "latency": latency,
        "turns": rows,
    }
    for name, figures in by_kind.items():
        ceiling = figures.get("hit@1_gold_read_as")
        extra = f"  gold read_as {ceiling:.3f}" if ceiling is not None else ""
        if "gold_names_in_reading" in figures:
            extra += f"  names read {figures['gold_names_in_reading']:.3f}"
        print(
            f"{name:48} n={figures['answerable']:3}  alone {figures['hit@1_alone']:.3f}  "
            f"context {figures['hit@1_context']:.3f}{extra}"
        )
    print(json.dumps(latency))
    suffix = "" if args.reader == "off" else "_reader"
    write_results(RESULTS.with_name(f"eval_followups{suffix}.json"), results)


if __name__ == "__main__":
    main()
