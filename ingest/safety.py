"""Which links newsdesk may fetch: http(s) only, and no host that resolves to a private address."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence

import httpx

from ingest.errors import FetchError

# Resolves a host name to its IP addresses (the seam tests use to give names to 127.0.0.1).
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


async def resolve_host(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for `host`."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def parse_link(link: str) -> httpx.URL:
    """A link as a URL, checked to be absolute http or https with a host.

    Raises:
        FetchError: anything else (another scheme, no host, not a URL at all).
    """
    text = link.strip()
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"{text[:200]!r} is not a valid link.") from exc
    if url.scheme not in ("http", "https"):
        shown = f"{url.scheme}:" if url.scheme else "no scheme"
        raise FetchError(f"{text[:200]} has {shown}; only http and https links can be added.")
    if not url.host:
        raise FetchError(f"{text[:200]} has no host name.")
    return url.copy_with(fragment=None)


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet: not loopback, private, link-local, reserved,
    multicast or otherwise special."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return address.is_global and not address.is_multicast


def check_addresses(host: str, addresses: Sequence[str], *, allow_private: bool) -> str:
    """The address to connect to for `host`, once every address it resolves to is allowed.

    Raises:
        FetchError: an address is private (and that is not allowed), or there is none.
    """
    if not addresses:
        raise FetchError(f"The host {host} has no address.")
    parsed = [ipaddress.ip_address(a.split("%")[0]) for a in addresses]
    if not allow_private:
        for address in parsed:
            if not is_public(address):
                raise FetchError(
                    f"Refused {host}: it resolves to {address}, a private, local or reserved "
                    "address (set NEWSDESK_ALLOW_PRIVATE_URLS=true to allow such hosts)."
                )
    return str(parsed[0])


async def pinned_address(
    url: httpx.URL, resolver: Resolver, *, allow_private: bool
) -> tuple[str, httpx.URL]:
    """Resolve and check the host of `url`; return its address and the URL aimed at it.

    The request then goes to that very address (with the original Host header and TLS name),
    so a second lookup cannot point it somewhere else.

    Raises:
        FetchError: the host cannot be resolved or is not allowed.
    """
    host = url.host
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses: Sequence[str] = [str(literal)]
    else:
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses = await resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"Cannot find the host {host} (name lookup failed).") from exc
    address = check_addresses(host, addresses, allow_private=allow_private)
    return address, url.copy_with(host=address)
