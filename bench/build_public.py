"""Build (or update) the indexes of the public evaluation corpora under var/bench."""

from __future__ import annotations

import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from bench.datasets import WORK, newsqa, xquad
from index import SentenceEmbedder, build_index


def main() -> None:
    embedder = SentenceEmbedder()
    for name, (corpus, _) in (("xquad", xquad()), ("newsqa", newsqa())):
        started = time.perf_counter()
        summary = build_index(corpus, WORK / name / "index", embedder)
        print(
            f"{name}: {summary.articles} articles, {summary.chunks} chunks, "
            f"{summary.embedded_chunks} embedded in {time.perf_counter() - started:.1f} s"
        )


if __name__ == "__main__":
    main()
