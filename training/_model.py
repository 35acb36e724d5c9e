"""The reader network for training: MiniLM with an answer head and a span head, and its loss."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from index.reader_model import HEAD_KEYS, EncodedPairs

LIST_WEIGHT = 0.5  # listwise term: the answering sentence above the others of its question
FROZEN_LAYERS = 2  # the lowest transformer layers keep the encoder's weights


class ReaderNet(nn.Module):
    """BERT-style backbone; answer logit from [CLS], start and end logits per token."""

    def __init__(self, base_dir: Path) -> None:
        super().__init__()
        from transformers import AutoModel

        self.bert = AutoModel.from_pretrained(
            str(base_dir), local_files_only=True, attn_implementation="sdpa", dtype=torch.float32
        )
        hidden = int(self.bert.config.hidden_size)
        self.dropout = nn.Dropout(0.1)
        self.answer = nn.Linear(hidden, 1)
        self.span = nn.Linear(hidden, 2)
        for layer in (self.answer, self.span):
            nn.init.normal_(layer.weight, std=0.02)
            nn.init.zeros_(layer.bias)
        # The embeddings and the lowest layers stay as the encoder learnt them: a fifth less
        # time a step, and the words of the news that SQuAD's 14 articles lack keep their
        # vectors.
        frozen = [self.bert.embeddings, *self.bert.encoder.layer[:FROZEN_LAYERS]]
        for module in frozen:
            module.requires_grad_(False)

    def forward(
        self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        hidden = self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types)
        states = self.dropout(hidden.last_hidden_state)
        span = self.span(states)
        return self.answer(states[:, 0]).squeeze(-1), span[..., 0], span[..., 1]

    def export_state(self) -> dict[str, torch.Tensor]:
        """The backbone under its own names, the heads under `HEAD_KEYS`, half precision."""
        state = {
            k: v.detach().half().contiguous()
            for k, v in self.bert.state_dict().items()
            if v.is_floating_point()
        }
        heads = (self.answer.weight, self.answer.bias, self.span.weight, self.span.bias)
        for key, value in zip(HEAD_KEYS, heads, strict=True):
            state[key] = value.detach().half().contiguous()
        return state


def tensors(encoded: EncodedPairs) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (
        torch.from_numpy(encoded.input_ids),
        torch.from_numpy(encoded.attention_mask),
        torch.from_numpy(encoded.token_type_ids),
    )


def reader_loss(
    outputs: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    labels: torch.Tensor,
    groups: list[list[int]],
    span_targets: list[tuple[int, int, int]],
    candidate: torch.Tensor,
    *,
    span_weight: float,
) -> tuple[torch.Tensor, dict[str, float]]:
    """Per-pair binary cross-entropy (calibrated: comparable across questions), a listwise
    softmax over each answerable question's pairs, and the span's start/end cross-entropy
    over the candidate sentence's tokens of the positive pairs (row, first, last)."""
    answer, starts, ends = outputs
    pointwise = F.binary_cross_entropy_with_logits(answer, labels)
    listwise = []
    for rows in groups:
        if labels[rows[0]] > 0.5 and len(rows) > 1:
            listwise.append(-F.log_softmax(answer[rows], dim=0)[0])
    lists = torch.stack(listwise).mean() if listwise else answer.new_zeros(())
    if span_targets:
        positives = torch.tensor([r for r, _, _ in span_targets])
        blocked = ~candidate[positives]
        start_logits = starts[positives].masked_fill(blocked, -1e4)
        end_logits = ends[positives].masked_fill(blocked, -1e4)
        spans = 0.5 * (
            F.cross_entropy(start_logits, torch.tensor([f for _, f, _ in span_targets]))
            + F.cross_entropy(end_logits, torch.tensor([t for _, _, t in span_targets]))
        )
    else:
        spans = answer.new_zeros(())
    total = pointwise + LIST_WEIGHT * lists + span_weight * spans
    parts = {"bce": pointwise.item(), "list": lists.item(), "span": spans.item()}
    return total, parts
