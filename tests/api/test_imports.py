"""Imports through the API: dry run by default, submitted for review with apply=true."""

from litestar import Litestar
from litestar.testing import TestClient

from tests.api.test_entries import assert_problem
from tests.conftest import Keys, bearer

Client = TestClient[Litestar]

CATALOGUE_CSV = (
    "dateAdded,dateUpdated,url,name,description,documentation,license,maintainer,areaServed,"
    "startDate,endDate,provider\n"
    "2020-01-08,2020-08-24,https://www.gov.uk/bank-holidays.json,Bank Holidays,"
    '"The Bank Holidays API provides access to data about bank holidays.",'
    "https://github.com/alphagov/frontend/blob/main/docs/calendars.md,,,,,,"
    "government-digital-service\n"
)


def test_import_is_a_dry_run_by_default(client: Client, keys: Keys) -> None:
    response = client.post(
        "/api/v1/imports?format=uk-api-catalogue",
        content=CATALOGUE_CSV,
        headers={**bearer(keys.supplier), "Content-Type": "text/csv"},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["applied"] is False
    assert body["counts"]["created"] == 1
    assert client.get("/api/v1/entries", headers=bearer(keys.reviewer)).json()["total"] == 0


def test_supplier_import_with_apply_is_submitted_not_published(client: Client, keys: Keys) -> None:
    response = client.post(
        "/api/v1/imports?format=uk-api-catalogue&apply=true",
        content=CATALOGUE_CSV,
        headers={**bearer(keys.supplier), "Content-Type": "text/csv"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["counts"]["submitted"] == 1
    assert client.get("/api/v1/entries").json()["total"] == 0
    queue = client.get("/api/v1/entries?state=submitted", headers=bearer(keys.reviewer)).json()
    assert queue["total"] == 1


def test_import_needs_a_key(client: Client) -> None:
    response = client.post("/api/v1/imports?format=dpg", content="{}")

    assert_problem(response, 401)


def test_import_of_unknown_format_is_400(client: Client, keys: Keys) -> None:
    response = client.post(
        "/api/v1/imports?format=word", content="x", headers=bearer(keys.supplier)
    )

    assert_problem(response, 400)


def test_import_of_garbage_reports_rejection(client: Client, keys: Keys) -> None:
    response = client.post(
        "/api/v1/imports?format=dpg&filename=nominee.json",
        content="{not json",
        headers=bearer(keys.supplier),
    )

    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0]["result"] == "rejected"
    assert items[0]["source"] == "nominee.json"


def test_an_api_import_is_capped(client: Client, keys: Keys) -> None:
    row = (
        '2020-01-08,2020-08-24,https://example.org/{n},API {n},"Description {n}.",'
        "https://example.org/docs/{n},,,,,,government-digital-service\n"
    )
    header = CATALOGUE_CSV.splitlines()[0] + "\n"
    body = header + "".join(row.format(n=n) for n in range(201))

    response = client.post(
        "/api/v1/imports?format=uk-api-catalogue",
        content=body,
        headers={**bearer(keys.supplier), "Content-Type": "text/csv"},
    )

    assert_problem(response, 413)
