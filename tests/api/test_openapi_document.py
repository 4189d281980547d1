"""The OpenAPI document says what the API does: security, headers, problems, methods."""

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from registry.importers import FORMATS

Client = TestClient[Litestar]
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/api/v1/openapi/openapi.json").json()
    return body


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_bearer_key_is_a_security_scheme(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["bearer"]

    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"


def test_every_operation_says_whether_it_needs_a_key(document: dict[str, Any]) -> None:
    needs_key = {
        (p, m) for p, m, o in operations(document) if o.get("security") == [{"bearer": []}]
    }
    optional = {
        (p, m) for p, m, o in operations(document) if o.get("security") == [{}, {"bearer": []}]
    }

    assert needs_key | optional == {(p, m) for p, m, _ in operations(document)}
    assert ("/api/v1/entries", "post") in needs_key
    assert ("/api/v1/search", "get") in optional


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/entries/{entry_id}", "put"),
        ("/api/v1/entries/{entry_id}/actions/{action}", "post"),
        ("/api/v1/entries/{entry_id}/merge", "post"),
    ],
)
def test_if_match_and_412_are_documented(document: dict[str, Any], path: str, method: str) -> None:
    operation = document["paths"][path][method]
    headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]

    assert "If-Match" in headers
    assert "412" in operation["responses"]


def test_update_documents_428(document: dict[str, Any]) -> None:
    assert "428" in document["paths"]["/api/v1/entries/{entry_id}"]["put"]["responses"]


def test_import_format_is_an_enum(document: dict[str, Any]) -> None:
    parameters = document["paths"]["/api/v1/imports"]["post"]["parameters"]
    fmt = next(p for p in parameters if p["name"] == "format")

    assert fmt["schema"]["enum"] == list(FORMATS)


def test_every_error_response_is_a_problem(document: dict[str, Any]) -> None:
    wrong = [
        (path, method, status)
        for path, method, operation in operations(document)
        for status, response in operation["responses"].items()
        if int(status) >= 400
        and list(response.get("content", {})) != ["application/problem+json"]
        # /health's 503 is its own report (status, database), what a load balancer reads.
        and (path, status) != ("/health", "503")
    ]

    assert wrong == []


def test_every_operation_documents_400_and_401(document: dict[str, Any]) -> None:
    missing = [
        (path, method)
        for path, method, operation in operations(document)
        if not {"400", "401"} <= set(operation["responses"])
    ]

    assert missing == []


def test_options_allow_lists_the_documented_methods(
    document: dict[str, Any], client: Client
) -> None:
    answers = {}
    for path, item in document["paths"].items():
        integers = {
            parameter["name"]
            for operation in item.values()
            if isinstance(operation, dict)
            for parameter in operation.get("parameters", [])
            if parameter.get("in") == "path"
            and parameter.get("schema", {}).get("type") == "integer"
        }
        url = re.sub(
            r"\{([^}]+)\}",
            lambda m, integers=integers: "1" if m.group(1) in integers else "x",  # type: ignore[misc]
            path,
        )
        response = client.options(url)
        documented = {m.upper() for m in item if m in METHODS} | {"OPTIONS"}
        answers[path] = (response.status_code, set(response.headers["allow"].split(", ")))
        assert answers[path] == (204, documented), path
