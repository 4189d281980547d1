"""Which addresses a harvest may reach: public ones, and what the allow-list names."""

import ipaddress
import socket
from typing import Any

import httpcore
import pytest

from registry.harvesting.guard import AddressPolicy, GuardedBackend, RefusedAddress

REFUSED = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 - an address refused, not bound
    "224.0.0.1",
    "::1",
    "fe80::1",
    "fc00::1",
    "::ffff:127.0.0.1",
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused_by_default(address: str) -> None:
    with pytest.raises(RefusedAddress):
        AddressPolicy().check("example.org", ipaddress.ip_address(address))


def test_public_addresses_are_allowed() -> None:
    AddressPolicy().check("example.org", ipaddress.ip_address("93.184.215.14"))
    AddressPolicy().check("example.org", ipaddress.ip_address("2606:2800:21f:cb07::1"))


def test_the_allow_list_takes_addresses_networks_and_host_names() -> None:
    policy = AddressPolicy.allowing(["127.0.0.1", "10.20.0.0/16", "Git.Internal.Example"])

    policy.check("127.0.0.1", ipaddress.ip_address("127.0.0.1"))
    policy.check("build", ipaddress.ip_address("10.20.3.4"))
    policy.check("git.internal.example", ipaddress.ip_address("192.168.0.9"))
    with pytest.raises(RefusedAddress):
        policy.check("other", ipaddress.ip_address("10.21.0.1"))


def test_a_name_with_any_private_address_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A DNS answer mixing a public and a private address (a rebinding trick) is refused
    as a whole; no socket is opened."""

    def answers(host: str, port: int, **_: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", answers)

    with pytest.raises(RefusedAddress, match=r"127\.0\.0\.1"):
        GuardedBackend(AddressPolicy()).connect_tcp("rebind.example", 80, timeout=1)


def test_a_name_that_does_not_resolve_is_a_connect_error() -> None:
    with pytest.raises(httpcore.ConnectError):
        GuardedBackend(AddressPolicy()).connect_tcp("no-such-host.invalid", 80, timeout=1)
