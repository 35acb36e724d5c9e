"""Deriving ONNX encoders from local transformer weights (run in its own process).

    python -m index.onnx_export MODEL_DIR OUT_FILE [int8|fp32]

Exports the transformer to ONNX with torch and fuses BERT's attention, layer-norm and GELU
nodes (onnxruntime's transformer optimizer). That fused fp32 model is the default encoder:
the same vectors as the torch model, a question in a third of the time. For int8, it then
quantizes the weights of the attention and of the first feed-forward
product of every layer to int8, one scale per output channel, with onnxruntime's dynamic
quantization. Per-channel scales keep the vectors within 0.99
cosine of the fp32 model; one scale per tensor did not (0.95, bench/encoder_parity.py).
It runs in a child process because tracing a model changes the state of the torch model
in the process that traces it.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

_FFN_OUTPUT = re.compile(r"layer\.\d+/output/dense/MatMul$")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "last_hidden_state"
OPSET = 17


def _export_fp32(model_dir: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(
        str(model_dir), local_files_only=True, attn_implementation="eager"
    ).eval()

    class _Wrapper(torch.nn.Module):
        """Passes the inputs by keyword: the positional order of HF models is not stable."""

        def __init__(self, inner: Any) -> None:  # noqa: ANN401 (a transformers model)
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:  # noqa: ANN401
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = torch.ones(2, 16, dtype=torch.long)
    dynamic = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, OUTPUT)}
    with torch.inference_mode():
        torch.onnx.export(
            _Wrapper(model),
            (sample, sample, torch.zeros_like(sample)),
            str(target),
            input_names=list(INPUTS),
            output_names=[OUTPUT],
            dynamic_axes=dynamic,
            opset_version=OPSET,
            dynamo=False,
        )


def _fuse(model_dir: Path, source: Path, target: Path) -> bool:
    """Fuse BERT subgraphs into onnxruntime's fast kernels; False for other model types."""
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    if config.get("model_type") != "bert":
        return False
    from onnxruntime.transformers.optimizer import optimize_model

    optimized = optimize_model(
        str(source),
        model_type="bert",
        num_heads=int(config["num_attention_heads"]),
        hidden_size=int(config["hidden_size"]),
        opt_level=1,
    )
    optimized.save_model_to_file(str(target))
    return True


def export_fp32(model_dir: Path, target: Path) -> None:
    """Write the fused fp32 ONNX model of the weights in `model_dir`."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-export-") as tmp:
        plain = Path(tmp) / "fp32.onnx"
        _export_fp32(model_dir, plain)
        if not _fuse(model_dir, plain, target):
            shutil.copyfile(plain, target)


def export_int8(model_dir: Path, target: Path) -> None:
    """Write the fused, per-channel int8 ONNX model of the weights in `model_dir`."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(prefix="newsdesk-export-") as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        _export_fp32(model_dir, fp32)
        fused = Path(tmp) / "fused.onnx"
        source = fused if _fuse(model_dir, fp32, fused) else fp32
        quantize_dynamic(
            str(source),
            str(target),
            per_channel=True,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=feed_forward_outputs(onnx.load(str(source))),
            # Fused nodes are of onnxruntime's own domain, which ONNX shape inference skips.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )


def feed_forward_outputs(model: Any) -> list[str]:  # noqa: ANN401 (an onnx ModelProto)
    """The matrix products that close each layer's feed-forward block (kept in fp32).

    Their inputs, GELU outputs, have the widest range of any matrix product; quantizing
    them too cost 0.003 of median cosine and pushed pairs of translated sentences across
    the duplicate line of the quotes (bench/encoder_parity.py).
    """
    return [
        node.name
        for node in model.graph.node
        if node.op_type == "MatMul" and _FFN_OUTPUT.search(node.name)
    ]


def main() -> None:
    """Command-line entry: MODEL_DIR OUT_FILE [int8|fp32] (int8 when not given)."""
    model_dir, target = Path(sys.argv[1]), Path(sys.argv[2])
    precision = sys.argv[3] if len(sys.argv) > 3 else "int8"
    (export_fp32 if precision == "fp32" else export_int8)(model_dir, target)


if __name__ == "__main__":
    main()
