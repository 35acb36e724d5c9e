"""The cache of derived models: the ONNX encoders, made locally and checked on every use."""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kernel.errors import ModelNotFound

log = logging.getLogger(__name__)

# Bump when the export recipe changes, so caches made by an older one are made again.
RECIPE_VERSION = 2


def onnx_file_name(precision: str) -> str:
    """The cached model's file name for a precision ("model-int8.onnx")."""
    return f"model-{precision}.onnx"


def _meta_name(precision: str) -> str:
    return f"model-{precision}.json"


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_folder(cache_dir: Path, fingerprint: str) -> Path:
    """Where the models derived from the weights with this sha256 live."""
    return cache_dir / fingerprint


def _is_valid(folder: Path, fingerprint: str, precision: str) -> bool:
    target, meta_path = folder / onnx_file_name(precision), folder / _meta_name(precision)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return (
            isinstance(meta, dict)
            and meta.get("recipe") == RECIPE_VERSION
            and meta.get("weights_sha256") == fingerprint
            and meta.get("sha256") == file_sha256(target)
        )
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _export(model_dir: Path, target: Path, precision: str) -> None:
    """Run the export in a child process (see index/onnx_export.py for why)."""
    done = subprocess.run(
        [sys.executable, "-m", "index.onnx_export", str(model_dir), str(target), precision],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not target.is_file():
        last = (done.stderr.strip().splitlines() or ["no error output"])[-1]
        raise ModelNotFound(
            f"The {precision} ONNX encoder could not be made from the model in {model_dir} "
            f"({last}); check that torch and onnxruntime are installed (make install)."
        )


def ensure_onnx_model(
    model_dir: Path,
    fingerprint: str,
    cache_dir: Path,
    *,
    precision: str = "int8",
    notify: Callable[[str], None] | None = None,
) -> Path:
    """The ONNX model of the weights in `model_dir` at `precision` ("int8" or "fp32"),
    made now if missing or damaged.

    The file's sha256 is checked against the one recorded when it was made, so a truncated
    or altered file is made again rather than used. Nothing is downloaded.

    Raises:
        ModelNotFound: the cache folder cannot be written or the export failed.
    """
    folder = model_folder(cache_dir, fingerprint)
    name = onnx_file_name(precision)
    if _is_valid(folder, fingerprint, precision):
        return folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder):
            if _is_valid(folder, fingerprint, precision):  # made by another process meanwhile
                return folder / name
            if (folder / name).exists():
                log.warning(
                    "the cached %s model in %s is damaged; making it again", precision, folder
                )
            if notify:
                notify(
                    f"Making the {precision} ONNX encoder from the model's weights "
                    "(once, under a minute)."
                )
            partial = folder / f"tmp-{os.getpid()}.onnx"
            _export(model_dir, partial, precision)
            meta = {
                "recipe": RECIPE_VERSION,
                "weights_sha256": fingerprint,
                "sha256": file_sha256(partial),
            }
            os.replace(partial, folder / name)
            meta_partial = folder / f"tmp-{os.getpid()}.json"
            meta_partial.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
            os.replace(meta_partial, folder / _meta_name(precision))
    except OSError as exc:
        raise ModelNotFound(
            f"Cannot write the model cache at {cache_dir}: {exc.strerror or exc}; "
            "set NEWSDESK_MODEL_CACHE to a writable folder."
        ) from exc
    return folder / name
