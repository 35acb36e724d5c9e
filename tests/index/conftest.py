"""Fixtures of the index tests that need a bigger corpus: the BBC articles of ../shared/data."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

BBC_ARTICLES = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "bbc-news" / "articles.jsonl"
)


def read_bbc_lines(count: int) -> list[str]:
    """The first `count` lines of the BBC articles file (read in place, never copied in)."""
    if not BBC_ARTICLES.is_file():
        pytest.fail(f"{BBC_ARTICLES} is missing: these tests need ../shared/data beside the repo")
    with BBC_ARTICLES.open(encoding="utf-8") as handle:
        return list(itertools.islice(handle, count))


def write_corpus(folder: Path, lines: list[str]) -> Path:
    """A corpus folder holding `lines` as one JSONL file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "articles.jsonl").write_text("".join(lines), encoding="utf-8")
    return folder
