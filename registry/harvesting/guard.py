"""Which addresses a harvest may connect to, checked where the connection is made.

A source URL is typed by an admin, and a server it names can redirect anywhere, so every
connection is checked: the host is resolved once, *every* address it resolves to must be
global (not private, loopback, link-local, shared, reserved, multicast or unspecified),
and the socket is opened to one of those checked addresses. Checking the name and then
letting the HTTP client resolve it again would let a DNS answer change in between (DNS
rebinding); here there is no second resolution. TLS still verifies the certificate
against the host name, because the client passes the name, not the address, for SNI.

`REGISTRY_HARVEST_ALLOW_HOSTS` names hosts, addresses or networks that may be reached
although they are not global (a supplier's server on an internal network, or 127.0.0.1
in tests).
"""

import functools
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class RefusedAddress(Exception):
    """The host is, or resolves to, an address a harvest may not connect to."""


@dataclass(frozen=True)
class AddressPolicy:
    """Global addresses only, plus what the allow-list names."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def allowing(cls, entries: Iterable[str]) -> "AddressPolicy":
        """A policy from allow-list entries: host names, addresses or CIDR networks."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().lower().strip("[]")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def check(self, host: str, address: IPAddress) -> None:
        """Raise RefusedAddress unless `host` may be reached at `address`."""
        if host.lower().rstrip(".") in self.hosts:
            return
        if any(address in network for network in self.networks):
            return
        if not _is_public(address):
            raise RefusedAddress(
                f"{host} is at {address}, a private, loopback or otherwise non-public "
                "address; harvesting refuses it (REGISTRY_HARVEST_ALLOW_HOSTS can allow it)"
            )


def _is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _is_public(address.ipv4_mapped)
    return address.is_global and not address.is_multicast and not address.is_unspecified


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (a literal address is itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in answers:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


class GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to addresses the policy allows, resolving once."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port)
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            self.policy.check(host, address)
        failure: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise RefusedAddress("harvesting does not use Unix sockets")


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The system's CA certificates, loaded once per process and shared by every harvest
    (an SSLContext is safe to share between connections and threads)."""
    return httpx.create_ssl_context(trust_env=False)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport, with its connection pool opening sockets through the guard.

    No proxy is used (a proxy would make the connection on our behalf, unchecked)."""

    def __init__(self, policy: AddressPolicy, max_connections: int = 10) -> None:
        # Not super().__init__(): it would build a pool, and load the CA certificates for
        # it, only for this one to replace it (0.05 s of every harvest run).
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(policy),
        )
