"""The SSRF guard: only public http(s) addresses, checked after resolving names."""

import ipaddress

import pytest

from registry.webhooks.addresses import AddressGuard, UnsafeAddress, non_public_reason


def resolving_to(*addresses: str) -> AddressGuard:
    return AddressGuard(resolver=lambda host, port: list(addresses))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "2002:7f00:1::",
        "::",
    ],
)
def test_non_public_addresses_are_named(address: str) -> None:
    assert non_public_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_pass(address: str) -> None:
    assert non_public_reason(ipaddress.ip_address(address)) is None


def test_name_resolving_to_a_private_address_is_refused() -> None:
    with pytest.raises(UnsafeAddress, match="private"):
        resolving_to("10.0.0.7").check("https://hooks.example.org/x")


def test_name_with_any_private_answer_is_refused() -> None:
    with pytest.raises(UnsafeAddress, match="loopback"):
        resolving_to("93.184.215.14", "127.0.0.1").check("https://hooks.example.org/x")


def test_name_resolving_to_a_public_address_gives_that_address() -> None:
    target = resolving_to("93.184.215.14").check("https://hooks.example.org:8443/x?a=1")

    assert str(target.address) == "93.184.215.14"
    assert target.connect_url() == "https://93.184.215.14:8443/x?a=1"
    assert target.host_header == "hooks.example.org:8443"


def test_ipv6_target_is_bracketed_in_the_connect_url() -> None:
    target = resolving_to("2606:2800:21f:cb07:6820:80da:af6b:8b2c").check("http://h.example/")

    assert target.connect_url() == "http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:80/"
    assert target.host_header == "h.example"


def test_literal_addresses_are_checked_without_resolving() -> None:
    def no_lookups(host: str, port: int) -> list[str]:
        raise AssertionError("resolved a literal address")

    with pytest.raises(UnsafeAddress, match="link-local"):
        AddressGuard(resolver=no_lookups).check("http://169.254.169.254/latest/meta-data/")


def test_allow_list_lets_a_named_network_through() -> None:
    guard = AddressGuard(("127.0.0.1/32",), resolver=lambda host, port: ["127.0.0.1"])

    assert str(guard.check("http://localhost:8080/hook").address) == "127.0.0.1"
    with pytest.raises(UnsafeAddress):
        guard.check("http://127.0.0.2/hook")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/", "https://"),
        ("javascript:alert(1)", "https://"),
        ("http:///path", "no host"),
        ("http://user:secret@example.org/", "user name or password"),
        ("http://example.org:99999/", "port"),
        ("http://example.org/a b", "spaces"),
        ("http://example.org/#frag", "fragment"),
        ("http://example.org/" + "a" * 2000, "longer"),
    ],
)
def test_malformed_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(UnsafeAddress, match=message):
        resolving_to("93.184.215.14").check(url)


def test_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(UnsafeAddress, match="no address"):
        resolving_to().check("https://nowhere.example.org/")
