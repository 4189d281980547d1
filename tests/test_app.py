"""The app as a whole: every response, errors included, carries the security headers."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from registry.app import SECURITY_HEADERS
from registry.wiring import Services

Client = TestClient[Litestar]
MUST_HAVE = (
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "content-security-policy",
)


def broken(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a bug")


ERRORS = [
    pytest.param("GET", "/api/v1/nothing-here", 404, "application/problem+json", id="api-404"),
    pytest.param("GET", "/nothing-here", 404, "text/html", id="page-404"),
    pytest.param("GET", "/api/v1/entries?page=0", 400, "application/problem+json", id="api-400"),
    pytest.param("GET", "/entries/a%00b", 400, "text/html", id="page-400"),
    pytest.param("DELETE", "/api/v1/search", 405, "application/problem+json", id="api-405"),
    pytest.param("DELETE", "/", 405, "text/html", id="page-405"),
    pytest.param(
        "GET", "/api/v1/entries/nope", 404, "application/problem+json", id="api-404-entry"
    ),
    pytest.param("POST", "/api/v1/validate", 413, "application/problem+json", id="api-413"),
    pytest.param("GET", "/api/v1/vocabularies", 500, "application/problem+json", id="api-500"),
    pytest.param("GET", "/", 500, "text/html", id="page-500"),
]


@pytest.mark.parametrize(("method", "url", "status", "media_type"), ERRORS)
def test_error_responses_carry_the_security_headers(
    client: Client,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    url: str,
    status: int,
    media_type: str,
) -> None:
    if status == 500:
        monkeypatch.setattr(services.entries, "vocabulary_names", broken)
        monkeypatch.setattr(services.entries, "vocabulary", broken)
    content = b"x" * (services.settings.max_body_bytes + 1) if status == 413 else None
    headers = {"Content-Type": "application/json"} if content else {}

    response = client.request(method, url, content=content, headers=headers)

    assert response.status_code == status
    assert response.headers["content-type"].startswith(media_type)
    missing = [name for name in MUST_HAVE if name not in response.headers]
    assert missing == []
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_pages_keep_their_own_content_security_policy(client: Client) -> None:
    response = client.get("/")

    assert "nonce-" in response.headers["content-security-policy"]
    assert response.headers["content-security-policy"].count("default-src") == 1


def test_api_responses_get_the_strict_policy(client: Client) -> None:
    response = client.get("/api/v1/vocabularies")

    assert (
        response.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    )
