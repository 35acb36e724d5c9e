"""The whole RealTimeQA archive (5,270 articles) through `newsdesk index build`, as a user runs it.

    .venv/bin/python bench/archive_build.py [--encoder fp32|int8] [--updates 3] [--articles N]

1. From an empty index, `newsdesk index build` in a process of its own: wall time, the
   summary line (chunks/s and the build's peak resident memory) and the load average.
2. A one-article update: one article changed, the same command again (`--updates` times).
   With `--reuse`, the index left by an earlier run is kept and only steps 2 and 3 run.
3. Query latency on that index, measured as bench/query_latency.py does (`Answerer.ask`
   over the archive's own questions, three rounds after a warm-up), and recall@10 of the
   index's HNSW against exact search.

The articles are read from ../shared/data; the working copy lives under var/bench
(git-ignored). Figures go to bench/results/archive_build.json (archive_build_int8.json for
`--encoder int8`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import DATA, ROOT, WORK, results_file
from bench.index_build import change_one

ARCHIVE = DATA / "realtimeqa"
NEWSDESK = Path(sys.executable).with_name("newsdesk")
_SUMMARY = re.compile(
    r"in (?P<seconds>[\d.]+) s \((?P<rate>[\d.]+) chunks/s\); peak memory (?P<peak>[\d,]+) MiB"
)


def run_build(corpus: Path, index_dir: Path, env: dict[str, str]) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [str(NEWSDESK), "index", "build", "--corpus", str(corpus), "--index", str(index_dir)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    summary = done.stdout.strip().splitlines()[-1]
    found = _SUMMARY.search(summary)
    assert found, summary
    return {
        "wall_seconds": round(wall, 2),
        "build_seconds": float(found["seconds"]),
        "chunks_per_s": float(found["rate"]),
        "peak_memory_mib": int(found["peak"].replace(",", "")),
        "summary": summary,
        "load_average": os.getloadavg(),
    }


def query_side(index_dir: Path, encoder: str, cache: Path) -> dict:
    from bench.query_latency import measure
    from index import make_embedder
    from index.reader import _HNSW_EF_SEARCH
    from index.store import choose_faiss_index
    from retrieval import Answerer

    embedder = make_embedder(encoder, cache_dir=cache, threads=2)
    answerer = Answerer(index_dir, embedder)
    questions = [
        json.loads(line)["question"]
        for line in (ARCHIVE / "questions.jsonl").open(encoding="utf-8")
    ]
    latency = measure(answerer, questions)
    opened = answerer.index
    live = np.flatnonzero(opened.chunk_live)  # chunks of replaced articles are never answers
    vectors = np.asarray(opened.chunk_vectors, dtype=np.float32)[live]
    exact, _ = choose_faiss_index(vectors, ann_threshold=len(vectors) + 1)
    query_vectors = embedder.embed(questions)
    _, truth = exact.search(query_vectors, 10)
    truth = live[truth]
    found = np.stack([opened.dense_search(v, 10)[0] for v in query_vectors])
    recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])
    return {
        "index_type": opened.manifest["index_type"],
        "hnsw_ef_search": _HNSW_EF_SEARCH,
        "chunks": opened.n_chunks,
        **latency,
        "hnsw_recall_at_10": round(float(recall), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="fp32", choices=["fp32", "int8"])
    parser.add_argument("--updates", type=int, default=3)
    parser.add_argument(
        "--articles", type=int, default=0, help="only the first N articles (0: all 5,270)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the index of an earlier run: updates only"
    )
    args = parser.parse_args()
    work = WORK / "realtimeqa"
    corpus = work / "corpus"
    reuse = args.reuse and (work / "index").exists()
    if not reuse:
        shutil.rmtree(work, ignore_errors=True)
        corpus.mkdir(parents=True)
        with (ARCHIVE / "articles.jsonl").open(encoding="utf-8") as source:
            lines = source.readlines()
        lines = lines[: args.articles] if args.articles else lines
        (corpus / "articles.jsonl").write_text("".join(lines), encoding="utf-8")
    lines = (corpus / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    cache = ROOT / "var" / "models"
    env = {**os.environ, "NEWSDESK_ENCODER": args.encoder, "NEWSDESK_MODEL_CACHE": str(cache)}
    results: dict = {"encoder": args.encoder, "cpus": os.cpu_count(), "articles": len(lines)}
    results["uptime_before"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout
    if not reuse:
        results["full_build"] = run_build(corpus, work / "index", env)
        print("full build:", results["full_build"], flush=True)
    updates = []
    for n in range(args.updates):
        change_one(corpus / "articles.jsonl", (100 + 997 * n) % len(lines), n)
        updates.append(run_build(corpus, work / "index", env))
        print("one-article update:", updates[-1], flush=True)
    results["one_article_updates"] = updates
    results["query"] = query_side(work / "index", args.encoder, cache)
    print("query:", results["query"], flush=True)
    results["uptime_after"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout
    out = results_file("archive_build", args.encoder)
    out = out.with_name(f"{out.stem}_{args.articles}.json") if args.articles else out
    out = out.with_name(f"{out.stem}_updates.json") if reuse else out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"(figures in {out.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
