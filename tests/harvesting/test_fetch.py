"""One fetch: conditional requests, caps, redirects, content types, credentials hidden."""

import base64
import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Response

from registry.harvesting.fetch import Fetcher, Limits, Validators, check_url, redact
from registry.harvesting.guard import AddressPolicy

JSON = frozenset({"application/json"})


def fetcher(**limits: float) -> Fetcher:
    return Fetcher(AddressPolicy.allowing(["127.0.0.1"]), Limits(**limits))  # type: ignore[arg-type]


def test_redact_hides_user_and_password() -> None:
    assert redact("https://bot:t0ken@example.org/a.json") == "https://***@example.org/a.json"
    assert redact("https://example.org/a.json") == "https://example.org/a.json"


def test_only_http_and_https_urls_are_fetched() -> None:
    assert check_url("file:///etc/passwd") is not None
    assert check_url("gopher://example.org/") is not None
    assert check_url("https://example.org/x.json") is None


def test_conditional_headers_are_sent_from_the_last_answer(server: HTTPServer) -> None:
    server.expect_request(
        "/a.json", headers={"If-None-Match": '"v1"', "If-Modified-Since": "Tue, 01 Dec 2026"}
    ).respond_with_data("", status=304)

    result = fetcher().fetch(
        server.url_for("/a.json"), JSON, Validators('"v1"', "Tue, 01 Dec 2026", "abc")
    )

    assert result.status == "not_modified"
    assert result.sha256 == "abc"


def test_a_body_over_the_cap_stops_the_fetch(server: HTTPServer) -> None:
    server.expect_request("/big.json").respond_with_data(
        b"[" + b"0," * 5000 + b"0]", content_type="application/json"
    )

    result = fetcher(max_bytes=4096).fetch(server.url_for("/big.json"), JSON)

    assert result.status == "error"
    assert "over the limit of 4096 bytes" in result.error


def test_a_streamed_body_over_the_cap_stops_the_fetch(server: HTTPServer) -> None:
    def endless() -> Iterator[bytes]:
        while True:
            yield b" " * 65536

    server.expect_request("/stream.json").respond_with_response(
        Response(endless(), content_type="application/json")
    )

    result = fetcher(max_bytes=200_000).fetch(server.url_for("/stream.json"), JSON)

    assert result.status == "error"
    assert result.error == "the file is over the limit of 200000 bytes"


def test_a_compressed_body_is_capped_after_decompression(server: HTTPServer) -> None:
    bomb = gzip.compress(b" " * 100_000)
    server.expect_request("/bomb.json").respond_with_data(
        bomb, content_type="application/json", headers={"Content-Encoding": "gzip"}
    )

    result = fetcher(max_bytes=10_000).fetch(server.url_for("/bomb.json"), JSON)

    assert len(bomb) < 10_000
    assert result.status == "error"
    assert "over the limit" in result.error


def test_an_html_page_is_refused(server: HTTPServer) -> None:
    server.expect_request("/a.json").respond_with_data("<html>", content_type="text/html")

    result = fetcher().fetch(server.url_for("/a.json"), JSON)

    assert result.status == "error"
    assert "text/html" in result.error


def test_redirects_are_followed_up_to_the_limit(server: HTTPServer) -> None:
    for hop in range(3):
        server.expect_request(f"/r{hop}").respond_with_data(
            "", status=302, headers={"Location": f"/r{hop + 1}"}
        )
    server.expect_request("/r3").respond_with_data("{}", content_type="application/json")

    assert fetcher(max_redirects=3).fetch(server.url_for("/r0"), JSON).text == "{}"
    refused = fetcher(max_redirects=2).fetch(server.url_for("/r0"), JSON)
    assert refused.error == "more than 2 redirects"


def test_a_redirect_to_another_scheme_is_refused(server: HTTPServer) -> None:
    server.expect_request("/r").respond_with_data(
        "", status=301, headers={"Location": "file:///etc/passwd"}
    )

    result = fetcher().fetch(server.url_for("/r"), JSON)

    assert result.status == "error"
    assert "only http and https" in result.error


def test_a_loopback_url_is_refused_without_the_allow_list(server: HTTPServer) -> None:
    result = Fetcher(AddressPolicy()).fetch(server.url_for("/a.json"), JSON)

    assert result.status == "error"
    assert result.error.startswith("refused: 127.0.0.1")
    assert server.log == []  # no request reached the server


class _Host(BaseHTTPRequestHandler):
    """A keep-alive file host that records each connection and each request's
    Authorization header; /moved redirects to the URL in the class's `elsewhere`."""

    protocol_version = "HTTP/1.1"
    connections: list[int]
    authorizations: list[str | None]
    elsewhere = ""

    def setup(self) -> None:
        super().setup()
        self.connections.append(self.client_address[1])

    def do_GET(self) -> None:
        self.authorizations.append(self.headers.get("Authorization"))
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", self.elsewhere)
            self.send_header("Content-Length", "0")
        elif self.headers.get("If-None-Match") == '"same"':
            self.send_response(304)
            self.send_header("ETag", '"same"')
        else:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
        self.end_headers()
        if self.path != "/moved" and self.headers.get("If-None-Match") != '"same"':
            self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def host(elsewhere: str = "") -> Iterator[tuple[str, type[_Host]]]:
    handler: type[_Host] = type(
        "Host", (_Host,), {"connections": [], "authorizations": [], "elsewhere": elsewhere}
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_unchanged_files_are_asked_for_over_one_kept_alive_connection() -> None:
    # An unchanged harvest is thousands of 304s: each must not cost a new connection
    # (a TLS handshake, on a real host).
    with host() as (base, seen):
        one = fetcher()
        results = [
            one.fetch(f"{base}/{n}.json", JSON, Validators(etag='"same"')) for n in range(20)
        ]
        one.close()

    assert {result.status for result in results} == {"not_modified"}
    assert len(seen.connections) == 1


def test_credentials_in_a_url_go_to_its_own_origin_only() -> None:
    with host() as (other, elsewhere), host(f"{other}/a.json") as (base, origin):
        _, address = base.split("//")
        one = fetcher()
        result = one.fetch(f"http://bot:t%40ken@{address}/moved", JSON)
        one.close()

    assert result.status == "fetched"
    expected = "Basic " + base64.b64encode(b"bot:t@ken").decode()
    assert origin.authorizations == [expected]
    assert elsewhere.authorizations == [None]  # the redirect led to another port
