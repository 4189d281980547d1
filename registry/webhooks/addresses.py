"""Which callback addresses the registry may send to: a guard against SSRF.

A callback URL is chosen by whoever holds an API key, and the registry then makes requests
to it from inside its own network. So only http(s) URLs are taken, with no credentials in
them, and every address the host name resolves to must be public: loopback, private,
link-local (cloud metadata at 169.254.169.254), shared, multicast, reserved and unspecified
addresses are refused, also when written as IPv4 inside IPv6. The check runs when a
subscription is made and again before every delivery, and the delivery then connects to
the very address that was checked (`Target.address`), so a DNS answer that changes in
between cannot steer it elsewhere. Networks named in the allow-list (a setting; tests use
127.0.0.1) are let through.
"""

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
#: host, port -> the addresses it resolves to (the default asks the system's resolver).
Resolver = Callable[[str, int], list[str]]

MAX_URL_LENGTH = 2000


class UnsafeAddress(ValueError):
    """The URL is not one the registry will send requests to; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    address: IPAddress

    def connect_url(self) -> str:
        """The URL with its host replaced by the checked address (the `Host` header and
        TLS server name still carry `host`)."""
        parts = urlsplit(self.url)
        literal = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        netloc = f"{literal}:{self.port}"
        return SplitResult(parts.scheme, netloc, parts.path or "/", parts.query, "").geturl()

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def system_resolver(host: str, port: int) -> list[str]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeAddress(f"The host name '{host}' cannot be resolved.") from exc
    return [str(info[4][0]) for info in answers]


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(v, strict=False) for v in values)


class AddressGuard:
    """Checks callback URLs; `allowed` networks may be reached although not public."""

    def __init__(self, allowed: Sequence[str] = (), resolver: Resolver = system_resolver) -> None:
        self.allowed = parse_networks(allowed)
        self.resolver = resolver

    def check_form(self, url: str) -> SplitResult:
        """The URL's parts, if it is an absolute http(s) URL with a host and no credentials."""
        if len(url) > MAX_URL_LENGTH:
            raise UnsafeAddress(f"The URL is longer than {MAX_URL_LENGTH} characters.")
        if any(ord(c) < 33 or ord(c) == 127 for c in url):
            raise UnsafeAddress("The URL contains spaces or control characters.")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise UnsafeAddress("The URL must start with https:// or http://.")
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number in range
        except ValueError:
            raise UnsafeAddress("The URL's port is not a number from 1 to 65535.") from None
        if not parts.hostname:
            raise UnsafeAddress("The URL has no host name.")
        if parts.username is not None or parts.password is not None:
            raise UnsafeAddress(
                "Put no user name or password in the URL: deliveries are signed instead, "
                "so that no credentials are stored or logged."
            )
        if parts.fragment:
            raise UnsafeAddress("The URL must not have a #fragment.")
        return parts

    def check(self, url: str) -> Target:
        """The URL with the address to use; `UnsafeAddress` when any is not allowed."""
        parts = self.check_form(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        literal = _literal(host)
        found = [literal] if literal is not None else self._resolve(host, port)
        if not found:
            raise UnsafeAddress(f"The host name '{host}' has no address.")
        for address in found:
            self._refuse_unless_allowed(host, address)
        return Target(url=url, scheme=parts.scheme, host=host, port=port, address=found[0])

    def _resolve(self, host: str, port: int) -> list[IPAddress]:
        addresses: list[IPAddress] = []
        for text in self.resolver(host, port):
            # Drop an IPv6 zone ("fe80::1%eth0"): it only ever belongs to a link-local one.
            parsed = _literal(text.split("%", 1)[0])
            if parsed is None:
                raise UnsafeAddress(f"The host name '{host}' resolved to something unusable.")
            if parsed not in addresses:
                addresses.append(parsed)
        return addresses

    def _refuse_unless_allowed(self, host: str, address: IPAddress) -> None:
        if any(
            address in network for network in self.allowed if network.version == address.version
        ):
            return
        reason = non_public_reason(address)
        if reason is not None:
            shown = host if str(address) == host else f"{host} ({address})"
            raise UnsafeAddress(
                f"The address {shown} is {reason}; webhooks are only sent to public addresses."
            )


def non_public_reason(address: IPAddress) -> str | None:
    """Why the address is not a public one, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return non_public_reason(mapped)
        if address.teredo is not None:
            return "a Teredo tunnel address"
    checks = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    )
    return next((reason for failed, reason in checks if failed), None)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
