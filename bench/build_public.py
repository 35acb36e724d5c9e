"""Build (or update) the indexes of the public evaluation corpora under var/bench, with the
default encoder (the model's fused fp32 ONNX export), as `newsdesk index build` does.

    .venv/bin/python bench/build_public.py [--encoder int8]

`--encoder int8` builds them with the int8 encoder instead, beside the fp32 ones
(var/bench/<set>-int8/index), for bench/eval_public.py --encoder int8.
"""

from __future__ import annotations

import argparse
import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, index_folder, newsqa, xquad
from index import build_index, make_embedder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="fp32", choices=["fp32", "int8"])
    encoder = parser.parse_args().encoder
    embedder = make_embedder(encoder, cache_dir=ROOT / "var" / "models")
    for name, (corpus, _) in (("xquad", xquad()), ("newsqa", newsqa())):
        started = time.perf_counter()
        summary = build_index(corpus, index_folder(name, encoder), embedder)
        print(
            f"{name}: {summary.articles} articles, {summary.chunks} chunks, "
            f"{summary.embedded_chunks} embedded in {time.perf_counter() - started:.1f} s"
        )


if __name__ == "__main__":
    main()
