"""/api/v1/sources: admins register, read, harvest and remove sources."""

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlmodel import Session, select

from registry.models import AuditEvent
from registry.models import utcnow as now
from registry.wiring import Services
from tests.conftest import Keys, bearer

Client = TestClient[Litestar]
SOURCE = {
    "name": "nhs-apis",
    "format": "uk-api-catalogue",
    "urls": ["https://raw.githubusercontent.com/co-cddo/api-catalogue/main/data/catalogue.csv"],
    "interval_minutes": 360,
    "trust": "publish",
}


def add(client: Client, keys: Keys, body: Any = None) -> Any:
    return client.post("/api/v1/sources", json=body or SOURCE, headers=bearer(keys.admin))


def test_an_admin_registers_a_source_and_reads_it_back(client: Client, keys: Keys) -> None:
    response = add(client, keys)

    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/api/v1/sources/nhs-apis"
    got = client.get("/api/v1/sources/nhs-apis", headers=bearer(keys.admin)).json()
    assert {k: got[k] for k in SOURCE} == SOURCE
    assert got["runs"] == []
    assert got["last_run"] is None
    listed = client.get("/api/v1/sources", headers=bearer(keys.admin)).json()
    assert [s["name"] for s in listed["items"]] == ["nhs-apis"]


def test_a_source_with_problems_is_refused_with_a_pointer_to_each(
    client: Client, keys: Keys
) -> None:
    body = {"name": "Bad Name", "format": "rss", "urls": ["file:///etc/passwd"], "trust": "x"}

    response = add(client, keys, body)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    paths = {e["path"] for e in response.json()["errors"]}
    assert paths == {"/name", "/format", "/urls/0", "/trust"}


def test_a_supplier_name_with_control_characters_is_refused(client: Client, keys: Keys) -> None:
    # NUL is refused where every body is read (one rule at the boundary), as a 400.
    with_nul = add(client, keys, {**SOURCE, "supplier": "Acme\u0000Health"})
    with_control = add(client, keys, {**SOURCE, "supplier": "Acme\u0007Health"})

    assert with_nul.status_code == 400
    assert with_nul.json()["errors"][0]["path"] == "/supplier"
    assert with_control.status_code == 422
    assert with_control.json()["errors"][0]["path"] == "/supplier"


def test_a_supplier_named_must_exist(client: Client, keys: Keys) -> None:
    response = add(client, keys, {**SOURCE, "supplier": "Nobody Ltd"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "/supplier"


def test_a_second_source_with_the_same_name_is_a_conflict(client: Client, keys: Keys) -> None:
    add(client, keys)

    assert add(client, keys).status_code == 409


def test_only_admins_manage_sources(client: Client, keys: Keys) -> None:
    assert client.get("/api/v1/sources").status_code == 401
    assert client.get("/api/v1/sources", headers=bearer(keys.reviewer)).status_code == 403
    refused = client.post("/api/v1/sources", json=SOURCE, headers=bearer(keys.supplier))
    assert refused.status_code == 403
    add(client, keys)
    for method in ("delete", "post"):
        path = "/api/v1/sources/nhs-apis" + ("/harvest" if method == "post" else "")
        assert getattr(client, method)(path, headers=bearer(keys.reviewer)).status_code == 403


def test_harvest_now_makes_the_source_due_and_is_accepted(client: Client, keys: Keys) -> None:
    add(client, keys)
    before = now()

    response = client.post("/api/v1/sources/nhs-apis/harvest", headers=bearer(keys.admin))

    assert response.status_code == 202
    assert response.json()["next_run_at"] <= now().isoformat()
    assert response.json()["next_run_at"] >= before.replace(microsecond=0).isoformat()[:19]


def test_removing_a_source_forgets_it(client: Client, keys: Keys) -> None:
    add(client, keys)

    assert client.delete("/api/v1/sources/nhs-apis", headers=bearer(keys.admin)).status_code == 204
    missing = client.get("/api/v1/sources/nhs-apis", headers=bearer(keys.admin))
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_credentials_in_a_url_are_never_shown_or_audited(
    client: Client, keys: Keys, services: Services
) -> None:
    secret = {**SOURCE, "urls": ["https://harvester:t0ps3cret@example.org/catalogue.csv"]}

    created = add(client, keys, secret).json()

    assert created["urls"] == ["https://***@example.org/catalogue.csv"]
    assert "t0ps3cret" not in client.get("/api/v1/sources", headers=bearer(keys.admin)).text
    with Session(services.engine) as session:
        audit = [str(e.detail) for e in session.exec(select(AuditEvent)).all()]
    assert not any("t0ps3cret" in row for row in audit)
