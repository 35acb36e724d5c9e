"""The build's embedding call against bare `model.encode`, interleaved on the same chunks.

The build embeds chunks and, from the same model pass, their sentences
(`SentenceEmbedder.embed_with_spans`). This times it against sentence-transformers'
`encode` on the chunks of the first 600 BBC articles, alternating the two so that drift of
the machine hits both alike.

    .venv/bin/python bench/embed_parity.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, bbc_chunks
from index import SentenceEmbedder

ARTICLES = 600
ROUNDS = 2


def main() -> None:
    embedder = SentenceEmbedder()
    texts, spans = bbc_chunks(embedder, articles=ARTICLES)
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        embedder._model.encode(texts, batch_size=embedder.batch_size, show_progress_bar=False)
        encoded = time.perf_counter()
        embedder.embed_with_spans(texts, spans)
        done = time.perf_counter()
        rounds.append(
            {"encode_s": round(encoded - started, 2), "build_call_s": round(done - encoded, 2)}
        )
        print(
            f"{len(texts)} chunks: bare encode {rounds[-1]['encode_s']} s, "
            f"build's embed_with_spans {rounds[-1]['build_call_s']} s"
        )
    out = ROOT / "bench" / "results" / "embed_parity.json"
    out.write_text(json.dumps({"chunks": len(texts), "rounds": rounds}, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
