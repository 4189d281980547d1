"""The edge rules: a NUL anywhere in a request is the same 400 on SQLite and PostgreSQL;
wrong credentials are a 401 on every API route."""

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlmodel import Session

from registry.api.boundary import is_api_path
from registry.auth import OPERATOR
from registry.models import ApiKey, utcnow
from registry.wiring import Services
from tests.admin.conftest import try_sign_in
from tests.api.test_entries import JSON, assert_problem, publish
from tests.builders import an_entry
from tests.conftest import Keys, bearer
from tests.importers.test_codegov import a_release

Client = TestClient[Litestar]

NUL_READS = [
    "/api/v1/entries?kind=a%00b",
    "/api/v1/entries?status=a%00b",
    "/api/v1/entries?licence=a%00b",
    "/api/v1/entries?supplier=a%00b",
    "/api/v1/entries?standard=a%00b",
    "/api/v1/entries/a%00b",
    "/api/v1/entries/a%00b/revisions",
    "/api/v1/entries/a%00b/revisions/1",
    "/api/v1/vocabularies/a%00b",
    "/api/v1/search?q=a%00b",
    "/api/v1/search?kind=a%00b",
]
NUL_PAGES = ["/entries/a%00b", "/standards/a%00b", "/search?q=a%00b", "/admin/login?next=a%00b"]


@pytest.mark.parametrize("url", NUL_READS)
def test_nul_in_an_address_is_400_problem(client: Client, url: str) -> None:
    body = assert_problem(client.get(url), 400)

    assert body["errors"][0]["message"].startswith("Must not contain the NUL")


def test_nul_in_a_query_parameter_names_the_parameter(client: Client) -> None:
    body = assert_problem(client.get("/api/v1/entries?kind=api&licence=a%00b"), 400)

    assert [e["path"] for e in body["errors"]] == ["/query/licence"]


def test_nul_in_a_query_parameter_is_400_for_a_key_holder_too(client: Client, keys: Keys) -> None:
    response = client.get("/api/v1/entries?kind=a%00b", headers=bearer(keys.reviewer))

    assert_problem(response, 400)


@pytest.mark.parametrize("url", NUL_PAGES)
def test_nul_in_a_page_address_is_a_friendly_400_page(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "There is a problem with that request" in response.text


def test_nul_in_a_reason_parameter_is_400(client: Client, keys: Keys) -> None:
    response = client.post(
        "/api/v1/entries?reason=a%00b", json=an_entry(), headers=bearer(keys.supplier)
    )

    assert_problem(response, 400)
    assert (
        client.get("/api/v1/entries/example-tool", headers=bearer(keys.supplier)).status_code == 404
    )


def test_nul_in_an_action_reason_is_400_at_its_pointer(client: Client, keys: Keys) -> None:
    entry_id = publish(client, keys)

    response = client.post(
        f"/api/v1/entries/{entry_id}/actions/deprecate",
        json={"reason": "a\x00b"},
        headers=bearer(keys.reviewer),
    )

    body = assert_problem(response, 400)
    assert body["errors"] == [
        {"path": "/reason", "message": "Must not contain the NUL character (U+0000)."}
    ]
    assert client.get(f"/api/v1/entries/{entry_id}").json()["state"] == "published"


def test_nul_in_a_merge_target_is_400(client: Client, keys: Keys) -> None:
    entry_id = publish(client, keys)

    response = client.post(
        f"/api/v1/entries/{entry_id}/merge",
        json={"into": "a\x00b", "reason": "duplicate"},
        headers=bearer(keys.reviewer),
    )

    body = assert_problem(response, 400)
    assert body["errors"][0]["path"] == "/into"


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        (an_entry(name="Bad\x00Name"), "/name"),
        (an_entry(aliases=["ok", "b\x00d"]), "/aliases/1"),
        (an_entry(owner={"name": "Trust\x00"}), "/owner/name"),
        ({**an_entry(), "x\x00y": 1}, "/x\\u0000y"),
    ],
)
def test_nul_in_an_entry_document_is_400_at_its_pointer(
    client: Client, keys: Keys, document: dict[str, Any], pointer: str
) -> None:
    response = client.post("/api/v1/entries", json=document, headers=bearer(keys.supplier))

    body = assert_problem(response, 400)
    assert [e["path"] for e in body["errors"]] == [pointer]


def test_nul_in_a_yaml_document_is_400(client: Client) -> None:
    response = client.post(
        "/api/v1/validate",
        content=b'id: "a\\0b"\n',
        headers={"Content-Type": "application/yaml"},
    )

    body = assert_problem(response, 400)
    assert body["errors"][0]["path"] == "/id"


def test_nul_in_an_update_is_400_and_changes_nothing(client: Client, keys: Keys) -> None:
    created = client.post("/api/v1/entries", json=an_entry(), headers=bearer(keys.supplier))
    etag = created.headers["etag"]

    response = client.put(
        "/api/v1/entries/example-tool",
        json=an_entry(summary="a\x00b"),
        headers={**bearer(keys.supplier), "If-Match": etag, **JSON},
    )

    assert_problem(response, 400)
    after = client.get("/api/v1/entries/example-tool", headers=bearer(keys.supplier))
    assert after.headers["etag"] == etag


def test_nul_in_an_imported_file_is_400_and_stores_nothing(client: Client, keys: Keys) -> None:
    text = json.dumps({"releases": [a_release()]}).replace("Case Reporter", "Case\x00Reporter")
    response = client.post(
        "/api/v1/imports?format=codegov&apply=true",
        content=text.encode(),
        headers={**bearer(keys.supplier), **JSON},
    )

    assert_problem(response, 400)
    assert (
        client.get("/api/v1/entries?state=submitted", headers=bearer(keys.reviewer)).json()["total"]
        == 0
    )


def test_nul_in_a_form_field_is_a_friendly_400_page(client: Client) -> None:
    response = try_sign_in(client, "someone\x00@example.org", "a password of some length")

    assert response.status_code == 400
    assert "There is a problem with that request" in response.text


def api_requests(app: Litestar) -> list[tuple[str, str]]:
    """(method, url) for every API route and method of the app, with sample path values."""
    found: list[tuple[str, str]] = []
    for route in app.routes:
        if not is_api_path(route.path):
            continue
        url = re.sub(r"\{[^}:]+:int\}", "1", route.path)
        url = re.sub(r"\{[^}]+\}", "example", url)
        found += [(method, url) for method in sorted(route.methods) if method != "HEAD"]
    return found


def revoked_key(services: Services) -> str:
    issued = services.accounts.create_key(
        supplier="Gone", scopes=["entries:submit"], actor=OPERATOR
    )
    services.accounts.revoke_key(issued.key_id, OPERATOR)
    return issued.token


def expired_key(services: Services) -> str:
    issued = services.accounts.create_key(
        supplier="Late", scopes=["entries:submit"], expires_in_days=1, actor=OPERATOR
    )
    with Session(services.engine) as session:
        key = session.get(ApiKey, issued.key_id)
        assert key is not None
        key.expires_at = utcnow() - timedelta(seconds=1)
        session.add(key)
        session.commit()
    return issued.token


WRONG_CREDENTIALS: dict[str, Callable[[Services], str]] = {
    "not-a-key": lambda services: "Bearer not-a-real-key",
    "unknown-key": lambda services: "Bearer rr_000000000000_" + "x" * 43,
    "basic": lambda services: "Basic dXNlcjpwYXNz",
    "empty-bearer": lambda services: "Bearer ",
    "revoked": lambda services: "Bearer " + revoked_key(services),
    "expired": lambda services: "Bearer " + expired_key(services),
}


@pytest.mark.parametrize("kind", WRONG_CREDENTIALS)
def test_wrong_credentials_are_401_on_every_api_route(
    app: Litestar, client: Client, services: Services, kind: str
) -> None:
    header = WRONG_CREDENTIALS[kind](services)
    requests = api_requests(app)
    assert ("GET", "/api/v1/search") in requests
    assert ("GET", "/health") in requests

    answers = {
        (method, url): client.request(method, url, headers={"Authorization": header})
        for method, url in requests
    }

    wrong = {k: r.status_code for k, r in answers.items() if r.status_code != 401}
    assert wrong == {}
    assert all(r.headers["www-authenticate"].startswith("Bearer") for r in answers.values())


def test_right_credentials_still_read_public_routes(client: Client, keys: Keys) -> None:
    for url in ("/api/v1/search", "/api/v1/entries.csv", "/api/v1/schemas/entry", "/health"):
        assert client.get(url, headers=bearer(keys.supplier)).status_code == 200, url


def test_wrong_credentials_do_not_matter_on_pages(client: Client) -> None:
    response = client.get("/", headers={"Authorization": "Bearer not-a-real-key"})

    assert response.status_code == 200
