"""Shared fixtures: a tiny corpus, a fake embedder, the real model, and built indexes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import BuildOptions, SentenceEmbedder, build_index
from index.onnx_encoder import Int8Embedder, OnnxEmbedder
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QA_FILE = ROOT / "tests" / "data" / "qa.jsonl"

_TINY = [
    (
        "tech/001",
        "Chip maker opens plant",
        "Intel opened a new chip plant in Ohio on Monday. The plant "
        "cost 20 billion dollars and will employ 3,000 people.",
    ),
    (
        "tech/002",
        "Phone sales slow",
        "Global smartphone sales fell 5 percent in the third "
        "quarter. Analysts blamed weak demand in China.",
    ),
    (
        "sport/001",
        "Final goes to extra time",
        "Spain beat England 2-1 in the final in Berlin. The winning "
        "goal came in the 86th minute from Mikel Oyarzabal.",
    ),
    (
        "sport/002",
        "Marathon record",
        "Kelvin Kiptum set a marathon world record of 2:00:35 in Chicago in October 2023.",
    ),
    (
        "business/001",
        "Bank raises rates",
        "The central bank raised interest rates to 5.25 percent on "
        "Thursday. It was the fourteenth increase in a row.",
    ),
    (
        "business/002",
        "Airline profits",
        "The airline reported record profits of 2 billion pounds as "
        "travel demand recovered after the pandemic.",
    ),
    (
        "politics/001",
        "Election called",
        "The prime minister called an early election for July 4. "
        "Voters will choose 650 members of parliament.",
    ),
    (
        "politics/002",
        "Treaty signed",
        "Leaders signed the climate treaty in Paris in December 2015 after two weeks of talks.",
    ),
    (
        "science/001",
        "Comet visible",
        "A bright comet will be visible to the naked eye in the "
        "northern sky next week, astronomers said.",
    ),
    (
        "science/002",
        "Mars rover",
        "The Perseverance rover landed in Jezero crater on Mars in February 2021.",
    ),
    (
        "health/001",
        "Flu season",
        "Doctors warned that the flu season started early this year, "
        "with hospital visits up 40 percent.",
    ),
    (
        "health/002",
        "New vaccine",
        "Regulators approved a new malaria vaccine for children in West Africa.",
    ),
]


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A dozen hand-written articles in the real JSONL shape, in their own corpus folder."""
    folder = tmp_path / "tiny_corpus"
    folder.mkdir()
    with (folder / "articles.jsonl").open("w", encoding="utf-8") as handle:
        for article_id, title, text in _TINY:
            record = {
                "id": article_id,
                "title": title,
                "text": text,
                "source": "Test Wire",
                "published": "2024-01-01",
                "url": None,
            }
            handle.write(json.dumps(record) + "\n")
    return folder


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def built_index(tmp_path: Path, tiny_corpus: Path, fake_embedder: FakeEmbedder) -> Path:
    """A real FAISS + BM25 index of the tiny corpus, built with the fake embedder."""
    index_dir = tmp_path / "index"
    build_index(
        tiny_corpus, index_dir, fake_embedder, BuildOptions(chunk_tokens=32, overlap_tokens=8)
    )
    return index_dir


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model cache for the session: the ONNX models are derived into it once."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def onnx_fp32_embedder(model_cache: Path) -> OnnxEmbedder:
    """The default fp32 encoder: the model's fused fp32 ONNX export, made once per session."""
    return OnnxEmbedder(cache_dir=model_cache, precision="fp32", threads=1)


@pytest.fixture(scope="session", autouse=True)
def shared_model_cache(model_cache: Path, onnx_fp32_embedder: OnnxEmbedder) -> Iterator[None]:
    """Commands run by the tests, in their own folders and processes, read the session's
    model cache, where the fp32 ONNX model has been made already."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSDESK_MODEL_CACHE", str(model_cache))
        yield


@pytest.fixture(scope="session")
def int8_embedder(model_cache: Path) -> Int8Embedder:
    """The bundled all-MiniLM-L6-v2 as the int8 encoder, made once per session."""
    return Int8Embedder(cache_dir=model_cache, threads=1)


@pytest.fixture(scope="session")
def real_embedder() -> SentenceEmbedder:
    """The bundled all-MiniLM-L6-v2 (the default fp32 encoder), loaded once per session."""
    return SentenceEmbedder()


@pytest.fixture(scope="session")
def bundled_index(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceEmbedder
) -> Path:
    """The bundled corpus indexed with the real model (built once per session)."""
    root = tmp_path_factory.mktemp("bundled")
    shutil.copytree(CORPUS, root / "corpus")
    build_index(root / "corpus", root / "index", real_embedder)
    return root / "index"


DATED_CORPUS = ROOT / "tests" / "data" / "dated" / "corpus"


@pytest.fixture(scope="session")
def dated_index(tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceEmbedder) -> Path:
    """The dated test set's 36 articles indexed with the real model (built once per session)."""
    root = tmp_path_factory.mktemp("dated")
    build_index(DATED_CORPUS, root / "index", real_embedder)
    return root / "index"
