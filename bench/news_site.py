"""A local news site for the feed benchmarks: article pages and RSS feeds on 127.0.0.1.

What `bench/ingest_poll.py` serves: static pages, ETags (a feed fetched again with its ETag
gets 304) and gzip, as a news site's server answers. Benchmarks never import `tests/`, so
this lives here; the ingest tests have a fuller server of their own (bad answers, delays,
streamed bodies, a record of every request).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    """What the site answers at one path."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    etag: bool = False  # answer 304 to a matching If-None-Match


def article_html(title: str, paragraphs: list[str], *, site: str) -> str:
    """A news page with the usual boilerplate around the article."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<meta property="og:site_name" content="{escape(site)}">'
        '<meta property="article:published_time" content="2024-03-04T08:00:00Z">'
        '<meta name="author" content="Jane Roe">'
        f"<title>{escape(title)} | {escape(site)}</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
        '<div class="cookie-banner">We use cookies to improve your experience. '
        "Accept all cookies</div>"
        f"<main><article><h1>{escape(title)}</h1>{body}</article>"
        '<aside class="related"><h2>See also</h2><ul><li><a href="/x">Ten gadgets we loved '
        "this year</a></li></ul></aside>"
        '<section class="comments"><h3>Leave a Comment</h3><form><textarea></textarea>'
        "</form></section></main>"
        f"<footer>Copyright 2024 {escape(site)}. All rights reserved.</footer></body></html>"
    )


def rss(title: str, items: list[tuple[str, str, str | None]], *, base: str) -> bytes:
    """An RSS 2.0 feed; items are (title, path, RFC 822 date or None)."""
    parts = []
    for item_title, path, date in items:
        pub = f"<pubDate>{date}</pubDate>" if date else ""
        parts.append(
            f"<item><title>{escape(item_title)}</title><link>{base}{path}</link>"
            f"<guid>{base}{path}</guid>{pub}<description>Summary.</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{base}/</link><description>News</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def rfc822(day: int) -> str:
    """09:00 UTC on `day` March 2024, as a feed dates its items."""
    return format_datetime(datetime(2024, 3, day, 9, 0, tzinfo=UTC), usegmt=True)


class NewsServer:
    """A threaded HTTP server on 127.0.0.1 serving the pages added to it."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site._serve(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def add(self, path: str, page: Page) -> None:
        self.pages[path] = page

    def start(self) -> NewsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        page = self.pages.get(handler.path.split("?")[0])
        try:
            if page is None:
                self._send(handler, 404, b"<html><body>Not found</body></html>", {})
                return
            headers: dict[str, str] = {"Content-Type": page.content_type}
            if page.etag:
                headers["ETag"] = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
                if handler.headers.get("If-None-Match") == headers["ETag"]:
                    del headers["Content-Type"]
                    self._send(handler, 304, b"", headers)
                    return
            body = page.body
            if "gzip" in handler.headers.get("Accept-Encoding", "") and len(body) > 200:
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            self._send(handler, 200, body, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]
    ) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
