"""Encoders side by side on the same 2,000 BBC chunks: speed, and cosine to fp32 torch.

    .venv/bin/python bench/encoder_parity.py [--chunks 2000]

Candidates: the fp32 sentence-transformers model (the reference), ONNX Runtime fp32 (plain
and fused), ONNX Runtime dynamic int8 with one scale per tensor and per channel (plain and
fused: the shipped int8 encoder), and torch's own dynamic int8 quantization. For each it
prints chunks per second (batch 32, both cores), the median and minimum cosine of its chunk
vectors and of its sentence vectors (pooled from the chunk's token vectors) to the
reference, and the time to embed one question (one thread). The ONNX variants are exported
in a child process, as the shipped encoder is. Figures go to bench/results/encoder_parity.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import ROOT, bbc_chunks
from index import SentenceEmbedder
from index.embedder import default_model_path
from index.onnx_encoder import Int8Embedder

RESULTS = ROOT / "bench" / "results" / "encoder_parity.json"
SPEED_CHUNKS = 500  # timed alternately with torch fp32, in slices of SPEED_SLICE
SPEED_SLICE = 100
VARIANT_COSINE_CHUNKS = 500


def export_variants(folder: Path) -> None:
    """Write every ONNX variant into `folder` (run in a child process)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from index.onnx_export import _export_fp32, _fuse

    model = default_model_path()
    _export_fp32(model, folder / "fp32.onnx")
    _fuse(model, folder / "fp32.onnx", folder / "fused-fp32.onnx")
    extra = {"DefaultTensorType": onnx.TensorProto.FLOAT}
    for name, source, per_channel in (
        ("int8-per-tensor", "fp32", False),
        ("int8-per-channel", "fp32", True),
        ("fused-int8-per-tensor", "fused-fp32", False),
        ("fused-int8-per-channel-all", "fused-fp32", True),
    ):
        quantize_dynamic(
            str(folder / f"{source}.onnx"),
            str(folder / f"{name}.onnx"),
            per_channel=per_channel,
            weight_type=QuantType.QInt8,
            extra_options=extra,
        )


def questions() -> list[str]:
    lines = (ROOT / "tests" / "data" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line]


def question_ms(embedder, asked: list[str]) -> float:
    for q in asked[:10]:
        embedder.embed([q])
    times = []
    for _ in range(3):
        for q in asked:
            started = time.perf_counter()
            embedder.embed([q])
            times.append(time.perf_counter() - started)
    return round(1000 * float(np.median(times)), 2)


def cosines(embedder, texts, spans, reference) -> dict:
    vectors, sentence_vectors = embedder.embed_with_spans(texts, spans)
    chunk_cos = (vectors * reference[0][: len(texts)]).sum(axis=1)
    sent_cos = np.concatenate(
        [(a * b).sum(axis=1) for a, b in zip(sentence_vectors, reference[1], strict=False)]
    )
    return {
        "cosine_chunks": len(texts),
        "chunk_cosine_median": round(float(np.median(chunk_cos)), 4),
        "chunk_cosine_min": round(float(chunk_cos.min()), 4),
        "sentence_cosine_median": round(float(np.median(sent_cos)), 4),
        "sentence_cosine_min": round(float(sent_cos.min()), 4),
    }


def speed(candidate, fp32, texts, spans) -> dict:
    """Chunks/s of both, alternating slices so that the machine's drift hits both alike."""
    seconds = {"candidate": 0.0, "fp32": 0.0}
    for begin in range(0, len(texts), SPEED_SLICE):
        part = slice(begin, begin + SPEED_SLICE)
        for name, embedder in (("candidate", candidate), ("fp32", fp32)):
            started = time.perf_counter()
            embedder.embed_with_spans(texts[part], spans[part])
            seconds[name] += time.perf_counter() - started
    return {
        "speed_chunks": len(texts),
        "chunks_per_s": round(len(texts) / seconds["candidate"], 1),
        "torch_fp32_chunks_per_s_alongside": round(len(texts) / seconds["fp32"], 1),
        "speedup_over_torch_fp32": round(seconds["fp32"] / seconds["candidate"], 2),
    }


def _with_session(embedder: Int8Embedder, path: Path, threads: int) -> Int8Embedder:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    embedder._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    embedder._inputs = {i.name for i in embedder._session.get_inputs()}
    return embedder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=2000)
    parser.add_argument("--export-variants", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_variants:
        export_variants(args.export_variants)
        return
    results: dict = {"machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}}
    fp32 = SentenceEmbedder()
    texts, spans = bbc_chunks(fp32, chunks=args.chunks)
    asked = questions()
    results["chunks"], results["sentences"] = len(texts), sum(len(s) for s in spans)
    reference = fp32.embed_with_spans(texts, spans)
    results["torch fp32 (sentence-transformers)"] = {"question_ms": question_ms(fp32, asked)}
    fast, fast_spans = texts[:SPEED_CHUNKS], spans[:SPEED_CHUNKS]
    few, few_spans = texts[:VARIANT_COSINE_CHUNKS], spans[:VARIANT_COSINE_CHUNKS]
    with tempfile.TemporaryDirectory(prefix="newsdesk-parity-") as tmp:
        cache = Path(tmp) / "cache"
        shipped = Int8Embedder(cache_dir=cache, threads=2)
        row = cosines(shipped, texts, spans, reference) | speed(shipped, fp32, fast, fast_spans)
        row["question_ms"] = question_ms(Int8Embedder(cache_dir=cache, threads=1), asked)
        results["ORT int8 (shipped: fused, per-channel, feed-forward outputs fp32)"] = row
        print("shipped", row, flush=True)
        subprocess.run(
            [sys.executable, __file__, "--export-variants", tmp], check=True, capture_output=True
        )
        for name in ("fused-fp32", "fused-int8-per-tensor", "fused-int8-per-channel-all"):
            onnx_file = Path(tmp) / f"{name}.onnx"
            candidate = _with_session(Int8Embedder(cache_dir=cache), onnx_file, 2)
            row = cosines(candidate, few, few_spans, reference)
            row |= speed(candidate, fp32, fast, fast_spans)
            row["question_ms"] = question_ms(_with_session(candidate, onnx_file, 1), asked)
            results[f"ORT {name}"] = row
            print(name, row, flush=True)
    _torch_dynamic(texts, spans, reference, asked, results)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    _print_table(results)
    print(f"(figures in {RESULTS.relative_to(ROOT)})")


def _torch_dynamic(texts, spans, reference, asked, results) -> None:
    import torch

    fp32, quantized = SentenceEmbedder(), SentenceEmbedder()
    quantized._transformer = torch.ao.quantization.quantize_dynamic(
        quantized._transformer, {torch.nn.Linear}, dtype=torch.qint8
    )
    few, few_spans = texts[:VARIANT_COSINE_CHUNKS], spans[:VARIANT_COSINE_CHUNKS]
    row = cosines(quantized, few, few_spans, reference)
    row |= speed(quantized, fp32, texts[:SPEED_CHUNKS], spans[:SPEED_CHUNKS])
    row["question_ms"] = question_ms(quantized, asked)
    results["torch dynamic int8"] = row
    print("torch dynamic int8", row, flush=True)


def _print_table(results: dict) -> None:
    print(
        "\n| encoder | chunks/s (torch fp32 alongside) | speed-up | chunk cosine median / min "
        "| sentence cosine median / min | one question |\n|---|---|---|---|---|---|"
    )
    for name, r in results.items():
        if not isinstance(r, dict) or "chunks_per_s" not in r:
            continue
        print(
            f"| {name} | {r['chunks_per_s']:.1f} ({r['torch_fp32_chunks_per_s_alongside']:.1f}) "
            f"| {r['speedup_over_torch_fp32']:.2f}× "
            f"| {r['chunk_cosine_median']:.4f} / {r['chunk_cosine_min']:.4f} "
            f"| {r['sentence_cosine_median']:.4f} / {r['sentence_cosine_min']:.4f} "
            f"| {r['question_ms']:.1f} ms |"
        )
    print(
        f"| torch fp32 | | 1× | reference | reference "
        f"| {results['torch fp32 (sentence-transformers)']['question_ms']:.1f} ms |"
    )


if __name__ == "__main__":
    main()
