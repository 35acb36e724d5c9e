"""Train newsdesk's reader (a MiniLM cross-encoder with a span head) on squad-partial.

    nice -n 10 .venv/bin/python training/train_reader.py --export models/reader

Checkpoints go to --out (var/training/reader); a second run resumes from the last one.
`--tiny` runs a few dozen steps on a handful of questions (for tests).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Threads waiting at a barrier sleep rather than spin: on a shared 2-core machine a spinning
# thread burns the share its descheduled partner needs (6.3 against 3.2 pairs/s under load).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import torch
from tokenizers import Tokenizer

from index import SentenceEmbedder, default_model_path
from index.reader_model import (
    MIN_SPAN_PROBABILITY,
    TRAINED_PREVIOUS_TOKENS,
    EncodedPairs,
    ReadResult,
    encode_pairs,
    read_spans,
)
from training._data import (
    DATA,
    ROOT,
    VALIDATION_TITLES,
    Corpus,
    Pair,
    add_cross_negatives,
    load_corpus,
    make_group,
)
from training._model import ReaderNet, reader_loss, tensors
from training._validate import ScoreFn, describe, precision_figures, validate


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "training" / "reader")
    parser.add_argument("--export", type=Path, help="write the final fp16 weights here")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-questions", type=int, default=8)
    parser.add_argument("--group", type=int, default=4, help="sentences per question")
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--span-weight", type=float, default=1.0, help="of the span loss")
    parser.add_argument(
        "--previous-tokens",
        type=int,
        default=TRAINED_PREVIOUS_TOKENS,
        help="tokens of the sentence before the candidate that the reader sees",
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--save-every", type=int, default=100, help="steps between checkpoints")
    parser.add_argument("--tiny", action="store_true", help="a few dozen steps, for tests")
    parser.add_argument("--data", type=Path, default=DATA, help="SQuAD paragraphs (JSON lines)")
    parser.add_argument(
        "--check", type=Path, help="only validate exported weights on ONNX Runtime (fp32, int8)"
    )
    return parser.parse_args()


def _seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _negatives(corpus: Corpus, out: Path) -> None:
    """Nearest sentences of other paragraphs by the bundled encoder (cached in `out`)."""
    cache = out / "embeddings.npz"
    texts = [corpus.text(g)[1] for g in range(len(corpus.sentences))]
    questions = [q.text for q in corpus.train]
    if cache.is_file():
        saved = np.load(cache)
        if saved["q"].shape[0] == len(questions) and saved["s"].shape[0] == len(texts):
            add_cross_negatives(corpus, saved["q"], saved["s"])
            return
    encoder = SentenceEmbedder()
    q_vec, s_vec = encoder.embed(questions), encoder.embed(texts)
    np.savez(cache, q=q_vec, s=s_vec)
    add_cross_negatives(corpus, q_vec, s_vec)


def _plan(corpus: Corpus, args: argparse.Namespace, epoch: int) -> list[list[Pair]]:
    """One epoch's batches, a function of (seed, epoch) only, so a resumed run sees the same.
    Unanswerable questions come twice; batches hold questions of similar length."""
    rng = random.Random(args.seed * 1000 + epoch)
    order = [n for n, q in enumerate(corpus.train) for _ in range(1 if q.gold is not None else 2)]
    rng.shuffle(order)
    groups = [make_group(corpus, n, rng, args.group) for n in order]
    window = args.batch_questions * 8

    def size(group: list[Pair]) -> int:
        return sum(len(corpus.text(p.sentence)[1]) for p in group)

    ordered = [
        g for b in range(0, len(groups), window) for g in sorted(groups[b : b + window], key=size)
    ]
    batches = [
        [p for g in ordered[b : b + args.batch_questions] for p in g]
        for b in range(0, len(ordered), args.batch_questions)
    ]
    rng.shuffle(batches)
    return batches


def _span_targets(encoded: EncodedPairs, pairs: Sequence[Pair]) -> list[tuple[int, int, int]]:
    targets = []
    for row, pair in enumerate(pairs):
        if pair.span is None:
            continue
        tokens = np.flatnonzero(encoded.candidate[row])
        starts, ends = encoded.offsets[row, tokens, 0], encoded.offsets[row, tokens, 1]
        first = tokens[ends > pair.span[0]]
        last = tokens[starts < pair.span[1]]
        if len(first) and len(last) and first[0] <= last[-1]:
            targets.append((row, int(first[0]), int(last[-1])))
    return targets


def _step(
    net: ReaderNet,
    tokenizer: Tokenizer,
    corpus: Corpus,
    pairs: list[Pair],
    args: argparse.Namespace,
) -> tuple[torch.Tensor, dict[str, float]]:
    triples = [(corpus.train[p.question].text, *corpus.text(p.sentence)) for p in pairs]
    encoded = encode_pairs(tokenizer, triples, previous_tokens=args.previous_tokens)
    groups: dict[int, list[int]] = {}
    for row, pair in enumerate(pairs):
        groups.setdefault(pair.question, []).append(row)
    return reader_loss(
        net(*tensors(encoded)),
        torch.tensor([p.label for p in pairs], dtype=torch.float32),
        list(groups.values()),
        _span_targets(encoded, pairs),
        torch.from_numpy(encoded.candidate),
        span_weight=args.span_weight,
    )


def torch_scorer(
    net: ReaderNet, tokenizer: Tokenizer, previous_tokens: int = TRAINED_PREVIOUS_TOKENS
) -> ScoreFn:
    """A validation scorer over the network in evaluation mode (spans unfiltered)."""

    def score(question: str, candidates: Sequence[tuple[str, str]]) -> list[ReadResult]:
        encoded = encode_pairs(
            tokenizer,
            [(question, p, s) for p, s in candidates],
            previous_tokens=previous_tokens,
        )
        with torch.inference_mode():
            answer, starts, ends = net(*tensors(encoded))
        rows = read_spans(encoded, [s for _, s in candidates], starts.numpy(), ends.numpy())
        return [
            ReadResult(float(torch.sigmoid(a)), (spans[0][0], spans[0][1]), spans[0][2])
            for a, spans in zip(answer, rows, strict=True)
        ]

    return score


def export(net: ReaderNet, target: Path, base: Path) -> None:
    """Write the fp16 weights, the backbone's config and the tokenizer into `target`."""
    from safetensors.torch import save_file

    target.mkdir(parents=True, exist_ok=True)
    save_file(net.export_state(), str(target / "model.safetensors"), metadata={"format": "pt"})
    config = json.loads((base / "config.json").read_text(encoding="utf-8"))
    config.pop("_name_or_path", None)
    (target / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (target / "tokenizer.json").write_bytes((base / "tokenizer.json").read_bytes())


class _Run:
    """The network, optimiser and schedule of one training run, and where it stands."""

    def __init__(self, args: argparse.Namespace, corpus: Corpus, base: Path) -> None:
        self.args, self.corpus, self.base = args, corpus, base
        self.tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.net = ReaderNet(base)
        trainable = [p for p in self.net.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.01)
        total = len(_plan(corpus, args, 0)) * args.epochs
        warmup = max(1, total // 16)
        self.schedule = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer,
            lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))),
        )
        self.checkpoint = args.out / "last.pt"
        self.epoch, self.done, elapsed = 0, 0, 0.0
        if self.checkpoint.is_file():
            state = torch.load(self.checkpoint, weights_only=False)
            self.net.load_state_dict(state["model"])
            self.optimizer.load_state_dict(state["optimizer"])
            self.schedule.load_state_dict(state["schedule"])
            self.epoch, self.done, elapsed = state["epoch"], state["step"], state["elapsed"]
            torch.set_rng_state(state["torch_rng"])
            print(f"resumed from {self.checkpoint}: epoch {self.epoch + 1}, step {self.done}")
        self.started = time.perf_counter() - elapsed

    def minutes(self) -> float:
        return (time.perf_counter() - self.started) / 60

    def save(self) -> None:
        state = {
            "model": self.net.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(),
            "epoch": self.epoch,
            "step": self.done,
            "elapsed": time.perf_counter() - self.started,
            "torch_rng": torch.get_rng_state(),
        }
        partial = self.checkpoint.with_suffix(".tmp")
        torch.save(state, partial)
        os.replace(partial, self.checkpoint)

    def train_epoch(self) -> None:
        """The rest of the current epoch, with a checkpoint every `--save-every` steps."""
        self.net.train()
        batches = _plan(self.corpus, self.args, self.epoch)
        tick, pairs_seen = time.perf_counter(), 0
        for number in range(self.done, len(batches)):
            loss, parts = _step(self.net, self.tokenizer, self.corpus, batches[number], self.args)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(self.net.parameters(), 1.0)
            self.optimizer.step()
            self.schedule.step()
            pairs_seen += len(batches[number])
            self.done = number + 1
            if self.done % 25 == 0 or self.args.tiny:
                rate = pairs_seen / (time.perf_counter() - tick)
                losses = " ".join(f"{k} {v:.3f}" for k, v in parts.items())
                print(
                    f"epoch {self.epoch + 1} step {self.done}/{len(batches)} {losses} | "
                    f"{rate:.1f} pairs/s | {self.minutes():.1f} min",
                    flush=True,
                )
            if self.done % self.args.save_every == 0 and self.done < len(batches):
                self.save()

    def finish_epoch(self) -> None:
        """Validate, record the figures (and, on a full run, the epoch's weights), save."""
        self.net.eval()
        figures = validate(
            self.corpus, torch_scorer(self.net, self.tokenizer, self.args.previous_tokens)
        )
        print(f"epoch {self.epoch + 1} validation: {describe(figures)}", flush=True)
        figures["minutes"] = self.minutes()
        name = f"epoch-{self.epoch + 1}"
        (self.args.out / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
        if not self.args.tiny:
            export(self.net, self.args.out / name, self.base)
        self.epoch, self.done = self.epoch + 1, 0
        self.save()


def main() -> None:
    args = _parse()
    if args.tiny:
        args.epochs, args.batch_questions, args.group, args.save_every = 2, 2, 3, 8
    torch.set_num_threads(2)
    _seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    base = default_model_path()
    corpus = load_corpus(tiny=args.tiny, data=args.data)
    print(f"validation articles (held out): {', '.join(VALIDATION_TITLES)}")
    if args.check:
        figures = precision_figures(corpus, args.check, ROOT / "var" / "models")
        (args.out / "precision.json").write_text(json.dumps(figures, indent=2) + "\n")
        return
    print(f"train {len(corpus.train)} questions, validation {len(corpus.validation)}", flush=True)
    _negatives(corpus, args.out)
    run = _Run(args, corpus, base)
    while run.epoch < args.epochs:
        run.train_epoch()
        run.finish_epoch()
    print(
        f"trained in {run.minutes():.1f} min (seed {args.seed}, "
        f"min span probability {MIN_SPAN_PROBABILITY})"
    )
    if args.export:
        export(run.net, args.export, base)
        print(f"weights written to {args.export}")


if __name__ == "__main__":
    main()
