"""The ONNX encoders: the model's int8 or fused fp32 ONNX export run by ONNX Runtime, with its
own tokenizer."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from index.embedder import (
    DEFAULT_MODEL_NAME,
    BatchedEmbedder,
    SentenceEmbedder,
    SpanList,
    normalise,
    pool_spans,
    resolve_model_dir,
    weights_fingerprint,
)
from index.model_cache import ensure_onnx_model
from kernel.errors import ConfigError, ModelNotFound

log = logging.getLogger(__name__)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelNotFound(f"The model file {path} is missing or unreadable.") from exc
    if not isinstance(loaded, dict):
        raise ModelNotFound(f"The model file {path} is not a JSON object.")
    return loaded


def _check_mean_pooling(path: Path) -> None:
    pooling = path / "1_Pooling" / "config.json"
    if pooling.is_file() and not _read_json(pooling).get("pooling_mode_mean_tokens"):
        raise ModelNotFound(
            f"The model in {path} does not mean-pool its tokens, which the ONNX encoders "
            "assume; set NEWSDESK_ENCODER=torch."
        )


class OnnxEmbedder(BatchedEmbedder):
    """The sentence-transformers model's transformer as ONNX, mean-pooled like the model.

    The ONNX model is derived from the local weights on first use and cached under
    `cache_dir/<weights sha256>/`; the fingerprint stays the weights' sha256, and
    `precision` tells the encoders of one model apart. At "fp32" the vectors are the torch
    model's (bench/encoder_parity.py): either builds or answers an index the other built.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        cache_dir: Path,
        precision: str = "int8",
        batch_size: int = 32,
        threads: int = 2,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = resolve_model_dir(model)
        _check_mean_pooling(path)
        self.name = DEFAULT_MODEL_NAME if model is None else str(model)
        self.fingerprint = weights_fingerprint(path)
        self.dim = int(_read_json(path / "config.json").get("hidden_size", 0))
        st_config = path / "sentence_bert_config.json"
        self.max_tokens = int(
            _read_json(st_config).get("max_seq_length", 0) if st_config.is_file() else 0
        ) or int(_read_json(path / "config.json").get("max_position_embeddings", 0))
        if not self.dim or not self.max_tokens:
            raise ModelNotFound(f"The model in {path} does not say its dimension or input length.")
        self.batch_size = batch_size
        self.precision = precision
        onnx_path = ensure_onnx_model(
            path, self.fingerprint, cache_dir, precision=precision, notify=notify
        )
        try:
            # Two tokenizers: counting needs no truncation, the model input needs it.
            self._counter = Tokenizer.from_file(str(path / "tokenizer.json"))
            self._encoder = Tokenizer.from_file(str(path / "tokenizer.json"))
        except Exception as exc:  # tokenizers raises plain Exception for a bad file
            raise ModelNotFound(f"The tokenizer in {path} could not be loaded: {exc}") from exc
        for tokenizer in (self._counter, self._encoder):
            tokenizer.no_padding()
            tokenizer.no_truncation()
        self._encoder.enable_truncation(self.max_tokens)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Waiting threads sleep instead of spinning: the build's reading thread and other
        # work on a small shared machine need those cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces in each text, without the two special tokens."""
        if not texts:
            return []
        encoded = self._counter.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encoded]

    def _run(
        self, texts: list[str], spans: list[SpanList]
    ) -> tuple[NDArray[np.float32], list[NDArray[np.float32]]]:
        encoded = self._encoder.encode_batch(texts)
        width = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        offsets = np.zeros((len(texts), width, 2), dtype=np.int64)
        for row, item in enumerate(encoded):
            n = len(item.ids)
            ids[row, :n] = item.ids
            mask[row, :n] = 1
            offsets[row, :n] = item.offsets
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        span_vectors = [
            pool_spans(hidden[row], offsets[row], wanted) for row, wanted in enumerate(spans)
        ]
        return normalise(pooled.astype(np.float32)), span_vectors


class Int8Embedder(OnnxEmbedder):
    """The int8 encoder: the model's per-channel int8 ONNX export."""

    def __init__(
        self,
        model: str | None = None,
        *,
        cache_dir: Path,
        batch_size: int = 32,
        threads: int = 2,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(
            model,
            cache_dir=cache_dir,
            precision="int8",
            batch_size=batch_size,
            threads=threads,
            notify=notify,
        )


def make_embedder(
    encoder: str,
    model: str | None = None,
    *,
    cache_dir: Path,
    threads: int = 2,
    notify: Callable[[str], None] | None = None,
) -> OnnxEmbedder | SentenceEmbedder:
    """The configured encoder of the model.

    - `fp32`: the model's fused fp32 ONNX export run by ONNX Runtime. Its vectors are the
      torch model's (cosine 1.0000), it embeds a question in a third of the time and loads
      without importing torch, so a small update starts in a second rather than several.
      A model the export does not handle runs on torch instead, with a warning.
    - `torch`: sentence-transformers on torch, the same fp32 vectors (an index built by one
      is answered by the other).
    - `int8`: the per-channel int8 ONNX export (other vectors: an index records which).

    Raises:
        ConfigError: `encoder` is none of these.
        ModelNotFound: the model cannot be loaded or its int8 version made.
    """
    if encoder == "int8":
        return Int8Embedder(model, cache_dir=cache_dir, threads=threads, notify=notify)
    if encoder == "fp32":
        try:
            return OnnxEmbedder(
                model, cache_dir=cache_dir, precision="fp32", threads=threads, notify=notify
            )
        except ModelNotFound as exc:  # a model the export does not handle: torch still does
            log.warning("the model runs on torch: %s", exc)
    if encoder in ("fp32", "torch"):
        return SentenceEmbedder(model)
    raise ConfigError(f"Unknown encoder {encoder!r}: set NEWSDESK_ENCODER to fp32, torch or int8.")
