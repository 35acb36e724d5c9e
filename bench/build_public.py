"""Build (or update) the indexes of the public evaluation corpora under var/bench, with the
default encoder (the model's fused fp32 ONNX export), as `newsdesk index build` does."""

from __future__ import annotations

import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, WORK, newsqa, xquad
from index import build_index, make_embedder


def main() -> None:
    embedder = make_embedder("fp32", cache_dir=ROOT / "var" / "models")
    for name, (corpus, _) in (("xquad", xquad()), ("newsqa", newsqa())):
        started = time.perf_counter()
        summary = build_index(corpus, WORK / name / "index", embedder)
        print(
            f"{name}: {summary.articles} articles, {summary.chunks} chunks, "
            f"{summary.embedded_chunks} embedded in {time.perf_counter() - started:.1f} s"
        )


if __name__ == "__main__":
    main()
