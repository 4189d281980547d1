"""Exports over HTTP: one entry as a file, and whole-registry NDJSON and CSV streams."""

import csv
import io
import json

from litestar import Litestar
from litestar.testing import TestClient

from registry.documents import parse_yaml
from registry.wiring import Services

Client = TestClient[Litestar]
PDS = "personal-demographics-service-fhir"


def test_entry_as_yaml_is_the_document(seeded: Services, client: Client) -> None:
    response = client.get(f"/api/v1/entries/{PDS}?format=yaml")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert parse_yaml(response.text) == seeded.entries.get(PDS, None).document


def test_entry_as_json_is_the_document(seeded: Services, client: Client) -> None:
    response = client.get(f"/api/v1/entries/{PDS}?format=json")

    assert response.json() == seeded.entries.get(PDS, None).document
    assert (
        'filename="personal-demographics-service-fhir.json"'
        in response.headers["content-disposition"]
    )


def test_unknown_entry_format_is_400(seeded: Services, client: Client) -> None:
    assert client.get(f"/api/v1/entries/{PDS}?format=docx").status_code == 400


def test_ndjson_has_one_published_entry_per_line(seeded: Services, client: Client) -> None:
    response = client.get("/api/v1/entries.ndjson")

    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = response.text.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == seeded.entries.health()["entries"]["published"]
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    assert all(r["state"] == "published" and r["document"]["id"] == r["id"] for r in records)


def test_csv_has_a_header_and_a_row_per_entry(seeded: Services, client: Client) -> None:
    response = client.get("/api/v1/entries.csv")

    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == seeded.entries.health()["entries"]["published"]
    pds = next(r for r in rows if r["id"] == PDS)
    assert "hl7-fhir-r4" in pds["standards"].split(";")


def test_csv_is_served_with_one_charset(client: Client) -> None:
    response = client.get("/api/v1/entries.csv")

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
