"""Public evaluation sets from ../shared/data, turned into corpora and QA items under var/bench.

The datasets are research-only: they are read from ../shared/data and the working copies
live in var/ (git-ignored), never in the repository.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
WORK = ROOT / "var" / "bench"


def index_folder(name: str, encoder: str = "fp32") -> Path:
    """Where bench/build_public.py keeps the index of a public set built by `encoder`."""
    return WORK / (name if encoder == "fp32" else f"{name}-{encoder}") / "index"


def results_file(stem: str, encoder: str = "fp32") -> Path:
    """bench/results/<stem>.json, or <stem>_<encoder>.json for an encoder other than fp32."""
    name = stem if encoder == "fp32" else f"{stem}_{encoder}"
    return ROOT / "bench" / "results" / f"{name}.json"


def index_encoder(folder: Path) -> str:
    """The encoder ("fp32" or "int8") the index in `folder` was built with."""
    from index.reader import index_precision
    from index.store import read_manifest

    return index_precision(read_manifest(folder.resolve()))


def _write_corpus(name: str, records: list[dict]) -> Path:
    folder = WORK / name / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "articles.jsonl"
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if not target.exists() or target.read_text(encoding="utf-8") != payload:
        target.write_text(payload, encoding="utf-8")
    return folder


def newsqa(
    sample: int = 1000, seed: int = 0, exclude_seed: int | None = None
) -> tuple[Path, list[dict]]:
    """The NewsQA corpus folder and a seeded sample of its questions (QA-file shape).

    `exclude_seed` draws the sample from the questions that the sample of that other seed
    does not contain (a disjoint dev set for tuning).
    """
    src = DATA / "newsqa-subset"
    articles = [json.loads(line) for line in (src / "articles.jsonl").open(encoding="utf-8")]
    corpus = _write_corpus(
        "newsqa", [{"id": a["id"], "text": a["text"], "source": a["source"]} for a in articles]
    )
    questions = [json.loads(line) for line in (src / "questions.jsonl").open(encoding="utf-8")]
    pool = questions
    if exclude_seed is not None:
        held = {q["id"] for q in random.Random(exclude_seed).sample(questions, sample)}
        pool = [q for q in questions if q["id"] not in held]
    chosen = random.Random(seed).sample(pool, sample)
    items = [
        {"question": q["question"], "answers": [q["answer"]], "articles": [q["article_id"]]}
        for q in chosen
    ]
    return corpus, items


def xquad() -> tuple[Path, list[dict]]:
    """The XQuAD-en paragraphs as a corpus (one article each) and all its questions."""
    data = json.loads((DATA / "xquad-en" / "xquad.en.json").read_text(encoding="utf-8"))
    records, items = [], []
    for article in data["data"]:
        for number, paragraph in enumerate(article["paragraphs"]):
            article_id = f"{article['title']}/{number}"
            records.append(
                {
                    "id": article_id,
                    "title": article["title"].replace("_", " "),
                    "text": paragraph["context"],
                }
            )
            for qa in paragraph["qas"]:
                items.append(
                    {
                        "question": qa["question"],
                        "answers": [a["text"] for a in qa["answers"]],
                        "articles": [article_id],
                    }
                )
    return _write_corpus("xquad", records), items


def write_results(path: Path, results: dict) -> None:
    """Write a benchmark's figures as JSON (creating bench/results/) and say where."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


Spans = list[list[tuple[int, int]]]


def bbc_chunks(
    embedder: Any, *, chunks: int | None = None, articles: int | None = None
) -> tuple[list[str], Spans]:
    """BBC chunks cut as an index cuts them (128 tokens, 32 overlap), with each chunk's
    sentence spans: the first `chunks` of them, or all those of the first `articles`."""
    from index.chunking import chunk_sentences, segment
    from index.cleaning import clean_body

    texts: list[str] = []
    spans: Spans = []
    with (DATA / "bbc-news" / "articles.jsonl").open(encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if articles is not None and n == articles:
                break
            article = json.loads(line)
            text = clean_body(article["text"], article["title"]).text
            sentences, sizes = segment(text, max_tokens=128, count=embedder.count_tokens)
            for chunk in chunk_sentences(sentences, sizes, max_tokens=128, overlap_tokens=32):
                texts.append(text[chunk.start : chunk.end])
                spans.append(
                    [
                        (s.start - chunk.start, s.end - chunk.start)
                        for s in sentences[chunk.first_sentence : chunk.last_sentence + 1]
                    ]
                )
                if len(texts) == chunks:
                    return texts, spans
    return texts, spans
