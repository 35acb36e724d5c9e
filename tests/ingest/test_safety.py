"""Private addresses are refused after name lookup and after every redirect, unless allowed."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import replace

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.safety import is_public
from tests.ingest.server import Page

PUBLIC_IP = "93.184.215.14"  # a public address: the test transport sends it to 127.0.0.1


class LocalOnlyTransport(httpx.AsyncBaseTransport):
    """Sends requests for `PUBLIC_IP` to the local server; anything else but 127.0.0.1 fails."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.seen: list[str] = []
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.seen.append(host)
        if host == PUBLIC_IP:
            request.url = request.url.copy_with(host="127.0.0.1", port=self.port)
        elif host != "127.0.0.1":
            raise AssertionError(f"a test tried to reach {host}")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


NAMES = {
    "news.example.com": [PUBLIC_IP],
    "intranet.example.com": ["10.0.0.5"],
    "metadata.example.com": ["169.254.169.254"],
    "mixed.example.com": [PUBLIC_IP, "192.168.1.1"],
}


async def fake_dns(host: str, port: int) -> list[str]:
    if host not in NAMES:
        raise socket.gaierror(f"no such host {host}")
    return NAMES[host]


@pytest.fixture(autouse=True)
def no_real_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    """No name lookup leaves the machine during these tests."""
    real = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost"):
            raise OSError(f"tests may only look up 127.0.0.1, not {host!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


@pytest.fixture
def make(make_ingester, desk, server):
    def build(*, allow_private: bool):
        transport = LocalOnlyTransport(server.port)
        ingester = make_ingester(
            replace(desk, allow_private=allow_private), resolver=fake_dns, transport=transport
        )
        return ingester, transport

    return build


def test_loopback_link_is_refused_by_default_before_any_request(make, server):
    ingester, transport = make(allow_private=False)

    (link,) = ingester.add([server.url("/news/bridge.html")]).links

    assert link.status == "failed"
    assert "127.0.0.1, a private, local or reserved address" in link.reason
    assert transport.seen == [] and server.hits == []


def test_loopback_link_is_fetched_when_private_urls_are_allowed(make, server):
    ingester, _ = make(allow_private=True)

    (link,) = ingester.add([server.url("/news/bridge.html")]).links

    assert link.status == "added"


@pytest.mark.parametrize(
    "host", ["intranet.example.com", "metadata.example.com", "mixed.example.com"]
)
def test_a_name_that_resolves_to_a_private_address_is_refused(make, host):
    ingester, transport = make(allow_private=False)

    (link,) = ingester.add([f"http://{host}/admin"]).links

    assert link.status == "failed" and "private, local or reserved" in link.reason
    assert transport.seen == []


def test_a_public_host_that_redirects_to_loopback_is_refused_at_the_redirect(make, server):
    server.add("/go", Page(status=302, headers={"Location": server.url("/news/bridge.html")}))
    ingester, transport = make(allow_private=False)

    (link,) = ingester.add([f"http://news.example.com:{server.port}/go"]).links

    assert link.status == "failed"
    assert "Refused 127.0.0.1" in link.reason
    assert [h.path for h in server.hits] == ["/go"], "the redirect target was never requested"
    assert server.hits[0].headers["host"] == f"news.example.com:{server.port}"
    assert transport.seen == [PUBLIC_IP]


def test_a_redirect_to_a_name_of_the_metadata_service_is_refused(make, server):
    server.add("/meta", Page(status=301, headers={"Location": "http://metadata.example.com/"}))
    ingester, transport = make(allow_private=False)

    (link,) = ingester.add([f"http://news.example.com:{server.port}/meta"]).links

    assert "Refused metadata.example.com: it resolves to 169.254.169.254" in link.reason
    assert transport.seen == [PUBLIC_IP]


def test_the_same_redirect_is_followed_when_private_urls_are_allowed(make, server):
    server.add("/go", Page(status=302, headers={"Location": server.url("/news/bridge.html")}))
    ingester, _ = make(allow_private=True)

    (link,) = ingester.add([f"http://news.example.com:{server.port}/go"]).links

    assert link.status == "added"
    assert [h.path for h in server.hits] == ["/go", "/news/bridge.html"]


def test_an_unknown_host_is_one_clear_line(make):
    ingester, _ = make(allow_private=False)

    (link,) = ingester.add(["http://no-such-host.example.com/story"]).links

    assert link.reason == "Cannot find the host no-such-host.example.com (name lookup failed)."


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.0.10",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_special_addresses_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", [PUBLIC_IP, "8.8.8.8", "2606:4700:4700::1111"])
def test_internet_addresses_are_public(address):
    assert is_public(ipaddress.ip_address(address))


_SPECIAL_V4 = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
]


def _wrappings(v4: ipaddress.IPv4Address) -> dict[str, ipaddress.IPv6Address]:
    """`v4` written in each IPv6 form that carries an IPv4 address."""
    n = int(v4)
    obfuscated = n ^ 0xFFFFFFFF
    return {
        "mapped": ipaddress.IPv6Address(f"::ffff:{v4}"),
        "compatible": ipaddress.IPv6Address(n),
        "translated": ipaddress.IPv6Address((0xFFFF << 32) | n),
        "nat64": ipaddress.IPv6Address(f"64:ff9b::{v4}"),
        "6to4": ipaddress.IPv6Address((0x2002 << 112) | (n << 80) | 1),
        "teredo client": ipaddress.IPv6Address(
            (0x20010000 << 96) | (int(ipaddress.IPv4Address("8.8.8.8")) << 64) | obfuscated
        ),
        "teredo server": ipaddress.IPv6Address((0x20010000 << 96) | (n << 64) | 0xF7F7F7F7),
    }


@st.composite
def _special_v4(draw: st.DrawFn) -> ipaddress.IPv4Address:
    network = draw(st.sampled_from(_SPECIAL_V4))
    offset = draw(st.integers(0, network.num_addresses - 1))
    return network[offset]


@settings(max_examples=300, deadline=None)
@given(_special_v4())
def test_a_special_ipv4_address_is_refused_in_every_ipv6_wrapping(address):
    assert not is_public(address)
    for form, wrapped in _wrappings(address).items():
        assert not is_public(wrapped), f"{address} as {form}: {wrapped}"


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1).map(ipaddress.IPv4Address))
def test_a_public_ipv4_address_passes_in_every_ipv6_wrapping(address):
    if not address.is_global or address.is_multicast or address.is_reserved:
        return  # the other test's ground
    assert is_public(address)
    for form, wrapped in _wrappings(address).items():
        assert is_public(wrapped), f"{address} as {form}: {wrapped}"


@pytest.mark.parametrize(
    "address",
    [
        "::7f00:1",
        "64:ff9b::7f00:1",
        "64:ff9b::a00:1",
        "::ffff:0:7f00:1",
        "2002:7f00:1::",
        "fec0::1",
    ],
)
def test_reserved_and_wrapped_ipv6_addresses_are_refused(address):
    assert not is_public(ipaddress.ip_address(address))
