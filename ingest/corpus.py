"""Corpus files of fetched articles: front matter, stable names, atomic writes, duplicates."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from index import iter_corpus_files, split_front_matter
from kernel.errors import CorpusFormatError

log = logging.getLogger(__name__)

_SLUG = re.compile(r"[^a-z0-9]+")
_STALE_TMP_S = 3600.0


@dataclass(frozen=True)
class ArticleFile:
    """One article to write: its metadata and body."""

    url: str
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    link: str | None = None  # the link it was fetched from, when not the canonical URL


def normalize_url(url: str) -> str:
    """A URL as a dedupe key: no fragment, lower-case scheme and host, no default port."""
    import httpx

    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError):
        return url.strip()
    default = {"http": 80, "https": 443}.get(parsed.scheme)
    port = None if parsed.port == default else parsed.port
    return str(parsed.copy_with(fragment=None, port=port))


def text_key(text: str) -> str:
    """A fingerprint of an article text that ignores spacing and line breaks."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def slugify(name: str | None, fallback: str = "web") -> str:
    """A folder name for an outlet: lower-case letters, digits and dashes."""
    slug = _SLUG.sub("-", (name or "").lower()).strip("-")[:60].strip("-")
    return slug or fallback


def file_stem(url: str) -> str:
    """The file name stem of an article: stable for its (normalised) canonical URL."""
    return hashlib.sha256(normalize_url(url).encode("utf-8")).hexdigest()[:16]


def front_matter(article: ArticleFile, fetched_at: str) -> str:
    """The YAML front matter block the corpus loader reads, every value safely quoted."""
    fields: dict[str, str | None] = {
        "title": article.title,
        "outlet": article.outlet,
        "published": article.published,
        "url": article.url,
        "author": article.author,
        "fetched": fetched_at,
    }
    if article.link and normalize_url(article.link) != normalize_url(article.url):
        fields["link"] = article.link
    clean = {k: (" ".join(v.split()) or None) if v else None for k, v in fields.items()}
    clean = {k: v for k, v in clean.items() if v is not None or k in ("title", "published")}
    dumped = yaml.safe_dump(clean, sort_keys=False, allow_unicode=True, width=2**16)
    return f"---\n{dumped}---\n"


class Catalog:
    """What the corpus already holds, by URL and by text, to refuse duplicates."""

    def __init__(self, corpus_dir: Path) -> None:
        self.corpus_dir = corpus_dir
        self.by_url: dict[str, Path] = {}
        self.by_text: dict[str, Path] = {}
        self._reserved: set[Path] = set()
        self._scan()

    def _scan(self) -> None:
        if not self.corpus_dir.is_dir():
            return
        now = time.time()
        for tmp in self.corpus_dir.rglob(".*.tmp-*"):
            if now - tmp.stat().st_mtime > _STALE_TMP_S:  # left by a killed write
                tmp.unlink(missing_ok=True)
        for path in iter_corpus_files(self.corpus_dir):
            if path.suffix.lower() not in (".md", ".txt"):
                continue
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            meta: dict[str, Any] = {}
            body = text
            if path.suffix.lower() == ".md":
                try:
                    meta, body = split_front_matter(text)
                except CorpusFormatError:
                    continue  # the index build skips it too, and says why
            self.remember(path, body, [meta.get("url"), meta.get("link")])

    def remember(self, path: Path, body: str, urls: list[Any]) -> None:
        """Record an article file under its URLs and its text."""
        for url in urls:
            if isinstance(url, str) and url.strip():
                self.by_url.setdefault(normalize_url(url), path)
        if body.strip():
            self.by_text.setdefault(text_key(body), path)

    def reserve(self, path: Path, body: str, urls: list[Any]) -> None:
        """Claim `path` for an article about to be written, so a copy in flight is refused."""
        self._reserved.add(path)
        for url in urls:
            if isinstance(url, str) and url.strip():
                self.by_url[normalize_url(url)] = path
        self.by_text[text_key(body)] = path

    def _present(self, path: Path | None) -> bool:
        return path is not None and (path in self._reserved or path.exists())

    def find(self, urls: list[str | None], text: str | None = None) -> tuple[Path, str] | None:
        """The file already holding one of `urls` or `text`, and which of the two matched."""
        for url in urls:
            if url and self._present(hit := self.by_url.get(normalize_url(url))):
                assert hit is not None
                return hit, "URL"
        if text is not None and self._present(hit := self.by_text.get(text_key(text))):
            assert hit is not None
            return hit, "text"
        return None


def article_path(corpus_dir: Path, article: ArticleFile, host: str) -> Path:
    """Where an article goes: `<corpus>/<outlet-slug>/<hash of its URL>.md`."""
    folder = slugify(article.outlet, fallback=slugify(host))
    return corpus_dir / folder / f"{file_stem(article.url)}.md"


def write_article(path: Path, article: ArticleFile) -> None:
    """Write an article file atomically: a hidden temp file, then one rename."""
    fetched_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    body = article.text.strip() + "\n"
    content = front_matter(article, fetched_at) + body
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
