"""The reader: a cross-encoder that says whether a sentence answers a question, and with what."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from index.model_cache import ensure_onnx_model, file_sha256, model_folder
from kernel.errors import ModelNotFound

# The committed weights (training/train_reader.py) and their card, whose SHA-256 is checked.
MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "reader"
WEIGHTS_FILE = "model.safetensors"
CARD_FILE = "MODEL_CARD.md"
_CARD_SHA = re.compile(r"^Weights SHA-256 \(model\.safetensors\): `([0-9a-f]{64})`", re.M)

# Token budget of one input: [CLS] question [SEP] previous [SEP] sentence [SEP]. The previous
# sentence is context only: its first words carry the subject a pronoun refers to. The
# reader was trained seeing 16 tokens of it (TRAINED_PREVIOUS_TOKENS; fewer make training
# faster) and reads 32: on development data the sentence first after reading held the answer
# more often with 32 (bench/tune_reader.py; bench/README.md, "The reader").
MAX_QUESTION_TOKENS = 48
TRAINED_PREVIOUS_TOKENS = 16
MAX_PREVIOUS_TOKENS = 32
MAX_SENTENCE_TOKENS = 128
MAX_ANSWER_TOKENS = 30
# A span whose start and end probabilities multiply to less than this is not offered.
MIN_SPAN_PROBABILITY = 0.2
# How many of the likeliest spans a reading offers (the best and its runners-up).
SPAN_CHOICES = 5
_CLS, _SEP = "[CLS]", "[SEP]"
HEAD_KEYS = ("heads.answer.weight", "heads.answer.bias", "heads.span.weight", "heads.span.bias")

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class ReadResult:
    """The reader's view of one candidate sentence.

    `probability` is the sigmoid of the answer logit: that this sentence answers the
    question. `span` is the answer's words as `[start, end)` characters of the sentence,
    widened to whole words, or None when no span reaches `MIN_SPAN_PROBABILITY`.
    """

    probability: float
    span: tuple[int, int] | None
    span_probability: float
    # The likeliest spans, best first, as (start, end, probability): the best and the
    # runners-up a question's kind of answer may prefer (retrieval/reading.py).
    alternatives: tuple[tuple[int, int, float], ...] = ()


@dataclass(frozen=True)
class EncodedPairs:
    """Model inputs for (question, previous sentence, sentence) triples, padded to one width.

    `offsets` holds each token's character range in its own text; `candidate` marks the
    tokens of the sentence being judged (the only ones a span may cover).
    """

    input_ids: IntArray
    attention_mask: IntArray
    token_type_ids: IntArray
    offsets: IntArray
    candidate: NDArray[np.bool_]


def _ids(tokenizer: Any, texts: list[str], limit: int) -> list[Any]:  # noqa: ANN401
    encoded = tokenizer.encode_batch(texts, add_special_tokens=False)
    return [(e.ids[:limit], e.offsets[:limit]) for e in encoded]


def encode_pairs(
    tokenizer: Any,  # noqa: ANN401
    triples: Sequence[tuple[str, str, str]],
    *,
    previous_tokens: int = MAX_PREVIOUS_TOKENS,
) -> EncodedPairs:
    """Encode (question, previous, sentence) triples as `[CLS] q [SEP] prev [SEP] sentence [SEP]`.

    The question and previous sentence are segment 0, the sentence segment 1. Each part is
    cut to its token budget (the previous sentence to `previous_tokens`); `tokenizer` is a
    `tokenizers.Tokenizer` without padding or truncation. Training and run time both encode
    through here.
    """
    cls_id, sep_id = tokenizer.token_to_id(_CLS), tokenizer.token_to_id(_SEP)
    questions = _ids(tokenizer, [t[0] for t in triples], MAX_QUESTION_TOKENS)
    previous = _ids(tokenizer, [t[1] for t in triples], previous_tokens)
    sentences = _ids(tokenizer, [t[2] for t in triples], MAX_SENTENCE_TOKENS)
    lengths = [
        len(q[0]) + len(p[0]) + len(s[0]) + 4
        for q, p, s in zip(questions, previous, sentences, strict=True)
    ]
    n, width = len(triples), max(lengths, default=0)
    ids = np.zeros((n, width), dtype=np.int64)
    types = np.zeros((n, width), dtype=np.int64)
    offsets = np.zeros((n, width, 2), dtype=np.int64)
    candidate = np.zeros((n, width), dtype=np.bool_)
    for row, (q, p, s) in enumerate(zip(questions, previous, sentences, strict=True)):
        head = [cls_id, *q[0], sep_id, *p[0], sep_id]
        begin, end = len(head), len(head) + len(s[0])
        ids[row, : end + 1] = [*head, *s[0], sep_id]
        types[row, begin : end + 1] = 1
        candidate[row, begin:end] = True
        if s[1]:
            offsets[row, begin:end] = s[1]
    mask = (np.arange(width)[None, :] < np.array(lengths)[:, None]).astype(np.int64)
    return EncodedPairs(ids, mask, types, offsets, candidate)


def _log_softmax(logits: FloatArray, allowed: NDArray[np.bool_]) -> FloatArray:
    masked = np.where(allowed, logits, -np.inf)
    top = masked.max()
    shifted = masked - top
    result: FloatArray = (shifted - np.log(np.exp(shifted).sum())).astype(np.float32)
    return result


def best_spans(
    start_logits: FloatArray,
    end_logits: FloatArray,
    allowed: NDArray[np.bool_],
    count: int = 1,
) -> list[tuple[int, int, float]]:
    """The `count` most likely (first token, last token, probability), best first, with
    `first <= last` and at most `MAX_ANSWER_TOKENS` tokens, among the `allowed` tokens of one
    row."""
    if not allowed.any():
        return [(0, 0, 0.0)]
    starts, ends = _log_softmax(start_logits, allowed), _log_softmax(end_logits, allowed)
    positions = np.flatnonzero(allowed)
    s, e = starts[positions], ends[positions]
    gap = positions[None, :] - positions[:, None]
    scores = np.where((gap >= 0) & (gap < MAX_ANSWER_TOKENS), s[:, None] + e[None, :], -np.inf)
    flat = scores.ravel()
    count = min(count, int(np.isfinite(flat).sum()))
    top = np.argpartition(-flat, count - 1)[:count] if count < flat.size else np.arange(flat.size)
    top = top[np.argsort(-flat[top], kind="stable")][:count]
    found = []
    for cell in top.tolist():
        first, last = divmod(cell, scores.shape[1])
        found.append((int(positions[first]), int(positions[last]), float(np.exp(flat[cell]))))
    return found


def widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` grown to whole words: a word piece never cuts a word in two."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def read_spans(
    encoded: EncodedPairs,
    sentences: Sequence[str],
    start_logits: FloatArray,
    end_logits: FloatArray,
    *,
    count: int = 1,
) -> list[list[tuple[int, int, float]]]:
    """Each row's `count` likeliest answer spans, best first, as word-aligned characters of
    its sentence with their probabilities (spans that widen to the same words are merged,
    their probabilities added)."""
    rows = []
    for row, sentence in enumerate(sentences):
        merged: dict[tuple[int, int], float] = {}
        for first, last, probability in best_spans(
            start_logits[row], end_logits[row], encoded.candidate[row], count * 2
        ):
            start, end = int(encoded.offsets[row, first, 0]), int(encoded.offsets[row, last, 1])
            span = widen_to_words(sentence, start, end) if end > start else (0, 0)
            merged[span] = merged.get(span, 0.0) + probability
        ranked = sorted(merged.items(), key=lambda item: -item[1])[:count]
        rows.append([(start, end, probability) for (start, end), probability in ranked])
    return rows


def card_sha256(model_dir: Path) -> str:
    """The weights' SHA-256 that the model card states.

    Raises:
        ModelNotFound: the card is missing or states no SHA-256.
    """
    try:
        found = _CARD_SHA.search((model_dir / CARD_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelNotFound(f"The reader's model card {model_dir / CARD_FILE} is missing.") from exc
    if not found:
        raise ModelNotFound(f"The reader's model card in {model_dir} states no weights SHA-256.")
    return found.group(1)


def _split_weights(model_dir: Path, folder: Path) -> tuple[dict[str, FloatArray], Path]:
    """The heads' arrays, and a folder holding the backbone as fp32 (what the export reads),
    written once per weights fingerprint."""
    from safetensors.numpy import load_file, save_file

    tensors = load_file(str(model_dir / WEIGHTS_FILE))
    heads = {key: tensors.pop(key).astype(np.float32) for key in HEAD_KEYS}
    backbone = folder / "backbone"
    if not (backbone / "done").is_file():
        partial = folder / f"backbone-{os.getpid()}"
        partial.mkdir(parents=True, exist_ok=True)
        save_file({k: v.astype(np.float32) for k, v in tensors.items()}, partial / WEIGHTS_FILE)
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        (partial / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        (partial / "done").write_text("", encoding="utf-8")
        try:
            os.replace(partial, backbone)
        except OSError:  # made by another process meanwhile
            shutil.rmtree(partial, ignore_errors=True)
    return heads, backbone


class Reader:
    """The committed reader run by ONNX Runtime: the backbone as ONNX (fused fp32 or int8,
    made locally from the committed weights and cached), its two linear heads in numpy.

    The weights' SHA-256 is checked against the model card before anything is made of them.

    Raises:
        ModelNotFound: the weights are missing, differ from the card, or cannot be exported.
    """

    def __init__(
        self,
        model_dir: Path = MODEL_DIR,
        *,
        cache_dir: Path,
        precision: str = "fp32",
        threads: int = 2,
        min_span_probability: float = MIN_SPAN_PROBABILITY,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        weights = model_dir / WEIGHTS_FILE
        if not weights.is_file():
            raise ModelNotFound(f"The reader's weights {weights} are missing.")
        self.fingerprint = file_sha256(weights)
        if self.fingerprint != card_sha256(model_dir):
            raise ModelNotFound(
                f"The reader's weights {weights} differ from the SHA-256 in its model card."
            )
        self.precision = precision
        self.min_span_probability = min_span_probability
        folder = model_folder(cache_dir, self.fingerprint)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            heads, backbone = _split_weights(model_dir, folder)
        except OSError as exc:
            raise ModelNotFound(f"Cannot write the model cache at {cache_dir}: {exc}") from exc
        onnx_path = ensure_onnx_model(backbone, self.fingerprint, cache_dir, precision=precision)
        self._answer_w, self._answer_b = heads["heads.answer.weight"][0], heads["heads.answer.bias"]
        self._span_w, self._span_b = heads["heads.span.weight"].T, heads["heads.span.bias"]
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )

    def logits(self, encoded: EncodedPairs) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Answer logits `[n]` and start and end logits `[n, tokens]` of encoded pairs."""
        feed = {
            "input_ids": encoded.input_ids,
            "attention_mask": encoded.attention_mask,
            "token_type_ids": encoded.token_type_ids,
        }
        hidden: FloatArray = self._session.run(None, feed)[0]
        answer = hidden[:, 0] @ self._answer_w + self._answer_b[0]
        span = hidden @ self._span_w + self._span_b
        return answer.astype(np.float32), span[..., 0], span[..., 1]

    def score(
        self, question: str, candidates: Sequence[tuple[str, str]], *, batch_size: int = 16
    ) -> list[ReadResult]:
        """How well each (previous sentence, sentence) candidate answers `question`, in order."""
        results: list[ReadResult] = []
        for begin in range(0, len(candidates), batch_size):
            batch = candidates[begin : begin + batch_size]
            encoded = encode_pairs(self._tokenizer, [(question, p, s) for p, s in batch])
            answer, starts, ends = self.logits(encoded)
            rows = read_spans(encoded, [s for _, s in batch], starts, ends, count=SPAN_CHOICES)
            for logit, spans in zip(answer.tolist(), rows, strict=True):
                start, end, chance = spans[0]
                results.append(
                    ReadResult(
                        probability=float(1.0 / (1.0 + np.exp(-logit))),
                        span=(start, end)
                        if chance >= self.min_span_probability and end > start
                        else None,
                        span_probability=chance,
                        alternatives=tuple(s for s in spans if s[1] > s[0]),
                    )
                )
        return results
