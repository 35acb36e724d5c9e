"""One index build in a process of its own, for the tests that kill it midway.

Usage: python build_worker.py CORPUS_DIR INDEX_DIR
Prints "ready" once imported, each progress step as "PHASE DONE TOTAL", and "done N" at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from index import BuildOptions, build_index
from tests.fakes import FakeEmbedder


def _progress(phase: str, done: int, total: int) -> None:
    print(phase, done, total, flush=True)


def main() -> None:
    corpus, index_dir = Path(sys.argv[1]), Path(sys.argv[2])
    print("ready", flush=True)
    summary = build_index(corpus, index_dir, FakeEmbedder(), BuildOptions(), progress=_progress)
    print("done", summary.articles, flush=True)


if __name__ == "__main__":
    main()
