"""Which links newsdesk may fetch: http(s) only, and no host that resolves to a private address."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

from ingest.errors import FetchError

# Resolves a host name to its IP addresses (the seam tests use to give names to 127.0.0.1).
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# `scheme://user:password@` up to the last "@" before the path: credentials never kept or shown.
_USERINFO = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:)?//[^/?#]*@")
_SHOWN_LINK_CHARS = 120


def strip_userinfo(link: str) -> str:
    """A link without its `user:password@` part, which newsdesk never sends, stores or prints."""
    text = link.strip()
    return _USERINFO.sub(lambda m: f"{m.group(1) or ''}//", text, count=1)


def short_link(link: object, limit: int = _SHOWN_LINK_CHARS) -> str:
    """A link for a message: no credentials, and shortened in the middle when long."""
    text = strip_userinfo(str(link))
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    return f"{text[:head]}…{text[len(text) - (limit - 1 - head) :]}"


@functools.cache
def _suffixes() -> Any:  # noqa: ANN401 (publicsuffixlist has no type hints)
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()  # the list bundled with the package; nothing is downloaded


def registrable_domain(host: str) -> str:
    """The site a host belongs to: `bbc.co.uk` for `news.bbc.co.uk` (by the public suffix
    list); an IP address or a name with no registrable part stands for itself."""
    name = host.strip().rstrip(".").lower()
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return str(_suffixes().privatesuffix(name) or name)
    return name


def same_site(host: str, other: str) -> bool:
    """Whether two hosts belong to the same site (the same registrable domain)."""
    return registrable_domain(host) == registrable_domain(other)


async def resolve_host(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for `host`."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def parse_link(link: str) -> httpx.URL:
    """A link as a URL, checked to be absolute http or https with a host.

    Raises:
        FetchError: anything else (another scheme, no host, not a URL at all).
    """
    text = strip_userinfo(link)
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"{short_link(text)!r} is not a valid link.") from exc
    if url.scheme not in ("http", "https"):
        shown = f"{url.scheme}:" if url.scheme else "no scheme"
        raise FetchError(f"{short_link(text)} has {shown}; only http and https links can be added.")
    if not url.host:
        raise FetchError(f"{short_link(text)} has no host name.")
    return url.copy_with(fragment=None, userinfo=b"")


# IPv6 ranges that carry an IPv4 address in their last 32 bits; such an address reaches (through
# a translator, a tunnel or the host's own stack) whatever the IPv4 address inside reaches.
_IPV4_INSIDE = (
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated, still routed by some stacks)
    ipaddress.IPv6Network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64, well-known prefix
)
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # local-use NAT64: any IPv4 inside
# Special-purpose IPv4 blocks, refused whole (Python counts a few addresses in them as global).
_SPECIAL_V4 = tuple(
    ipaddress.IPv4Network(block)
    for block in ("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15")
)


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address wraps (mapped, compatible, NAT64, 6to4, Teredo)."""
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)  # the relay server and the client behind it
    if any(address in network for network in _IPV4_INSIDE):
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    return []


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet: not loopback, private, link-local, reserved,
    multicast or otherwise special. An IPv6 address that wraps an IPv4 one is judged by it."""
    if isinstance(address, ipaddress.IPv6Address):
        inside = embedded_ipv4(address)
        if inside:
            return all(is_public(v4) for v4 in inside)
        if address.is_site_local or address in _NAT64_LOCAL:
            return False
    elif any(address in block for block in _SPECIAL_V4):
        return False
    return address.is_global and not (address.is_multicast or address.is_reserved)


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
