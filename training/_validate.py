"""Validation figures of a reader on squad-partial's held-out articles."""

from __future__ import annotations

import re
import statistics
import string
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from index.reader_model import ReadResult
from training._data import Corpus

# (question, [(previous, sentence), ...]) -> one result per candidate, spans unfiltered.
ScoreFn = Callable[[str, Sequence[tuple[str, str]]], list[ReadResult]]


def normalize_answer(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, articles or extra spaces."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", text).split())


def span_f1(prediction: str, gold: str) -> float:
    """SQuAD's word-overlap F1 between two answers."""
    predicted, wanted = normalize_answer(prediction).split(), normalize_answer(gold).split()
    common = sum((Counter(predicted) & Counter(wanted)).values())
    if not common:
        return float(predicted == wanted)
    precision, recall = common / len(predicted), common / len(wanted)
    return 2 * precision * recall / (precision + recall)


def validate(corpus: Corpus, score: ScoreFn) -> dict[str, float]:
    """Within each validation question's paragraph: sentence hit@1 (the top sentence holds
    the gold answer text, and is the gold sentence), span exact match and F1 on the top
    sentence, and the share of unanswerable questions whose best score stays below 0.5."""
    hits = strict = exact = f1 = 0.0
    answerable = declined = unanswerable = confident = 0
    for q in corpus.validation:
        paragraph = corpus.paragraphs[q.paragraph]
        candidates = [
            (paragraph.previous(k), paragraph.sentence(k)) for k in range(len(paragraph.spans))
        ]
        results = score(q.text, candidates)
        top = max(range(len(results)), key=lambda k: results[k].probability)
        best = results[top].probability
        if q.answer is None:
            unanswerable += 1
            declined += best < 0.5
            continue
        answerable += 1
        confident += best >= 0.5
        sentence = candidates[top][1]
        hits += q.answer.lower() in sentence.lower()
        strict += top == q.gold
        span = results[top].span
        predicted = sentence[span[0] : span[1]] if span else ""
        exact += normalize_answer(predicted) == normalize_answer(q.answer)
        f1 += span_f1(predicted, q.answer)
    n = max(answerable, 1)
    return {
        "answerable": answerable,
        "hit@1": hits / n,
        "gold_sentence@1": strict / n,
        "span_em": exact / n,
        "span_f1": f1 / n,
        "answerable_max_ge_0.5": confident / n,
        "unanswerable": unanswerable,
        "unanswerable_max_lt_0.5": declined / max(unanswerable, 1),
    }


def describe(figures: dict[str, float]) -> str:
    """One line of validation figures."""
    return (
        f"hit@1 {figures['hit@1']:.3f} (gold sentence {figures['gold_sentence@1']:.3f}) | "
        f"span EM {figures['span_em']:.3f} F1 {figures['span_f1']:.3f} | answerable with max "
        f">= 0.5 {figures['answerable_max_ge_0.5']:.3f} | unanswerable with max < 0.5 "
        f"{figures['unanswerable_max_lt_0.5']:.3f} of {figures['unanswerable']:.0f}"
    )


def precision_figures(corpus: Corpus, model_dir: Path, cache_dir: Path) -> dict[str, Any]:
    """Validation figures of exported weights run as the product runs them (ONNX Runtime,
    fused fp32 and int8), and the time a question's 8 candidates take at each."""
    from index.model_cache import file_sha256
    from index.reader_model import CARD_FILE, WEIGHTS_FILE, Reader

    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="reader-check-") as tmp:
        folder = Path(tmp)
        for name in (WEIGHTS_FILE, "config.json", "tokenizer.json"):
            (folder / name).symlink_to((model_dir / name).resolve())
        digest = file_sha256(model_dir / WEIGHTS_FILE)
        (folder / CARD_FILE).write_text(f"Weights SHA-256 (model.safetensors): `{digest}`\n")
        for precision in ("fp32", "int8"):
            reader = Reader(
                folder, cache_dir=cache_dir, precision=precision, min_span_probability=0
            )
            figures[precision] = validate(corpus, reader.score)
            figures[precision]["ms_8_candidates"] = _latency(reader, corpus)
            print(f"onnx {precision}: {describe(figures[precision])}", flush=True)
    return figures


def _latency(reader: Any, corpus: Corpus) -> float:  # noqa: ANN401 (an index Reader)
    """Median milliseconds of scoring 8 (previous, sentence) candidates for one question."""
    pool = [corpus.text(g) for g in range(min(len(corpus.sentences), 400))]
    times = []
    for n, q in enumerate(corpus.validation[:60]):
        started = time.perf_counter()
        reader.score(q.text, pool[(8 * n) % 392 : (8 * n) % 392 + 8])
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)
