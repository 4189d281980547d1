"""Every error status the API documents, each with its RFC 9457 problem body."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.api.test_entries import assert_problem, post_entry
from tests.builders import an_entry
from tests.conftest import Keys, bearer

Client = TestClient[Litestar]


def test_malformed_json_is_400_with_position(client: Client, keys: Keys) -> None:
    response = client.post(
        "/api/v1/entries",
        content=b'{"id": "x",',
        headers={**bearer(keys.supplier), "Content-Type": "application/json"},
    )

    body = assert_problem(response, 400)
    assert "line 1" in body["detail"]


def test_malformed_yaml_is_400(client: Client, keys: Keys) -> None:
    response = client.post(
        "/api/v1/entries",
        content=b"id: [unclosed",
        headers={**bearer(keys.supplier), "Content-Type": "application/yaml"},
    )

    assert_problem(response, 400)


def test_empty_body_is_400(client: Client, keys: Keys) -> None:
    response = client.post(
        "/api/v1/entries",
        content=b"",
        headers={**bearer(keys.supplier), "Content-Type": "application/json"},
    )

    assert_problem(response, 400)


def test_missing_key_is_401_with_challenge(client: Client) -> None:
    response = client.post("/api/v1/entries", json=an_entry())

    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer rr_000000000000_wrong", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer "],
)
def test_wrong_credentials_are_401_even_on_reads(client: Client, header: str) -> None:
    response = client.get("/api/v1/entries", headers={"Authorization": header})

    assert_problem(response, 401)


def test_revoked_key_is_401(client: Client, keys: Keys, app: Litestar) -> None:
    from registry.auth import OPERATOR, split_token

    parts = split_token(keys.supplier)
    assert parts is not None
    app.state.services.accounts.revoke_key(parts[0], OPERATOR)

    response = post_entry(client, keys.supplier)

    body = assert_problem(response, 401)
    assert "revoked" in body["detail"]


def test_reviewer_scope_cannot_be_used_without_entry_rights(client: Client, keys: Keys) -> None:
    response = client.post("/api/v1/entries/nope/actions/approve", headers=bearer(keys.supplier))

    assert_problem(response, 404)  # an unknown entry is not revealed as forbidden


def test_unknown_entry_is_404(client: Client) -> None:
    assert_problem(client.get("/api/v1/entries/no-such-entry"), 404)


def test_unknown_route_is_404_problem(client: Client) -> None:
    assert_problem(client.get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_405_problem(client: Client) -> None:
    assert_problem(client.delete("/api/v1/entries"), 405)


def test_taken_id_is_409(client: Client, keys: Keys) -> None:
    post_entry(client, keys.supplier)

    assert_problem(post_entry(client, keys.other_supplier), 409)


def test_body_over_one_mebibyte_is_413(client: Client, keys: Keys) -> None:
    document = an_entry(description="x" * (1024 * 1024 + 10))

    response = post_entry(client, keys.supplier, document)

    assert_problem(response, 413)


def test_yaml_alias_bomb_is_refused(client: Client, keys: Keys) -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    bomb = "\n".join(lines)

    response = client.post(
        "/api/v1/entries",
        content=bomb,
        headers={**bearer(keys.supplier), "Content-Type": "application/yaml"},
    )

    assert_problem(response, 413)


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", ""])
def test_unsupported_media_type_is_415(client: Client, keys: Keys, content_type: str) -> None:
    headers = {**bearer(keys.supplier), "Content-Type": content_type}

    response = client.post("/api/v1/entries", content=b"id: x", headers=headers)

    assert_problem(response, 415)


def test_invalid_document_is_422(client: Client, keys: Keys) -> None:
    body = assert_problem(post_entry(client, keys.supplier, an_entry(id="Bad Id")), 422)

    assert body["errors"] == [{"path": "/id", "message": body["errors"][0]["message"]}]


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=0", "page=abc"])
def test_bad_paging_parameters_are_400(client: Client, query: str) -> None:
    body = assert_problem(client.get(f"/api/v1/entries?{query}"), 400)

    assert body["errors"][0]["path"].startswith("/query/")


def test_problem_instance_is_the_request_path(client: Client) -> None:
    body: dict[str, Any] = assert_problem(client.get("/api/v1/entries/missing"), 404)

    assert body["instance"] == "/api/v1/entries/missing"
