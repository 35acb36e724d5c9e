"""A real HTTP server on 127.0.0.1 for the ingest tests: article pages, feeds, and bad answers."""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

from bench.news_site import rfc822, rss

__all__ = ["NewsServer", "Page", "article_html", "atom", "rfc822", "rss"]


@dataclass
class Page:
    """What the server answers at one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    etag: bool = False  # answer 304 to a matching If-None-Match
    stream_bytes: int = 0  # send this many bytes in chunks, with no Content-Length


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    status: int


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    site: str = "Valley Courier",
    published: str | None = "2024-03-04",
    canonical: str | None = None,
    author: str | None = "Jane Roe",
    charset: str = "utf-8",
) -> str:
    """A news page with the usual boilerplate around the article."""
    meta = [f'<meta charset="{charset}">', f'<meta property="og:site_name" content="{site}">']
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}T08:00:00Z">')
    if author:
        meta.append(f'<meta name="author" content="{escape(author)}">')
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html><head>"
        + "".join(meta)
        + f"<title>{escape(title)} | {site}</title></head><body>"
        + '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
        + '<div class="cookie-banner">We use cookies to improve your experience. '
        + "Accept all cookies</div>"
        + f"<main><article><h1>{escape(title)}</h1>{body}</article>"
        + '<aside class="related"><h2>See also</h2><ul><li><a href="/x">Ten gadgets we loved '
        + "this year</a></li></ul></aside>"
        + '<section class="comments"><h3>Leave a Comment</h3><form><textarea></textarea>'
        + "</form></section></main>"
        + f"<footer>Copyright 2024 {site}. All rights reserved.</footer></body></html>"
    )


def atom(title: str, items: list[tuple[str, str, str]], *, base: str) -> bytes:
    """An Atom feed; items are (title, path, ISO date)."""
    entries = "".join(
        f'<entry><title>{escape(t)}</title><link href="{base}{p}"/><id>{base}{p}</id>'
        f"<updated>{d}</updated></entry>"
        for t, p, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>{base}/atom</id><updated>2024-03-05T00:00:00Z"
        f"</updated>{entries}</feed>"
    ).encode()


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-answer (the fetcher stops reading a refused or over-long
    page) is normal here: noted, not printed into the output the tests read."""

    def handle_error(self, request: object, client_address: object) -> None:
        self.errors.append(sys.exc_info()[1])

    errors: ClassVar[list[BaseException | None]] = []


class NewsServer:
    """A threaded HTTP server on 127.0.0.1 serving `pages`, recording every request."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.generated: dict[str, Callable[[str], Page]] = {}  # path prefix -> page maker
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._serve(self)

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> NewsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def requests_to(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def add(self, path: str, page: Page) -> str:
        self.pages[path] = page
        return self.url(path)

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?")[0]
        page = self.pages.get(path)
        for prefix, make in self.generated.items():
            if page is None and path.startswith(prefix):
                page = make(path)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        status = page.status if page else 404
        etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"' if page else None
        if page and page.etag and headers.get("if-none-match") == etag:
            status = 304
        with self._lock:
            self.hits.append(Hit(handler.path, headers, status))
        try:
            if page is None:
                self._send(handler, 404, b"<html><body>Not found</body></html>", {})
                return
            if page.delay_s:
                time.sleep(page.delay_s)
            extra = dict(page.headers)
            if page.etag:
                extra["ETag"] = etag or ""
            if status == 304:
                handler.send_response(304)
                for name, value in extra.items():
                    handler.send_header(name, value)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            if page.stream_bytes:
                self._stream(handler, page)
                return
            body = page.body
            if "gzip" in headers.get("accept-encoding", "") and len(body) > 200:
                body = gzip.compress(body)
                extra["Content-Encoding"] = "gzip"
            extra.setdefault("Content-Type", page.content_type)
            self._send(handler, status, body, extra)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (over the cap, or timed out), as it should

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]
    ) -> None:
        handler.send_response(status)
        headers.setdefault("Content-Type", "text/html; charset=utf-8")
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    @staticmethod
    def _stream(handler: BaseHTTPRequestHandler, page: Page) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", page.content_type)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = (b"<p>" + b"filler text " * 5000 + b"</p>")[: 64 * 1024]
        sent = 0
        while sent < page.stream_bytes:
            handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
        handler.wfile.write(b"0\r\n\r\n")
