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

from bench.datasets import DATA, ROOT
from index import Int8Embedder, SentenceEmbedder, chunk_sentences, clean_body, segment
from index.embedder import default_model_path

RESULTS = ROOT / "bench" / "results" / "encoder_parity.json"


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


def bbc_chunks(embedder, wanted: int) -> tuple[list[str], list[list[tuple[int, int]]]]:
    texts, spans = [], []
    with (DATA / "bbc-news" / "articles.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
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
                if len(texts) == wanted:
                    return texts, spans
    return texts, spans


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


def measure(embedder, texts, spans, reference, asked) -> dict:
    started = time.perf_counter()
    vectors, sentence_vectors = embedder.embed_with_spans(texts, spans)
    seconds = time.perf_counter() - started
    chunk_cos = (vectors * reference[0]).sum(axis=1)
    sent_cos = np.concatenate(
        [(a * b).sum(axis=1) for a, b in zip(sentence_vectors, reference[1], strict=True)]
    )
    return {
        "chunks_per_s": round(len(texts) / seconds, 1),
        "chunk_cosine_median": round(float(np.median(chunk_cos)), 4),
        "chunk_cosine_min": round(float(chunk_cos.min()), 4),
        "sentence_cosine_median": round(float(np.median(sent_cos)), 4),
        "sentence_cosine_min": round(float(sent_cos.min()), 4),
        "question_ms": question_ms(embedder, asked),
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
    reference_model = SentenceEmbedder()
    texts, spans = bbc_chunks(reference_model, args.chunks)
    asked = questions()
    results["chunks"], results["sentences"] = len(texts), sum(len(s) for s in spans)
    started = time.perf_counter()
    reference = reference_model.embed_with_spans(texts, spans)
    fp32_seconds = time.perf_counter() - started
    results["torch fp32 (sentence-transformers)"] = {
        "chunks_per_s": round(len(texts) / fp32_seconds, 1),
        "question_ms": question_ms(reference_model, asked),
    }
    print(f"{len(texts)} chunks; torch fp32 {results['torch fp32 (sentence-transformers)']}")
    with tempfile.TemporaryDirectory(prefix="newsdesk-parity-") as tmp:
        cache = Path(tmp) / "cache"
        shipped = Int8Embedder(cache_dir=cache, threads=2)
        results["ORT int8 fused per-channel (shipped)"] = measure(
            shipped, texts, spans, reference, []
        )
        results["ORT int8 fused per-channel (shipped)"]["question_ms"] = question_ms(
            Int8Embedder(cache_dir=cache, threads=1), asked
        )
        print("shipped", results["ORT int8 fused per-channel (shipped)"], flush=True)
        subprocess.run(
            [sys.executable, __file__, "--export-variants", tmp], check=True, capture_output=True
        )
        for name in (
            "fp32",
            "fused-fp32",
            "int8-per-tensor",
            "int8-per-channel",
            "fused-int8-per-tensor",
            "fused-int8-per-channel-all",
        ):
            onnx_file = Path(tmp) / f"{name}.onnx"
            result = measure(_with_session(shipped, onnx_file, 2), texts, spans, reference, [])
            result["question_ms"] = question_ms(_with_session(shipped, onnx_file, 1), asked)
            results[f"ORT {name}"] = result
            print(name, result, flush=True)
    _torch_dynamic(reference_model, texts, spans, reference, asked, results)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    _print_table(results)
    print(f"(figures in {RESULTS.relative_to(ROOT)})")


def _torch_dynamic(model: SentenceEmbedder, texts, spans, reference, asked, results) -> None:
    import torch

    model._transformer = torch.ao.quantization.quantize_dynamic(
        model._transformer, {torch.nn.Linear}, dtype=torch.qint8
    )
    results["torch dynamic int8"] = measure(model, texts, spans, reference, asked)
    print("torch dynamic int8", results["torch dynamic int8"], flush=True)


def _print_table(results: dict) -> None:
    base = results["torch fp32 (sentence-transformers)"]["chunks_per_s"]
    print(
        "\n| encoder | chunks/s | × torch fp32 | chunk cosine median / min "
        "| sentence cosine median / min | one question |\n|---|---|---|---|---|---|"
    )
    for name, r in results.items():
        if not isinstance(r, dict) or "chunks_per_s" not in r:
            continue
        cos = (
            f"{r['chunk_cosine_median']:.4f} / {r['chunk_cosine_min']:.4f} | "
            f"{r['sentence_cosine_median']:.4f} / {r['sentence_cosine_min']:.4f}"
            if "chunk_cosine_median" in r
            else "1 (reference) | 1 (reference)"
        )
        print(
            f"| {name} | {r['chunks_per_s']:.1f} | {r['chunks_per_s'] / base:.2f} | {cos} "
            f"| {r['question_ms']:.1f} ms |"
        )


if __name__ == "__main__":
    main()
