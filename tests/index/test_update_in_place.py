"""Updates in place: a few changed articles are appended to the serving index, not rebuilt."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index import BuildOptions, build_index, load_index, term_hash, tokenize
from index.reader import article_chunk_counts
from index.store import CHUNK_VECTORS, SENTENCE_TERM_COUNTS, SENTENCE_TERMS, VECTORS
from index.update import MAX_APPENDED_SHARE
from tests.fakes import FakeEmbedder
from tests.index.synthetic import article_lines, write_corpus
from tests.index.test_build import CountingEmbedder

OPTIONS = BuildOptions(chunk_tokens=64, overlap_tokens=16)
ARTICLES = 40


def _records(corpus: Path) -> list[dict]:
    lines = (corpus / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line]


def _write(corpus: Path, records: list[dict]) -> None:
    text = "".join(json.dumps(r) + "\n" for r in records)
    (corpus / "articles.jsonl").write_text(text, encoding="utf-8")


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, Path]:
    """Forty synthetic articles, indexed with the fake model."""
    corpus = write_corpus(tmp_path / "corpus", article_lines(ARTICLES))
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, FakeEmbedder(), OPTIONS)
    return corpus, index_dir


def _inode(path: Path) -> int:
    return path.stat().st_ino


def _article_of_hits(index, ids) -> list[str]:
    return [index.articles[index.chunk_article(int(i))].article_id for i in ids]


def test_changed_article_is_appended_and_the_big_parts_are_shared_not_rewritten(archive):
    corpus, index_dir = archive
    before = index_dir.resolve()
    records = _records(corpus)
    records[3]["text"] += "\n\nThe harbour commission approved the zeppelin hangar."
    _write(corpus, records)
    counting = CountingEmbedder()

    summary = build_index(corpus, index_dir, counting, OPTIONS)

    after = index_dir.resolve()
    assert after != before
    assert (summary.updated, summary.added, summary.removed) == (1, 0, 0)
    assert summary.unchanged == ARTICLES - 1
    assert any("zeppelin" in t for t in counting.embedded)
    assert len(counting.embedded) == summary.embedded_chunks < 20
    for part in (VECTORS, CHUNK_VECTORS):
        assert _inode(after / part) == _inode(before / part)
    manifest = json.loads((after / "manifest.json").read_text())
    new_chunks = sum(
        "zeppelin" in load_index(index_dir).chunk_text(i)
        for i in range(len(load_index(index_dir).chunk_rows))
    )
    assert (
        article_chunk_counts(index_dir)[records[3]["id"]] == summary.embedded_chunks >= new_chunks
    )
    assert manifest["delta"]["removed_articles"] == 1
    assert manifest["counts"]["articles"] == ARTICLES


def test_after_an_update_only_the_new_version_of_an_article_is_found(archive):
    corpus, index_dir = archive
    records = _records(corpus)
    old_text = records[5]["text"]
    records[5]["text"] = "The zeppelin hangar in the harbour was approved by the commission."
    _write(corpus, records)
    build_index(corpus, index_dir, FakeEmbedder(), OPTIONS)

    index = load_index(index_dir)
    assert index.manifest.get("delta"), "the change was small: it should apply in place"
    target = records[5]["id"]
    ids, _ = index.lexical_search(tokenize("zeppelin hangar commission"), 3)
    assert _article_of_hits(index, ids)[0] == target
    assert "zeppelin" in index.chunk_text(int(ids[0]))
    vector = FakeEmbedder().embed([records[5]["text"]])[0]
    ids, scores = index.dense_search(vector, 3)
    assert _article_of_hits(index, ids)[0] == target and scores[0] > 0.99
    # The old version is never returned, whatever is asked and however it is filtered.
    old_vector = FakeEmbedder().embed([old_text[:300]])[0]
    for allowed in (
        None,
        np.ones(len(index.chunk_rows), dtype=bool),
        index.chunks_until(dt.date(2030, 1, 1)),
    ):
        ids, _ = index.dense_search(old_vector, len(index.chunk_rows), allowed)
        ids_lex, _ = index.lexical_search(tokenize(old_text[:300]), len(index.chunk_rows), allowed)
        for chunk in [*ids, *ids_lex]:
            assert "zeppelin" in index.chunk_text(int(chunk)) or index.chunk_article(
                int(chunk)
            ) != _old_position(index, target)


def _old_position(index, article_id: str) -> int:
    return next(
        i
        for i, a in enumerate(index.articles)
        if a.article_id == article_id and index.article_removed[i]
    )


def test_removed_article_leaves_every_search_and_the_counts(archive):
    corpus, index_dir = archive
    records = _records(corpus)
    gone = records.pop(7)
    _write(corpus, records)

    summary = build_index(corpus, index_dir, FakeEmbedder(), OPTIONS)

    index = load_index(index_dir)
    assert summary.removed == 1 and index.manifest.get("delta")
    assert gone["id"] not in article_chunk_counts(index_dir)
    assert index.n_articles == ARTICLES - 1
    assert gone["id"] not in [a.article_id for a in index.live_articles]
    ids, _ = index.lexical_search(tokenize(gone["text"][:400]), len(index.chunk_rows))
    vector = FakeEmbedder().embed([gone["text"][:400]])[0]
    dense, _ = index.dense_search(vector, len(index.chunk_rows))
    assert gone["id"] not in _article_of_hits(index, [*ids, *dense])
    assert len(dense) == index.n_chunks


def test_dense_results_after_an_update_match_a_full_build_of_the_same_corpus(archive, tmp_path):
    corpus, index_dir = archive
    records = _records(corpus)
    records[2]["text"] += "\n\nA second harbour vote was called for spring."
    records.append({"id": "new-1", "title": "Harbour", "text": "The new harbour opened to ships."})
    _write(corpus, records)
    build_index(corpus, index_dir, FakeEmbedder(), OPTIONS)
    fresh_dir = tmp_path / "fresh"
    build_index(corpus, fresh_dir, FakeEmbedder(), OPTIONS)
    updated, fresh = load_index(index_dir), load_index(fresh_dir)
    assert updated.manifest.get("delta") and not fresh.manifest.get("delta")

    for question in ("harbour vote spring", "new harbour ships", records[10]["text"][:200]):
        vector = FakeEmbedder().embed([question])[0]
        got = [updated.chunk_text(int(i)) for i in updated.dense_search(vector, 5)[0]]
        want = [fresh.chunk_text(int(i)) for i in fresh.dense_search(vector, 5)[0]]
        assert got == want
    assert updated.n_chunks == fresh.n_chunks and updated.n_articles == fresh.n_articles


def test_updates_accumulate_until_their_share_forces_a_full_build(archive):
    corpus, index_dir = archive
    records = _records(corpus)
    changed = 0
    while True:
        records[changed]["text"] += f"\n\nUpdate number {changed} was filed."
        _write(corpus, records)
        counting = CountingEmbedder()
        summary = build_index(corpus, index_dir, counting, OPTIONS)
        manifest = load_index(index_dir).manifest
        changed += 1
        if "delta" not in manifest:
            break
        assert summary.updated == 1
        assert manifest["delta"]["removed_articles"] == changed
        assert changed < ARTICLES, "the share limit never forced a full build"
    # The full build folds the appended rows in, embedding only what changed.
    assert summary.updated == 1 and summary.unchanged == ARTICLES - 1
    assert summary.embedded_chunks == len(counting.embedded) < 20
    index = load_index(index_dir)
    assert len(index.articles) == index.n_articles == ARTICLES
    assert 1 < changed <= ARTICLES * MAX_APPENDED_SHARE * 3
    for n in range(changed):
        ids, _ = index.lexical_search(tokenize(f"update number {n} filed"), 1)
        assert ids.size


def test_an_unchanged_corpus_writes_nothing(archive):
    corpus, index_dir = archive
    before = index_dir.resolve()
    counting = CountingEmbedder()

    summary = build_index(corpus, index_dir, counting, OPTIONS)

    assert index_dir.resolve() == before
    assert (summary.unchanged, summary.embedded_chunks, counting.embedded) == (ARTICLES, 0, [])


def test_an_article_moved_to_another_file_is_not_embedded_again(archive):
    corpus, index_dir = archive
    records = _records(corpus)
    _write(corpus, records[:-1])
    (corpus / "last.jsonl").write_text(json.dumps(records[-1]) + "\n", encoding="utf-8")
    counting = CountingEmbedder()

    summary = build_index(corpus, index_dir, counting, OPTIONS)

    index = load_index(index_dir)
    moved = next(a for a in index.live_articles if a.article_id == records[-1]["id"])
    assert article_chunk_counts(index_dir)[records[-1]["id"]] > 0
    assert moved.path.endswith("last.jsonl")
    assert (summary.unchanged, counting.embedded) == (ARTICLES, [])


def test_rebuild_after_updates_folds_them_into_one_clean_index(archive):
    corpus, index_dir = archive
    records = _records(corpus)
    records[1]["text"] += "\n\nThe lighthouse keeper retired."
    _write(corpus, records[:-1])
    build_index(corpus, index_dir, FakeEmbedder(), OPTIONS)
    assert load_index(index_dir).manifest.get("delta")

    counting = CountingEmbedder()
    summary = build_index(corpus, index_dir, counting, BuildOptions(64, 16, rebuild=True))

    index = load_index(index_dir)
    assert "delta" not in index.manifest and summary.embedded_chunks == len(counting.embedded)
    assert len(index.articles) == index.n_articles == ARTICLES - 1
    ids, _ = index.lexical_search(tokenize("lighthouse keeper retired"), 1)
    assert "lighthouse" in index.chunk_text(int(ids[0]))


def test_removed_article_leaves_an_hnsw_index_searched_with_a_filter(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", article_lines(ARTICLES))
    index_dir = tmp_path / "index"
    options = BuildOptions(chunk_tokens=64, overlap_tokens=16, ann_threshold=1)
    build_index(corpus, index_dir, FakeEmbedder(), options)
    records = _records(corpus)
    gone = records.pop(0)
    _write(corpus, records)

    build_index(corpus, index_dir, FakeEmbedder(), options)

    index = load_index(index_dir)
    assert index.manifest["index_type"].startswith("hnsw") and index.manifest.get("delta")
    vector = FakeEmbedder().embed([gone["text"][:400]])[0]
    for allowed in (None, index.chunks_until(dt.date(2030, 1, 1))):
        ids, _ = index.dense_search(vector, 50, allowed)
        assert len(ids) == 50 and gone["id"] not in _article_of_hits(index, ids)


def _info(index_dir: Path):
    from click.testing import CliRunner

    from newsdesk.cli import cli

    return CliRunner().invoke(cli, ["index", "info", "--index", str(index_dir)])


def test_info_counts_what_the_index_answers_from_and_says_what_was_appended(
    archive, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    corpus, index_dir = archive
    records = _records(corpus)
    records[0]["text"] += "\n\nA late correction was added."
    _write(corpus, records[:-1])
    build_index(corpus, index_dir, FakeEmbedder(), OPTIONS)

    result = _info(index_dir)

    assert result.exit_code == 0, result.output
    fields = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert fields["articles"].strip() == str(ARTICLES - 1)
    assert "2 article versions removed since the last full build" in fields["in place"]


def _own_terms(index, sentence_id: int) -> list[int]:
    return sorted({term_hash(t) for t in tokenize(index.sentence_text(sentence_id))})


def test_each_sentence_keeps_its_own_stored_terms_through_updates_and_full_builds(archive):
    corpus, index_dir = archive
    index = load_index(index_dir)
    base = len(index.sentence_rows)
    assert all(index.stored_terms(i).tolist() == _own_terms(index, i) for i in range(base))

    records = _records(corpus)
    records[2]["text"] += "\n\nThe zeppelin hangar opened on Monday."
    _write(corpus, records)
    build_index(corpus, index_dir, FakeEmbedder(), OPTIONS)
    updated = load_index(index_dir)
    assert updated.manifest.get("delta")
    assert all(updated.stored_terms(i).tolist() == _own_terms(updated, i) for i in range(base))
    # Appended sentences have none stored: the question tokenizes their text.
    assert len(updated.sentence_rows) > base
    assert all(updated.stored_terms(i) is None for i in range(base, len(updated.sentence_rows)))

    build_index(corpus, index_dir, FakeEmbedder(), replace(OPTIONS, rebuild=True))
    rebuilt = load_index(index_dir)
    assert "delta" not in rebuilt.manifest
    every = range(len(rebuilt.sentence_rows))
    assert all(rebuilt.stored_terms(i).tolist() == _own_terms(rebuilt, i) for i in every)


def test_an_index_from_before_stored_terms_still_answers_and_its_next_build_stores_them(
    archive,
):
    corpus, index_dir = archive
    for name in (SENTENCE_TERMS, SENTENCE_TERM_COUNTS):
        (index_dir.resolve() / name).unlink()
    old = load_index(index_dir)
    assert old.stored_terms(0) is None
    ids, _ = old.lexical_search(tokenize("government minister"), 3)
    assert len(ids) == 3

    records = _records(corpus)
    records[1]["text"] += "\n\nA late correction was added."
    _write(corpus, records)
    counting = CountingEmbedder()
    build_index(corpus, index_dir, counting, OPTIONS)
    new = load_index(index_dir)
    assert "delta" not in new.manifest, "the parts it lacks cannot be shared: a full build"
    assert len(counting.embedded) < 20, "a full build that keeps the unchanged vectors"
    every = range(len(new.sentence_rows))
    assert all(new.stored_terms(i).tolist() == _own_terms(new, i) for i in every)


@pytest.mark.parametrize(
    "part", ["delta_chunk_vectors.npy", "delta_terms.json", SENTENCE_TERM_COUNTS]
)
def test_a_damaged_appended_part_is_reported_as_damaged_and_rebuilt_from_scratch(
    archive, part, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    corpus, index_dir = archive
    records = _records(corpus)
    records[0]["text"] += "\n\nA late correction was added."
    _write(corpus, records)
    build_index(corpus, index_dir, FakeEmbedder(), OPTIONS)
    target = index_dir.resolve() / part
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 3])

    result = _info(index_dir)
    assert result.exit_code != 0 and "damaged" in result.stderr

    counting = CountingEmbedder()
    summary = build_index(corpus, index_dir, counting, OPTIONS)
    assert summary.embedded_chunks > 0.9 * summary.chunks
    assert "delta" not in load_index(index_dir).manifest


def test_answers_follow_an_article_through_updates_in_place(tmp_path, real_embedder):
    from retrieval import Answerer

    corpus = write_corpus(tmp_path / "corpus", article_lines(ARTICLES))
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, real_embedder)
    answerer = Answerer(index_dir, real_embedder)
    question = "How many residents had to leave Zellbach when the river flooded?"
    story = (
        "Flood in Zellbach\n\nThe river Ostra flooded the town of Zellbach in April, "
        "forcing {} residents to leave their homes.\n"
    )
    flood = corpus / "zz_flood.txt"

    flood.write_text(story.format(300), encoding="utf-8")
    build_index(corpus, index_dir, real_embedder)
    assert answerer.reload() and answerer.index.manifest.get("delta")
    answer = answerer.ask(question)
    assert answer.answered and "300 residents" in answer.answer

    flood.write_text(story.format(450), encoding="utf-8")
    build_index(corpus, index_dir, real_embedder)
    assert answerer.reload() and answerer.index.manifest["delta"]["removed_articles"] == 1
    answer = answerer.ask(question)
    assert answer.answered and "450 residents" in answer.answer
    assert not any("300 residents" in quote.text for quote in answer.quotes)

    flood.unlink()
    build_index(corpus, index_dir, real_embedder)
    assert answerer.reload()
    answer = answerer.ask(question)
    assert not any("Zellbach" in quote.text for quote in answer.quotes)
    assert answer.articles_searched == ARTICLES


@pytest.mark.parametrize(
    "key",
    [
        slice(0, 3),
        slice(8, 12),
        slice(11, 15),
        slice(None),
        slice(2, 14, 3),
        slice(-3, None),
        0,
        9,
        10,
        -1,
        np.int64(12),
        np.array([14, 0, 10, 9]),
    ],
)
def test_stacked_rows_read_like_one_array(key):
    from index.store import StackedRows

    base, extra = np.arange(20).reshape(10, 2), np.arange(100, 110).reshape(5, 2)
    rows, whole = StackedRows(base, extra), np.concatenate([base, extra])
    assert np.array_equal(rows[key], whole[key])
    assert np.array_equal(np.asarray(rows), whole) and len(rows) == 15
