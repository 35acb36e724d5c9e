"""The ONNX encoders: the int8 one's parity with the fp32 model, the fp32 question encoder's
sameness, their cached model files, one encoder per index."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from index import build_index, load_index, read_manifest
from index.model_cache import file_sha256, model_folder, onnx_file_name
from index.onnx_encoder import Int8Embedder
from kernel.errors import IndexFormatError, ModelNotFound
from retrieval import Answerer
from tests.conftest import CORPUS, QA_FILE
from tests.fakes import FakeEmbedder

TEXTS = [
    "Blinken canceled his trip to China at short notice in early February after a Chinese "
    "balloon flew over the United States for several days.",
    "The central bank raised interest rates to 5.25 percent on Thursday. It was the "
    "fourteenth increase in a row, and markets had expected it.",
    "Kelvin Kiptum set a marathon world record of 2:00:35 in Chicago in October 2023.",
    "When was the trip cancelled?",
]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    cut = text.find(". ") + 1
    return [(0, cut), (cut + 1, len(text))] if cut > 0 else [(0, len(text))]


def test_int8_vectors_are_within_cosine_0_98_of_fp32(int8_embedder, real_embedder):
    int8 = int8_embedder.embed(TEXTS)
    fp32 = real_embedder.embed(TEXTS)

    cosines = (int8 * fp32).sum(axis=1)
    assert cosines.min() >= 0.98, cosines
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-4)


def test_int8_sentence_vectors_are_within_cosine_0_98_of_fp32(int8_embedder, real_embedder):
    spans = [_sentence_spans(t) for t in TEXTS]

    _, int8 = int8_embedder.embed_with_spans(TEXTS, spans)
    _, fp32 = real_embedder.embed_with_spans(TEXTS, spans)

    cosines = np.concatenate([(a * b).sum(axis=1) for a, b in zip(int8, fp32, strict=True)])
    assert len(cosines) == sum(len(s) for s in spans)
    assert cosines.min() >= 0.98, cosines


def test_int8_counts_tokens_exactly_as_the_model_tokenizer(int8_embedder, real_embedder):
    texts = [*TEXTS, "naïve café — “quoted” ünïcödé 日本語", "https://example.com/a-very-long-url"]

    assert int8_embedder.count_tokens(texts) == real_embedder.count_tokens(texts)


def test_int8_encoder_names_the_same_model_with_another_precision(int8_embedder, real_embedder):
    assert int8_embedder.fingerprint == real_embedder.fingerprint
    assert (int8_embedder.precision, real_embedder.precision) == ("int8", "fp32")
    assert int8_embedder.dim == real_embedder.dim == 384


def test_valid_cached_model_is_used_as_it_is(int8_embedder, model_cache):
    target = model_folder(model_cache, int8_embedder.fingerprint) / onnx_file_name("int8")
    before = target.stat().st_mtime_ns

    Int8Embedder(cache_dir=model_cache, threads=1)

    assert target.stat().st_mtime_ns == before


@pytest.mark.parametrize("damage", ["truncated", "missing"])
def test_damaged_or_missing_cached_model_is_made_again(
    int8_embedder, model_cache, tmp_path, damage
):
    cache = tmp_path / "models"
    shutil.copytree(model_cache, cache)
    target = model_folder(cache, int8_embedder.fingerprint) / onnx_file_name("int8")
    good = file_sha256(target)
    if damage == "truncated":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    else:
        target.unlink()
    messages: list[str] = []

    remade = Int8Embedder(cache_dir=cache, threads=1, notify=messages.append)

    assert file_sha256(target) == good  # the export is deterministic
    assert len(messages) == 1 and "int8" in messages[0]
    assert (remade.embed(TEXTS[:1]) * int8_embedder.embed(TEXTS[:1])).sum() > 0.999


def test_fp32_onnx_encoder_gives_the_torch_models_vectors(onnx_fp32_embedder, real_embedder):
    questions = [json.loads(line)["question"] for line in QA_FILE.read_text().splitlines()]
    texts = [*TEXTS, *questions]

    cosines = (onnx_fp32_embedder.embed(texts) * real_embedder.embed(texts)).sum(axis=1)

    assert cosines.min() >= 0.9999, cosines.min()
    assert (onnx_fp32_embedder.fingerprint, onnx_fp32_embedder.precision) == (
        real_embedder.fingerprint,
        "fp32",
    )


def test_answers_are_the_same_whichever_fp32_encoder_embeds_the_question(
    bundled_index, onnx_fp32_embedder, real_embedder
):
    questions = [json.loads(line)["question"] for line in QA_FILE.read_text().splitlines()]
    fast = Answerer(bundled_index, onnx_fp32_embedder)
    torch = Answerer(bundled_index, real_embedder)

    for question in questions:
        a, b = fast.ask(question), torch.ask(question)
        assert [q.text for q in a.quotes] == [q.text for q in b.quotes], question
        assert a.answered == b.answered
        assert [round(q.score, 3) for q in a.quotes] == [round(q.score, 3) for q in b.quotes]


def test_fp32_onnx_model_is_cached_beside_the_int8_one(onnx_fp32_embedder, model_cache):
    folder = model_folder(model_cache, onnx_fp32_embedder.fingerprint)

    assert (folder / onnx_file_name("fp32")).is_file()
    assert json.loads((folder / "model-fp32.json").read_text())["sha256"] == file_sha256(
        folder / onnx_file_name("fp32")
    )


def test_fp32_is_the_onnx_export_and_torch_the_sentence_transformers_model(model_cache):
    from index import SentenceEmbedder, make_embedder
    from index.onnx_encoder import OnnxEmbedder

    onnx = make_embedder("fp32", cache_dir=model_cache, threads=1)
    torch = make_embedder("torch", cache_dir=model_cache)

    assert isinstance(onnx, OnnxEmbedder) and isinstance(torch, SentenceEmbedder)
    assert onnx.precision == torch.precision == "fp32"


def test_fp32_falls_back_to_torch_for_a_model_the_export_cannot_take(
    model_cache, monkeypatch, caplog
):
    from index import SentenceEmbedder, make_embedder, onnx_encoder

    def refuse(*args, **kwargs):
        raise ModelNotFound("the export failed")

    monkeypatch.setattr(onnx_encoder, "ensure_onnx_model", refuse)

    embedder = make_embedder("fp32", cache_dir=model_cache, threads=1)

    assert isinstance(embedder, SentenceEmbedder)
    assert "the model runs on torch" in caplog.text


def test_an_index_built_by_the_onnx_fp32_encoder_answers_as_the_torch_built_one(
    tmp_path, bundled_index, onnx_fp32_embedder, real_embedder
):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    build_index(tmp_path / "corpus", tmp_path / "index", onnx_fp32_embedder)
    questions = [json.loads(line)["question"] for line in QA_FILE.read_text().splitlines()]
    onnx_built = Answerer(tmp_path / "index", onnx_fp32_embedder)
    torch_built = Answerer(bundled_index, real_embedder)

    for question in questions:
        a, b = onnx_built.ask(question), torch_built.ask(question)
        assert [q.text for q in a.quotes] == [q.text for q in b.quotes], question
        assert a.answered == b.answered


class Int8Fake(FakeEmbedder):
    """The fake model under another precision, as if run by the other encoder."""

    precision = "int8"


def test_manifest_records_model_name_weights_hash_and_precision(built_index):
    manifest = read_manifest(built_index)

    assert (manifest["model"], manifest["model_fingerprint"], manifest["precision"]) == (
        "fake-bow",
        "fake-bow-1",
        "fp32",
    )


def test_build_with_the_other_encoder_embeds_every_article_again_and_says_why(
    tiny_corpus, built_index
):
    summary = build_index(tiny_corpus, built_index, Int8Fake())

    assert summary.unchanged == 0
    assert summary.embedded_chunks == summary.chunks
    assert any("encoder changed (fp32 → int8)" in note for note in summary.notes)
    assert read_manifest(built_index)["precision"] == "int8"


def test_loading_with_the_other_encoder_is_a_clear_error(built_index):
    with pytest.raises(IndexFormatError, match="built with the fp32 encoder, not int8") as caught:
        load_index(built_index, expected_precision="int8")

    assert "NEWSDESK_ENCODER=fp32" in str(caught.value)
    assert "newsdesk index build" in str(caught.value)


def test_answerer_refuses_an_index_of_the_other_encoder(built_index):
    with pytest.raises(IndexFormatError, match="fp32 encoder"):
        Answerer(built_index, Int8Fake())


def test_index_from_before_precision_was_recorded_counts_as_fp32(built_index):
    manifest_path = built_index / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["precision"]
    manifest_path.write_text(json.dumps(manifest))

    assert load_index(built_index, expected_precision="fp32").n_articles == 12
    with pytest.raises(IndexFormatError):
        load_index(built_index, expected_precision="int8")


def test_int8_index_of_the_bundled_corpus_answers_with_its_own_encoder(tmp_path, int8_embedder):
    build_index(CORPUS, tmp_path / "index", int8_embedder)

    answer = Answerer(tmp_path / "index", int8_embedder).ask("When did Blinken cancel his trip?")

    assert read_manifest(tmp_path / "index")["precision"] == "int8"
    assert answer.answered
    assert "February" in answer.quotes[0].text
