"""Reading article files (txt, md with front matter, html, jsonl) into `RawArticle`s."""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kernel.errors import CorpusFormatError

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
_MAX_FILE_BYTES = 200 * 1024 * 1024
# Front matter is a few lines of metadata; a bound before parsing keeps YAML's cost bounded.
_MAX_FRONT_MATTER_BYTES = 64 * 1024
_MAX_FIELD_CHARS = {"title": 1000, "outlet": 200, "agency": 200, "published": 64, "url": 2048}
_MAX_DEFAULT_FIELD_CHARS = 200
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](.*))?$")


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
    # abspath, not resolve: a link is shown as itself, and a looping link cannot fail here.
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(os.path.abspath(Path.cwd())))
    except ValueError:
        return str(absolute)


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


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML without aliases (a few bytes of them can expand to gigabytes), dates kept as text."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise CorpusFormatError("front matter uses a YAML alias (*name); write values out")
        return super().compose_node(parent, index)


# Dates are checked by `_checked_date`, which names the bad value instead of failing inside YAML.
_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?![\d:])")


def _checked_date(text: str) -> str:
    """`text` unchanged, unless it is an ISO-like date that no calendar has (2023-02-30)."""
    match = _ISO_DATE.match(text)
    if match is None:
        return text
    year, month, day, rest = match.groups()
    try:
        dt.date(int(year), int(month), int(day))
        clock = _CLOCK.match(rest.strip()) if rest else None
        if clock:
            dt.time(int(clock[1]), int(clock[2]), int(clock[3] or 0))
    except ValueError as exc:
        raise CorpusFormatError(f"the date {text!r} is not a real date or time") from exc
    return text


def _unicode_text(text: str, what: str) -> str:
    """`text`, checked to be storable (JSON can carry lone surrogates, UTF-8 cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CorpusFormatError(f"{what} holds invalid Unicode (a lone surrogate)") from exc
    return text


def _text_field(value: object, name: str = "id") -> str | None:
    if value is None or isinstance(value, dict | list):
        if value:
            raise CorpusFormatError(f"{name} must be a single value, not a list or mapping")
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()[:10]
    text = _unicode_text(str(value).strip(), name)
    limit = _MAX_FIELD_CHARS.get(name, _MAX_DEFAULT_FIELD_CHARS)
    if len(text) > limit:
        raise CorpusFormatError(f"{name} is longer than {limit:,} characters")
    return text or None


def _from_mapping(meta: dict[str, Any]) -> dict[str, str | None]:
    """Pick metadata fields, accepting the names used by the datasets we read."""
    fields = {
        "title": _text_field(meta.get("title") or meta.get("headline"), "title"),
        "outlet": _text_field(meta.get("outlet") or meta.get("source"), "outlet"),
        "agency": _text_field(meta.get("agency"), "agency"),
        "published": _text_field(meta.get("published") or meta.get("date"), "published"),
        "url": _text_field(meta.get("url") or meta.get("link"), "url"),
        "category": _text_field(meta.get("category"), "category"),
    }
    if fields["published"]:
        fields["published"] = _checked_date(fields["published"])
    return fields


def _unreadable(exc: ValueError | RecursionError) -> str:
    """Why a parser gave up on a value that is well-formed but too big for Python."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    if "digits" in str(exc):
        return "holds a number with too many digits to read"
    return "holds a value that cannot be read"


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The front matter of a Markdown file (if any) and the text after it: at most 64 KiB of
    YAML, no aliases, dates kept as text. The one front-matter reader of newsdesk.

    Raises:
        CorpusFormatError: the front matter is too long, never closed, or not a mapping.
    """
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4, _MAX_FRONT_MATTER_BYTES + 8)
    if end < 0:
        if text.find("\n---\n", 4) > 0:
            raise CorpusFormatError(
                f"front matter is longer than {_MAX_FRONT_MATTER_BYTES // 1024} KiB"
            )
        raise CorpusFormatError("front matter opened with '---' is never closed")
    try:
        loaded = yaml.load(text[4:end], Loader=_FrontMatterLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise CorpusFormatError(f"malformed front matter: {exc}".splitlines()[0]) from exc
    except (ValueError, RecursionError) as exc:
        raise CorpusFormatError(f"front matter {_unreadable(exc)}") from exc
    if loaded is not None and not isinstance(loaded, dict):
        raise CorpusFormatError("front matter is not a mapping of names to values")
    return loaded or {}, text[end + 5 :]


def _load_txt(path: Path) -> list[RawArticle]:
    return [RawArticle(article_id=path.stem, path=display_path(path), body=_read_text(path))]


def _load_md(path: Path) -> list[RawArticle]:
    meta, text = split_front_matter(_read_text(path))
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


def _jsonl_article(line: str, shown: str) -> RawArticle:
    """One jsonl line as an article; `CorpusFormatError` says why it cannot be one."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusFormatError(f"not valid JSON ({exc.msg})") from exc
    except (ValueError, RecursionError) as exc:
        raise CorpusFormatError(f"JSON {_unreadable(exc)}") from exc
    if not isinstance(record, dict):
        raise CorpusFormatError("not a JSON object")
    article_id = _text_field(record.get("id") or record.get("doc_id"), "id")
    body = record.get("text")
    if not article_id or not isinstance(body, str) or not body.strip():
        raise CorpusFormatError("needs an 'id' (or 'doc_id') and a non-empty 'text'")
    body = _unicode_text(body, "text")
    return RawArticle(article_id=article_id, path=shown, body=body, **_from_mapping(record))


def _load_jsonl(path: Path, skipped: list[SkippedFile]) -> list[RawArticle]:
    articles = []
    shown = display_path(path)
    for number, line in enumerate(_read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            articles.append(_jsonl_article(line, shown))
        except CorpusFormatError as exc:
            skipped.append(SkippedFile(f"{shown}:{number}", str(exc)))
    return articles


def _broken_link(path: Path) -> str | None:
    """Why a symbolic link in the corpus cannot be read, or None when it can."""
    try:
        target = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link that loops back on itself"
        return "a broken symbolic link (its target does not exist)"
    if stat.S_ISDIR(target.st_mode):
        return "a link to a folder (links to folders are not followed)"
    return None


def iter_corpus_files(corpus_dir: Path, skipped: list[SkippedFile] | None = None) -> Iterator[Path]:
    """Article files under `corpus_dir`, in a stable order; hidden files are ignored.

    Links that are broken, loop, or lead to folders are reported in `skipped`, if given.
    """
    for path in sorted(corpus_dir.rglob("*")):
        relative = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_symlink():
            why = _broken_link(path)
            if why is not None:
                if skipped is not None:
                    skipped.append(SkippedFile(display_path(path), why))
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
