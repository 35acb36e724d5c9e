"""The RealTimeQA development questions as a QA file for `newsdesk eval`, dated by as_of.

Reads ../shared/data/realtimeqa/questions.jsonl and articles.jsonl, keeps the questions whose
answer stands in their retrieved articles (`answer_in_retrieved_text`), and writes one QA line
each (docs/design.md: question, answers, articles, as_of) to var/realtimeqa_dev.jsonl. `articles`
are the retrieved doc ids whose text holds the answer (case-insensitive, a leading "The "
dropped, as the dataset's own check does). The data is research-use only: the file stays in
var/, never in the repository.

    .venv/bin/python bench/realtimeqa_qa.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import DATA, ROOT

SOURCE = DATA / "realtimeqa"
TARGET = ROOT / "var" / "realtimeqa_dev.jsonl"


def answer_key(answer: str) -> str:
    """The answer as the dataset matched it: lower case, a leading "The " dropped."""
    text = answer.strip()
    if text.lower().startswith("the "):
        text = text[4:]
    return text.lower()


def convert(questions: list[dict], texts: dict[str, str]) -> tuple[list[dict], Counter[str]]:
    items, counts = [], Counter()
    for question in questions:
        counts["questions"] += 1
        if not question.get("answer_in_retrieved_text"):
            continue
        counts["answerable"] += 1
        key = answer_key(question["answer_text"])
        holders = [
            doc_id
            for doc_id in question["retrieved_doc_ids"]
            if doc_id in texts and key in texts[doc_id]
        ]
        if not holders:
            counts["no article holds the answer"] += 1
            continue
        items.append(
            {
                "question": question["question"],
                "answers": [question["answer_text"]],
                "articles": holders,
                "as_of": question["question_date"],
            }
        )
    return items, counts


def main() -> None:
    texts, published = {}, {}
    with (SOURCE / "articles.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            texts[article["doc_id"]] = article["text"].lower()
            published[article["doc_id"]] = article["published"]
    with (SOURCE / "questions.jsonl").open(encoding="utf-8") as lines:
        questions = [json.loads(line) for line in lines]
    items, counts = convert(questions, texts)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(
        "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), encoding="utf-8"
    )
    later = sum(all(published[a] > item["as_of"] for a in item["articles"]) for item in items)
    sources = Counter(len(item["articles"]) for item in items)
    print(f"questions read: {counts['questions']}")
    print(f"answerable (answer_in_retrieved_text): {counts['answerable']}")
    print(f"written: {len(items)} to {TARGET.relative_to(ROOT)}")
    missing = counts["no article holds the answer"]
    print(f"skipped, no retrieved article holds the answer: {missing}")
    print(f"answer only in articles published after as_of: {later}")
    print(f"answer-holding articles per question: {dict(sorted(sources.items()))}")


if __name__ == "__main__":
    main()
