"""Index build speed: the whole build beside bare `SentenceTransformer.encode`, and incremental.

Run: .venv/bin/python bench/index_build.py [--runs 3] [--no-bbc] [--encoder torch|fp32|int8]

For the bundled corpus and the 2,225 BBC articles of ../shared/data/bbc-news (read from there,
worked on in a temp folder, never copied into the repo) it prints the chunks per second of the
whole build (load, clean, segment, embed chunks and sentences, BM25, FAISS, SQLite, swap) beside
those of bare `model.encode` on the same chunk texts with the same batch size, and the overhead.
Then it changes one BBC article at a time and times the incremental build, beside the time the
model takes to encode that article's chunks. `--encoder` picks the encoder that builds
(default torch: sentence-transformers; fp32: the fused fp32 ONNX export, the default of
`newsdesk`; int8); the bare encode stays fp32 sentence-transformers, so the ratio is the
encoder's speed-up over it on the same chunks. Figures go to bench/results/index_build.json
(torch) or bench/results/index_build_<encoder>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import (  # noqa: E402
    BuildOptions,
    SentenceEmbedder,
    build_index,
    default_model_path,
    load_index,
    make_embedder,
)

BBC = ROOT.parent / "shared" / "data" / "bbc-news" / "articles.jsonl"
RESULTS = ROOT / "bench" / "results" / "index_build.json"
BATCH_SIZE = 32


class TimedEmbedder:
    """The real embedder, timing the seconds the build spends inside the model."""

    def __init__(self, embedder: SentenceEmbedder) -> None:
        self._embedder = embedder
        self.name, self.fingerprint = embedder.name, embedder.fingerprint
        self.precision = embedder.precision
        self.dim, self.max_tokens = embedder.dim, embedder.max_tokens
        self.model_seconds = 0.0

    def count_tokens(self, texts):
        return self._embedder.count_tokens(texts)

    def embed(self, texts):
        return self._embedder.embed(texts)

    def embed_with_spans(self, texts, spans):
        started = time.perf_counter()
        try:
            return self._embedder.embed_with_spans(texts, spans)
        finally:
            self.model_seconds += time.perf_counter() - started


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _chunk_texts(index_dir: Path) -> list[str]:
    opened = load_index(index_dir)
    return [opened.chunk_text(c) for c in range(opened.n_chunks)]


def _encode_seconds(model, texts: list[str]) -> float:
    started = time.perf_counter()
    model.encode(texts, batch_size=BATCH_SIZE, convert_to_numpy=True, show_progress_bar=False)
    return time.perf_counter() - started


def bench_full(name: str, corpus: Path, work: Path, embedder, model, runs: int) -> dict:
    """Full builds (every chunk embedded) and bare encodes of the same chunks, `runs` of each."""
    build_seconds, encode_seconds, outside_model = [], [], []
    summary = None
    for run in range(runs):
        timed = TimedEmbedder(embedder)
        summary = build_index(corpus, work / "index", timed, BuildOptions(rebuild=True))
        build_seconds.append(summary.seconds)
        outside_model.append(summary.seconds - timed.model_seconds)
        texts = _chunk_texts(work / "index")
        encode_seconds.append(_encode_seconds(model, texts))
        print(
            f"  {name} run {run + 1}: build {build_seconds[-1]:.1f} s "
            f"({outside_model[-1]:.1f} s outside the model), encode {encode_seconds[-1]:.1f} s",
            file=sys.stderr,
        )
    assert summary is not None
    build_s, encode_s = _median(build_seconds), _median(encode_seconds)
    return {
        "articles": summary.articles,
        "chunks": summary.chunks,
        "sentences": summary.sentences,
        "runs": runs,
        "build_seconds": round(build_s, 2),
        "encode_seconds": round(encode_s, 2),
        "build_chunks_per_s": round(summary.chunks / build_s, 1),
        "encode_chunks_per_s": round(summary.chunks / encode_s, 1),
        "overhead_pct": round(100 * (build_s / encode_s - 1), 1),
        # Load on a shared machine can drift between the build and the bare encode; the
        # seconds the build spends outside the model do not depend on that drift as much.
        "seconds_outside_model": round(_median(outside_model), 2),
        "outside_model_pct_of_encode": round(100 * _median(outside_model) / encode_s, 1),
    }


def change_one(corpus_file: Path, line_number: int, stamp: int) -> str:
    """Append a sentence to the article on `line_number`; its id."""
    lines = corpus_file.read_text(encoding="utf-8").split("\n")
    record = json.loads(lines[line_number])
    record["text"] += f"\n\nThe figures were revised on day {stamp} of the review."
    lines[line_number] = json.dumps(record, ensure_ascii=False)
    corpus_file.write_text("\n".join(lines), encoding="utf-8")
    return str(record.get("id", record.get("doc_id")))  # BBC and RealTimeQA name it apart


def bench_incremental(corpus: Path, work: Path, embedder, model, runs: int) -> dict:
    """Rebuilds after changing one article each time, over the index `bench_full` left."""
    unchanged = build_index(corpus, work / "index", embedder)
    total, encode, embedded = [], [], []
    for run in range(runs):
        article_id = change_one(corpus / "articles.jsonl", 100 + 97 * run, run)
        summary = build_index(corpus, work / "index", embedder)
        assert (summary.updated, summary.added, summary.removed) == (1, 0, 0), summary
        opened = load_index(work / "index")
        idx = [a.article_id for a in opened.articles].index(article_id)
        texts = [
            opened.chunk_text(c) for c in range(opened.n_chunks) if opened.chunk_article(c) == idx
        ]
        total.append(summary.seconds)
        encode.append(_median([_encode_seconds(model, texts) for _ in range(3)]))
        embedded.append(summary.embedded_chunks)
        print(
            f"  incremental run {run + 1}: {total[-1]:.2f} s, {embedded[-1]} chunks embedded, "
            f"their bare encode {encode[-1]:.3f} s",
            file=sys.stderr,
        )
    return {
        "runs": runs,
        "unchanged_rebuild_seconds": round(unchanged.seconds, 2),
        "seconds": round(_median(total), 2),
        "embedded_chunks": int(_median([float(e) for e in embedded])),
        "encode_one_article_seconds": round(_median(encode), 3),
        "seconds_beyond_encoding": round(_median(total) - _median(encode), 2),
        "target": "under 2 s plus the encoding of the changed article",
    }


def bench_hnsw_recall(index_dir: Path, embedder, queries: list[str]) -> dict:
    """Recall@10 of the HNSW index the build would choose, against exact search, real vectors."""
    import numpy as np

    from index.reader import _HNSW_EF_SEARCH
    from index.store import choose_faiss_index

    vectors = np.asarray(load_index(index_dir).chunk_vectors, dtype=np.float32)
    hnsw, kind = choose_faiss_index(vectors, ann_threshold=0)
    hnsw.hnsw.efSearch = _HNSW_EF_SEARCH
    flat, _ = choose_faiss_index(vectors, ann_threshold=len(vectors) + 1)
    query_vectors = embedder.embed(queries)
    _, found = hnsw.search(query_vectors, 10)
    _, exact = flat.search(query_vectors, 10)
    recall = np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact, strict=True)])
    return {
        "index_type": kind,
        "vectors": len(vectors),
        "queries": len(queries),
        "recall_at_10": round(float(recall), 4),
    }


def _table(results: dict) -> str:
    rows = [
        ("corpus", "chunks", "build s", "build ch/s", "encode ch/s", "overhead", "outside model")
    ]
    for name in ("bundled", "bbc"):
        if name in results:
            r = results[name]
            rows.append(
                (
                    name,
                    str(r["chunks"]),
                    f"{r['build_seconds']:.1f}",
                    f"{r['build_chunks_per_s']:.1f}",
                    f"{r['encode_chunks_per_s']:.1f}",
                    f"{r['overhead_pct']:+.1f} %",
                    f"{r['seconds_outside_model']:.2f} s "
                    f"({r['outside_model_pct_of_encode']:.1f} %)",
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    if "bbc_incremental" in results:
        inc = results["bbc_incremental"]
        lines.append(
            f"BBC, one article changed: {inc['seconds']:.2f} s in all "
            f"({inc['embedded_chunks']} chunks embedded; their bare encode "
            f"{inc['encode_one_article_seconds']:.3f} s; "
            f"the rest {inc['seconds_beyond_encoding']:.2f} s)"
            f"; nothing changed: {inc['unchanged_rebuild_seconds']:.2f} s"
        )
    if "bbc_hnsw" in results:
        h = results["bbc_hnsw"]
        lines.append(
            f"HNSW recall@10 vs exact on {h['vectors']} real BBC chunk vectors: "
            f"{h['recall_at_10']:.3f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of the bundled-corpus builds")
    parser.add_argument("--no-bbc", action="store_true", help="skip the BBC corpus (minutes)")
    parser.add_argument("--encoder", default="torch", choices=["torch", "fp32", "int8"])
    args = parser.parse_args()

    from sentence_transformers import SentenceTransformer

    started = time.perf_counter()
    embedder = (
        SentenceEmbedder(batch_size=BATCH_SIZE)
        if args.encoder == "torch"
        else make_embedder(args.encoder, cache_dir=ROOT / "var" / "models")
    )
    model_load = time.perf_counter() - started
    model = SentenceTransformer(str(default_model_path()), device="cpu", local_files_only=True)
    results: dict = {
        "machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()},
        "batch_size": BATCH_SIZE,
        "encoder": args.encoder,
        "model_load_seconds": round(model_load, 2),
    }
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as tmp:
        work = Path(tmp)
        results["bundled"] = bench_full(
            "bundled", ROOT / "corpus", work / "bundled", embedder, model, args.runs
        )
        if not args.no_bbc:
            corpus = work / "bbc" / "corpus"
            corpus.mkdir(parents=True)
            shutil.copyfile(BBC, corpus / "articles.jsonl")
            results["bbc"] = bench_full("bbc", corpus, work / "bbc", embedder, model, 1)
            results["bbc_incremental"] = bench_incremental(corpus, work / "bbc", embedder, model, 5)
            titles = [json.loads(line)["title"] for line in BBC.open(encoding="utf-8")][::11]
            results["bbc_hnsw"] = bench_hnsw_recall(work / "bbc" / "index", embedder, titles)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    named = RESULTS.with_name(f"index_build_{args.encoder}.json")
    out = RESULTS if args.encoder == "torch" else named
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(_table(results))
    print(f"(figures in {out.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
