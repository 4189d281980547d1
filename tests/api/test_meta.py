"""Validation endpoint, vocabularies, schema and health."""

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from registry.wiring import Services
from tests.api.test_entries import assert_problem
from tests.builders import an_entry
from tests.conftest import Keys, bearer

Client = TestClient[Litestar]


def test_validate_reports_without_storing(client: Client) -> None:
    response = client.post("/api/v1/validate", json=an_entry(licence="MIT OR"))

    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert body["errors"][0]["path"] == "/licence"
    assert client.get("/api/v1/entries").json()["total"] == 0


def test_validate_accepts_a_valid_entry_with_warnings(client: Client) -> None:
    body = client.post("/api/v1/validate", json=an_entry(licence="GPL-2.0+")).json()

    assert body["valid"] is True
    assert body["warnings"][0]["path"] == "/licence"


def test_vocabularies_come_from_seed_and_standards_from_entries(
    seeded: Services, client: Client
) -> None:
    names = client.get("/api/v1/vocabularies").json()["items"]
    categories = client.get("/api/v1/vocabularies/categories").json()
    standards = client.get("/api/v1/vocabularies/standards").json()

    assert names == ["categories", "care-settings", "standards"]
    assert len(categories["terms"]) >= 10
    assert "hl7-fhir-r4" in {t["id"] for t in standards["terms"]}


def test_unknown_vocabulary_is_404(client: Client) -> None:
    assert_problem(client.get("/api/v1/vocabularies/colours"), 404)


def test_schema_is_served_with_its_id(client: Client) -> None:
    response = client.get("/api/v1/schemas/entry")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/schema+json")
    assert response.json()["$id"] == "urn:reuse-registry:schema:entry:1"


def test_health_reports_database_and_counts_to_a_maintainer(
    seeded: Services, client: Client, keys: Keys
) -> None:
    body = client.get("/health", headers=bearer(keys.reviewer)).json()

    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["entries"]["published"] >= 60


@pytest.mark.parametrize("who", ["anonymous", "supplier"])
def test_health_shows_no_counts_to_others(
    seeded: Services, client: Client, keys: Keys, who: str
) -> None:
    headers = bearer(keys.supplier) if who == "supplier" else {}

    response = client.get("/health", headers=headers)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_openapi_document_lists_the_entry_routes(client: Client) -> None:
    paths = client.get("/api/v1/openapi/openapi.json").json()["paths"]

    assert "/api/v1/entries" in paths
    assert "/api/v1/entries/{entry_id}/actions/{action}" in paths
