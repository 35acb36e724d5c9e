"""What a corpus of 1,000,000 chunks would cost on the query side: synthetic FAISS figures.

    .venv/bin/python bench/faiss_scale.py [--vectors 1000000] [--hnsw-vectors 200000]

Random unit vectors of 384 dimensions (as MiniLM's), queries drawn near stored vectors.
For IVF-PQ (1,024 lists, 48 sub-quantizers of 8 bits, 32 lists probed) and exact search it
uses the full count; HNSW (M 32, efConstruction 80, efSearch 128: the index's own settings)
is built on `--hnsw-vectors` only, since its build takes most of an hour at 1 M on two cores;
its build rate and memory per vector are measured there and scaled. Each row gives build
seconds, memory, the median search time of one query and recall@10 against exact search.
Figures go to bench/results/faiss_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT

DIM = 384
RESULTS = ROOT / "bench" / "results" / "faiss_scale.json"


def unit(rows: np.ndarray) -> np.ndarray:
    rows = rows.astype(np.float32)
    faiss.normalize_L2(rows)
    return rows


def vectors(count: int, seed: int = 0) -> np.ndarray:
    # Clustered, like embeddings of news: 2,000 topics with spread around each.
    rng = np.random.default_rng(seed)
    centres = unit(rng.standard_normal((2000, DIM)))
    out = np.empty((count, DIM), np.float32)
    for begin in range(0, count, 100_000):
        n = min(100_000, count - begin)
        picks = centres[rng.integers(0, len(centres), n)]
        out[begin : begin + n] = unit(picks + 0.08 * rng.standard_normal((n, DIM)))
    return out


def query_ms(faiss_index, queries: np.ndarray) -> tuple[float, np.ndarray]:
    times, found = [], []
    for q in queries:
        started = time.perf_counter()
        _, ids = faiss_index.search(q.reshape(1, -1), 10)
        times.append(time.perf_counter() - started)
        found.append(ids[0])
    return round(1000 * float(np.median(times)), 3), np.stack(found)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return round(
        float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])), 4
    )


def file_mib(faiss_index) -> float:
    with tempfile.NamedTemporaryFile() as handle:
        faiss.write_index(faiss_index, handle.name)
        return round(os.path.getsize(handle.name) / 2**20, 1)


def measure(name: str, faiss_index, data: np.ndarray, queries, truth, train=None) -> dict:
    started = time.perf_counter()
    if train is not None:
        faiss_index.train(train)
    for begin in range(0, len(data), 50_000):
        faiss_index.add(data[begin : begin + 50_000])
    build = time.perf_counter() - started
    ms, found = query_ms(faiss_index, queries)
    row = {
        "vectors": len(data),
        "build_seconds": round(build, 1),
        "index_mib": file_mib(faiss_index),
        "query_ms_median": ms,
        "recall_at_10": recall(found, truth),
    }
    print(name, row, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--hnsw-vectors", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    results: dict = {
        "load_average_at_start": os.getloadavg(),
        "threads": faiss.omp_get_max_threads(),
    }
    data = vectors(args.vectors)
    rng = np.random.default_rng(1)
    queries = unit(
        data[rng.integers(0, len(data), args.queries)]
        + 0.05 * rng.standard_normal((args.queries, DIM))
    )

    flat = faiss.IndexFlatIP(DIM)
    flat.add(data)
    exact_ms, truth = query_ms(flat, queries)
    results["exact"] = {
        "vectors": len(data),
        "index_mib": round(data.nbytes / 2**20, 1),
        "query_ms_median": exact_ms,
    }
    print("exact", results["exact"], flush=True)
    del flat

    quantizer = faiss.IndexFlatIP(DIM)
    ivfpq = faiss.IndexIVFPQ(quantizer, DIM, 1024, 48, 8, faiss.METRIC_INNER_PRODUCT)
    ivfpq.nprobe = 32
    results["ivf_pq"] = measure("ivf-pq", ivfpq, data, queries, truth, train=data[:100_000])
    del ivfpq

    small = data[: args.hnsw_vectors]
    small_flat = faiss.IndexFlatIP(DIM)
    small_flat.add(small)
    _, small_truth = small_flat.search(queries, 10)
    hnsw = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 80
    hnsw.hnsw.efSearch = 128
    row = measure("hnsw", hnsw, small, queries, small_truth)
    scale = len(data) / len(small)
    row["scaled_to"] = len(data)
    row["scaled_build_seconds"] = round(
        row["build_seconds"] * scale * np.log(len(data)) / np.log(len(small)), 0
    )
    row["scaled_index_mib"] = round(row["index_mib"] * scale, 0)
    results["hnsw"] = row
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)
    results["load_average_at_end"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"(figures in {RESULTS.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
