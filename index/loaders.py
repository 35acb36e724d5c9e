"""Reading article files (txt, md with front matter, html, jsonl) into `RawArticle`s."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from index.errors import CorpusFormatError

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
_MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class RawArticle:
    """One article as read from disk, before cleaning."""

    article_id: str
    path: str
    body: str
    title: str | None = None
    outlet: str | None = None
    agency: str | None = None
    published: str | None = None
    url: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class SkippedFile:
    """A file (or a line of one) that could not be read, and why."""

    path: str
    reason: str


def display_path(path: Path) -> str:
    """The path relative to the working directory (the project root) when inside it."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(resolved)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if len(data) > _MAX_FILE_BYTES:
        raise CorpusFormatError(f"larger than {_MAX_FILE_BYTES // 2**20} MiB")
    if b"\x00" in data[:8192]:
        raise CorpusFormatError("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusFormatError(f"not valid UTF-8 (byte {exc.start})") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CorpusFormatError("empty file")
    return text


def _text_field(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()[:10]
    text = str(value).strip()
    return text or None


def _from_mapping(meta: dict[str, Any]) -> dict[str, str | None]:
    """Pick metadata fields, accepting the names used by the datasets we read."""
    return {
        "title": _text_field(meta.get("title") or meta.get("headline")),
        "outlet": _text_field(meta.get("outlet") or meta.get("source")),
        "agency": _text_field(meta.get("agency")),
        "published": _text_field(meta.get("published") or meta.get("date")),
        "url": _text_field(meta.get("url") or meta.get("link")),
        "category": _text_field(meta.get("category")),
    }


def _load_txt(path: Path) -> list[RawArticle]:
    return [RawArticle(article_id=path.stem, path=display_path(path), body=_read_text(path))]


def _load_md(path: Path) -> list[RawArticle]:
    text = _read_text(path)
    meta: dict[str, Any] = {}
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end < 0:
            raise CorpusFormatError("front matter opened with '---' is never closed")
        try:
            loaded = yaml.safe_load(text[4:end])
        except yaml.YAMLError as exc:
            raise CorpusFormatError(f"malformed front matter: {exc}".splitlines()[0]) from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise CorpusFormatError("front matter is not a mapping of names to values")
        meta = loaded or {}
        text = text[end + 5 :]
    if not text.strip():
        raise CorpusFormatError("no article text after the front matter")
    fields = _from_mapping(meta)
    return [RawArticle(article_id=path.stem, path=display_path(path), body=text, **fields)]


def _load_html(path: Path) -> list[RawArticle]:
    import trafilatura

    html = _read_text(path)
    doc = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, with_metadata=True
    )
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        raise CorpusFormatError("no article text found in the HTML")
    meta = {
        "title": getattr(doc, "title", None),
        "outlet": getattr(doc, "sitename", None),
        "published": getattr(doc, "date", None),
        "url": getattr(doc, "url", None),
        "category": None,
    }
    return [
        RawArticle(article_id=path.stem, path=display_path(path), body=body, **_from_mapping(meta))
    ]


def _load_jsonl(path: Path, skipped: list[SkippedFile]) -> list[RawArticle]:
    articles = []
    shown = display_path(path)
    for number, line in enumerate(_read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{shown}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            skipped.append(SkippedFile(where, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(record, dict):
            skipped.append(SkippedFile(where, "not a JSON object"))
            continue
        article_id = _text_field(record.get("id") or record.get("doc_id"))
        body = record.get("text")
        if not article_id or not isinstance(body, str) or not body.strip():
            skipped.append(SkippedFile(where, "needs an 'id' (or 'doc_id') and a non-empty 'text'"))
            continue
        fields = _from_mapping(record)
        articles.append(RawArticle(article_id=article_id, path=shown, body=body, **fields))
    return articles


def iter_corpus_files(corpus_dir: Path) -> Iterator[Path]:
    """Article files under `corpus_dir`, in a stable order; hidden files are ignored."""
    for path in sorted(corpus_dir.rglob("*")):
        relative = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES:
            yield path


def load_file(path: Path, skipped: list[SkippedFile]) -> list[RawArticle]:
    """Read one article file; a file that cannot be read is added to `skipped`."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            return _load_jsonl(path, skipped)
        if suffix == ".md":
            return _load_md(path)
        if suffix in (".html", ".htm"):
            return _load_html(path)
        return _load_txt(path)
    except CorpusFormatError as exc:
        skipped.append(SkippedFile(display_path(path), str(exc)))
    except OSError as exc:
        skipped.append(SkippedFile(display_path(path), exc.strerror or str(exc)))
    return []
