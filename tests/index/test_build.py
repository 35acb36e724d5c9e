"""Index builds: incremental reuse of vectors, model changes, damaged manifests, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index import BuildOptions, build_index, load_index, read_manifest, tokenize
from kernel.errors import CorpusNotFound, IndexFormatError, IndexNotFound
from tests.conftest import _TINY
from tests.fakes import FakeEmbedder

OPTIONS = BuildOptions(chunk_tokens=16, overlap_tokens=4)


class CountingEmbedder(FakeEmbedder):
    """The fake model, counting the chunk texts it is asked to embed."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_with_spans(self, texts, spans):
        self.embedded.extend(texts)
        return super().embed_with_spans(texts, spans)


class OtherModel(FakeEmbedder):
    """Another model: same shape, other weights."""

    name = "other-bow"
    fingerprint = "other-bow-1"


@pytest.fixture
def txt_corpus(tmp_path: Path) -> Path:
    """The tiny articles as one .txt file each."""
    folder = tmp_path / "txt_corpus"
    folder.mkdir()
    for article_id, _, text in _TINY:
        (folder / f"{article_id.replace('/', '_')}.txt").write_text(text + "\n")
    return folder


def _chunks_of(index_dir: Path, article_id: str) -> int:
    opened = load_index(index_dir)
    idx = [a.article_id for a in opened.articles].index(article_id)
    return int((opened.chunk_rows[:, 0] == idx).sum())


def _vectors_by_article(index_dir: Path) -> dict[str, np.ndarray]:
    opened = load_index(index_dir)
    return {
        a.article_id: np.array(opened.chunk_vectors[opened.chunk_rows[:, 0] == i])
        for i, a in enumerate(opened.articles)
    }


def test_first_build_adds_and_embeds_every_article(txt_corpus, tmp_path):
    embedder = CountingEmbedder()

    summary = build_index(txt_corpus, tmp_path / "index", embedder, OPTIONS)

    assert (summary.added, summary.updated, summary.unchanged, summary.removed) == (12, 0, 0, 0)
    assert summary.articles == 12
    assert summary.embedded_chunks == summary.chunks == len(embedder.embedded)


def test_unchanged_corpus_reuses_every_stored_vector(txt_corpus, tmp_path):
    build_index(txt_corpus, tmp_path / "index", FakeEmbedder(), OPTIONS)
    before = _vectors_by_article(tmp_path / "index")
    embedder = CountingEmbedder()

    summary = build_index(txt_corpus, tmp_path / "index", embedder, OPTIONS)

    assert (summary.added, summary.updated, summary.unchanged, summary.removed) == (0, 0, 12, 0)
    assert summary.embedded_chunks == 0
    assert embedder.embedded == []
    after = _vectors_by_article(tmp_path / "index")
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_changed_article_alone_is_embedded_again(txt_corpus, tmp_path):
    build_index(txt_corpus, tmp_path / "index", FakeEmbedder(), OPTIONS)
    (txt_corpus / "sport_002.txt").write_text(
        "Kelvin Kiptum set a marathon world record of 2:00:35 in Chicago in October 2023. "
        "He broke the record held by Eliud Kipchoge by 34 seconds.\n"
    )
    embedder = CountingEmbedder()

    summary = build_index(txt_corpus, tmp_path / "index", embedder, OPTIONS)

    assert (summary.added, summary.updated, summary.unchanged, summary.removed) == (0, 1, 11, 0)
    assert summary.embedded_chunks == _chunks_of(tmp_path / "index", "sport_002")
    assert len(embedder.embedded) == summary.embedded_chunks
    assert all("Kipchoge" in t or "Kiptum" in t for t in embedder.embedded)


def test_changed_line_of_a_jsonl_file_alone_is_embedded_again(tiny_corpus, tmp_path):
    build_index(tiny_corpus, tmp_path / "index", FakeEmbedder(), OPTIONS)
    path = tiny_corpus / "articles.jsonl"
    lines = path.read_text().splitlines()
    record = json.loads(lines[4])
    record["text"] += " Markets had expected the rise."
    lines[4] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n")
    embedder = CountingEmbedder()

    summary = build_index(tiny_corpus, tmp_path / "index", embedder, OPTIONS)

    assert (summary.updated, summary.unchanged) == (1, 11)
    assert summary.embedded_chunks == _chunks_of(tmp_path / "index", record["id"])
    assert any("Markets had expected the rise." in t for t in embedder.embedded)


def test_deleted_article_is_removed_from_the_index(txt_corpus, tmp_path):
    build_index(txt_corpus, tmp_path / "index", FakeEmbedder(), OPTIONS)
    (txt_corpus / "health_001.txt").unlink()

    summary = build_index(txt_corpus, tmp_path / "index", CountingEmbedder(), OPTIONS)

    assert (summary.removed, summary.unchanged, summary.embedded_chunks) == (1, 11, 0)
    assert "health_001" not in [a.article_id for a in load_index(tmp_path / "index").live_articles]


def test_new_article_alone_is_added_and_embedded(txt_corpus, tmp_path):
    build_index(txt_corpus, tmp_path / "index", FakeEmbedder(), OPTIONS)
    (txt_corpus / "science_003.txt").write_text("A new species of frog was found in Peru.\n")
    embedder = CountingEmbedder()

    summary = build_index(txt_corpus, tmp_path / "index", embedder, OPTIONS)

    assert (summary.added, summary.unchanged, summary.articles) == (1, 12, 13)
    assert embedder.embedded == ["A new species of frog was found in Peru."]


def test_rebuild_embeds_every_article_again(txt_corpus, tmp_path):
    build_index(txt_corpus, tmp_path / "index", FakeEmbedder(), OPTIONS)
    embedder = CountingEmbedder()

    summary = build_index(
        txt_corpus,
        tmp_path / "index",
        embedder,
        BuildOptions(chunk_tokens=16, overlap_tokens=4, rebuild=True),
    )

    assert summary.embedded_chunks == summary.chunks == len(embedder.embedded)
    assert summary.unchanged == 0


def test_new_chunk_size_embeds_every_article_again(txt_corpus, tmp_path):
    build_index(txt_corpus, tmp_path / "index", FakeEmbedder(), OPTIONS)

    summary = build_index(
        txt_corpus,
        tmp_path / "index",
        FakeEmbedder(),
        BuildOptions(chunk_tokens=24, overlap_tokens=4),
    )

    assert (summary.updated, summary.embedded_chunks) == (12, summary.chunks)
    assert read_manifest(tmp_path / "index")["chunk_tokens"] == 24


def test_model_change_embeds_every_article_again_and_says_why(txt_corpus, tmp_path):
    build_index(txt_corpus, tmp_path / "index", FakeEmbedder(), OPTIONS)

    summary = build_index(txt_corpus, tmp_path / "index", OtherModel(), OPTIONS)

    assert summary.embedded_chunks == summary.chunks
    assert summary.unchanged == 0
    assert len(summary.notes) == 1
    assert "model changed" in summary.notes[0]
    assert "other-bow" in summary.notes[0]
    manifest = read_manifest(tmp_path / "index")
    assert (manifest["model"], manifest["model_fingerprint"]) == ("other-bow", "other-bow-1")


def test_loading_with_another_models_fingerprint_raises(built_index):
    with pytest.raises(IndexFormatError, match="another model"):
        load_index(built_index, expected_fingerprint="other-bow-1")


def test_loading_with_the_same_fingerprint_opens_the_index(built_index):
    opened = load_index(built_index, expected_fingerprint=FakeEmbedder.fingerprint)

    assert opened.n_articles == 12


def _edit_manifest(index_dir: Path, edit) -> None:
    path = index_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda m: m["counts"].update(chunks=m["counts"]["chunks"] + 1), id="chunks"),
        pytest.param(
            lambda m: m["counts"].update(articles=m["counts"]["articles"] - 1), id="articles"
        ),
        pytest.param(lambda m: m["counts"].update(sentences=0), id="sentences"),
        pytest.param(lambda m: m.update(format_version=99), id="format_version"),
        pytest.param(lambda m: m.pop("format_version"), id="no_format_version"),
    ],
)
def test_manifest_mismatch_raises_index_format_error(built_index, edit):
    _edit_manifest(built_index, edit)

    with pytest.raises(IndexFormatError, match="newsdesk index build --rebuild"):
        load_index(built_index)


def test_unreadable_manifest_raises_index_format_error(built_index):
    (built_index / "manifest.json").write_text("{not json")

    with pytest.raises(IndexFormatError, match="damaged"):
        load_index(built_index)


def test_missing_vectors_file_raises_index_format_error(built_index):
    (built_index / "chunk_vectors.npy").unlink()

    with pytest.raises(IndexFormatError, match="damaged"):
        load_index(built_index)


def test_missing_index_raises_index_not_found(tmp_path):
    with pytest.raises(IndexNotFound, match="newsdesk index build"):
        load_index(tmp_path / "nowhere")


def test_build_over_a_damaged_index_starts_afresh_and_says_so(tiny_corpus, built_index):
    _edit_manifest(built_index, lambda m: m["counts"].update(chunks=0))

    summary = build_index(tiny_corpus, built_index, FakeEmbedder(), OPTIONS)

    assert summary.embedded_chunks == summary.chunks
    assert "could not be reused" in summary.notes[0]
    assert load_index(built_index).n_articles == 12


@pytest.mark.parametrize(
    ("query", "article_id"),
    [
        ("Intel chip plant in Ohio", "tech/001"),
        ("smartphone sales fell in the third quarter", "tech/002"),
        ("marathon world record in Chicago", "sport/002"),
        ("central bank raised interest rates", "business/001"),
        ("Perseverance rover landed on Mars", "science/002"),
    ],
)
def test_search_after_save_and_load_finds_the_top_chunk_of_the_embedded_texts(
    built_index, query, article_id
):
    embedder = FakeEmbedder()
    opened = load_index(built_index)
    texts = [opened.chunk_text(c) for c in range(opened.n_chunks)]
    query_vector = embedder.embed([query])[0]
    expected = int(np.argmax(embedder.embed(texts) @ query_vector))

    dense_ids, _ = opened.dense_search(query_vector, k=3)
    lexical_ids, _ = opened.lexical_search(tokenize(query), k=3)

    assert int(dense_ids[0]) == expected
    assert opened.articles[opened.chunk_article(int(lexical_ids[0]))].article_id == article_id


@pytest.fixture(scope="module")
def bundled_chunk_vectors(bundled_index, real_embedder) -> np.ndarray:
    """The bundled index's chunk texts embedded again by the bare model."""
    opened = load_index(bundled_index)
    return real_embedder.embed([opened.chunk_text(c) for c in range(opened.n_chunks)])


@pytest.mark.parametrize(
    "question",
    [
        "When was Blinken's trip to Beijing cancelled?",
        "Who shot down the balloon?",
        "How long did the meeting between Qin and Blinken last?",
    ],
)
def test_bundled_index_search_finds_the_same_top_chunk_as_the_bare_model(
    bundled_index, real_embedder, bundled_chunk_vectors, question
):
    opened = load_index(bundled_index, expected_fingerprint=real_embedder.fingerprint)
    chunk_vectors = bundled_chunk_vectors
    query_vector = real_embedder.embed([question])[0]

    ids, scores = opened.dense_search(query_vector, k=5)

    assert int(ids[0]) == int(np.argmax(chunk_vectors @ query_vector))
    assert scores[0] == pytest.approx(float(np.max(chunk_vectors @ query_vector)), abs=1e-4)


def test_missing_corpus_folder_raises_corpus_not_found(tmp_path):
    with pytest.raises(CorpusNotFound, match="does not exist"):
        build_index(tmp_path / "nowhere", tmp_path / "index", FakeEmbedder())


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "holds no .txt, .md, .html or .jsonl files"),
        ({"a.jpg": b"\xff\xd8"}, "holds no .txt, .md, .html or .jsonl files"),
        ({"a.txt": b"\x00\x00"}, "no file could be read (first: "),
    ],
)
def test_corpus_with_nothing_to_index_raises_and_leaves_the_index_serving(
    tmp_path, built_index, files, message
):
    corpus = tmp_path / "wrong_folder"
    corpus.mkdir()
    for name, content in files.items():
        (corpus / name).write_bytes(content)

    with pytest.raises(CorpusNotFound, match="the index was left as it was") as raised:
        build_index(corpus, built_index, FakeEmbedder())

    assert message in str(raised.value)
    assert load_index(built_index).n_articles == 12
