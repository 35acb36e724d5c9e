"""Fetching over HTTP(S): timeouts, checked redirects, a body cap, and politeness per host."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from types import TracebackType

import httpx

from ingest.errors import FetchError
from ingest.safety import Resolver, parse_link, pinned_address, resolve_host, short_link

log = logging.getLogger(__name__)

USER_AGENT = "newsdesk/0.1 (news question answering; reads the articles it is given)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchLimits:
    """How long, how far and how much one fetch may go, and how many run at once."""

    connect_timeout_s: float = 5.0
    read_timeout_s: float = 15.0
    total_timeout_s: float = 45.0
    max_bytes: int = 5 * 2**20
    max_redirects: int = 5
    concurrency: int = 4


@dataclass(frozen=True)
class Fetched:
    """A response: the URL it finally came from, its status, headers of note and body."""

    url: str
    status: int
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body: bytes = b""
    seconds: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """The server said the resource has not changed since the conditional request."""
        return self.status == 304


def _megabytes(n: int) -> str:
    return f"{n / 2**20:g} MB"


class Fetcher:
    """An HTTP client that checks every hop and caps every body; use as `async with`."""

    def __init__(
        self,
        limits: FetchLimits | None = None,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.limits = limits or FetchLimits()
        self.allow_private = allow_private
        self._resolver = resolver or resolve_host
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._slots = asyncio.Semaphore(self.limits.concurrency)
        self._hosts: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        limits = self.limits
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                limits.read_timeout_s, connect=limits.connect_timeout_s, pool=None
            ),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            transport=self._transport,
            # Requests go to a checked IP with the host's name for TLS: a pooled connection
            # to that IP, verified for another name, must never carry them.
            limits=httpx.Limits(max_keepalive_connections=0),
            trust_env=False,  # no proxy from the environment: requests go where they are checked
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @asynccontextmanager
    async def _turn(self, host: str) -> AsyncIterator[None]:
        """One fetch at a time per host, and a few at once in all."""
        lock = self._hosts.setdefault(host, asyncio.Lock())
        async with lock, self._slots:
            yield

    async def get(
        self,
        link: str,
        *,
        accept: str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched:
        """GET `link`, following at most `max_redirects` redirects, each checked like the first.

        Raises:
            FetchError: refused, unreachable, timed out, an error status, too large, a loop.
        """
        url = parse_link(link)
        loop = asyncio.get_running_loop()
        async with self._turn(url.host):
            started = loop.time()
            try:
                async with asyncio.timeout(self.limits.total_timeout_s):
                    fetched = await self._follow(url, accept, etag, last_modified)
            except TimeoutError as exc:
                raise FetchError(
                    f"{_shown(url)} took longer than {self.limits.total_timeout_s:g} s in all; "
                    "gave up."
                ) from exc
        return replace(fetched, seconds=loop.time() - started)

    async def _follow(
        self, url: httpx.URL, accept: str, etag: str | None, last_modified: str | None
    ) -> Fetched:
        seen = {str(url)}
        for _ in range(self.limits.max_redirects + 1):
            headers = {"Accept": accept}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            response = await self._send(url, headers)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    target = parse_link(str(url.join(location.strip())))
                    if str(target) in seen:
                        raise FetchError(f"{_shown(url)} redirects in a loop; gave up.")
                    seen.add(str(target))
                    url = target
                    continue
                return await self._read(url, response)
            finally:
                await response.aclose()
        raise FetchError(
            f"{_shown(url)} redirects more than {self.limits.max_redirects} times; gave up."
        )

    async def _send(self, url: httpx.URL, headers: dict[str, str]) -> httpx.Response:
        assert self._client is not None, "use the Fetcher as `async with`"
        _, target = await pinned_address(url, self._resolver, allow_private=self.allow_private)
        headers["Host"] = url.netloc.decode("ascii")
        extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
        request = self._client.build_request("GET", target, headers=headers, extensions=extensions)
        try:
            return await self._client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise FetchError(
                f"{_shown(url)} did not answer within {self.limits.read_timeout_s:g} s; gave up."
            ) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"Could not fetch {_shown(url)} ({_reason(exc)}).") from exc

    async def _read(self, url: httpx.URL, response: httpx.Response) -> Fetched:
        status = response.status_code
        if status >= 400 or status in _REDIRECTS:
            phrase = response.reason_phrase or "error"
            raise FetchError(f"{_shown(url)} answered {status} {phrase}; nothing was added.")
        cap = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(
                f"{_shown(url)} is {_megabytes(int(declared))}, over the {_megabytes(cap)} cap; "
                "gave up."
            )
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    raise FetchError(
                        f"{_shown(url)} is larger than the {_megabytes(cap)} cap; gave up."
                    )
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise FetchError(
                f"{_shown(url)} stopped sending for more than {self.limits.read_timeout_s:g} s; "
                "gave up."
            ) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"Could not read {_shown(url)} ({_reason(exc)}).") from exc
        media, _, params = response.headers.get("content-type", "").partition(";")
        return Fetched(
            url=str(url),
            status=status,
            content_type=media.strip().lower(),
            charset=_charset(params),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            body=b"".join(chunks),
        )


def _shown(url: httpx.URL) -> str:
    return short_link(url)


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
