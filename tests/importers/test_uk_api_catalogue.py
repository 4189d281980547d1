"""Tests for registry.importers.uk_api_catalogue: the catalogue CSV and the federated JSON."""

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from registry.importers import importer_for
from registry.importers.base import FileResult, Imported
from registry.importers.uk_api_catalogue import (
    IMPORTER,
    ORGANISATIONS,
    STANDARD_IDS,
    UkApiCatalogueImporter,
)
from tests.importers.checks import SHARED_DATA, assert_all_valid, seed_vocabularies

CATALOGUE = SHARED_DATA / "uk-api-catalogue" / "data"
FEDERATED = SHARED_DATA / "uk-api-catalogue-data-source"
REAL_FILES = sorted(p for p in CATALOGUE.iterdir() if p.is_file()) + sorted(
    FEDERATED.glob("*/apis.json")
)
HEADER = (
    "dateAdded,dateUpdated,url,name,description,documentation,license,maintainer,"
    "areaServed,startDate,endDate,provider"
)


def a_row(**overrides: str) -> dict[str, str]:
    """A catalogue row for one API; keyword arguments replace cells."""
    row = {
        "dateAdded": "2020-01-08",
        "dateUpdated": "2020-08-24",
        "url": "https://www.gov.uk/bank-holidays.json",
        "name": "Bank Holidays",
        "description": "The Bank Holidays API gives the dates of bank holidays.",
        "documentation": "https://github.com/alphagov/frontend/blob/main/docs/calendars.md",
        "license": "",
        "maintainer": "",
        "areaServed": "",
        "startDate": "",
        "endDate": "",
        "provider": "government-digital-service",
    }
    row.update(overrides)
    return row


def csv_text(*rows: dict[str, str], header: str = HEADER) -> str:
    out = io.StringIO()
    columns = header.split(",")
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def an_api(**overrides: Any) -> dict[str, Any]:
    """One item of the federated JSON."""
    data = {
        "name": "Personal Demographics Service - FHIR API",
        "description": "Use this API to access the Personal Demographics Service.",
        "url": "https://digital.nhs.uk/developer/api-catalogue/personal-demographics-service-fhir",
        "contact": "https://digital.nhs.uk/developer/help-and-support",
        "organisation": "NHS Digital",
        "documentation-url": (
            "https://digital.nhs.uk/developer/api-catalogue/personal-demographics-service-fhir"
        ),
    }
    data.update(overrides)
    return {"api-version": "api.gov.uk/v1alpha", "data": data}


def json_text(*apis: dict[str, Any]) -> str:
    return json.dumps({"api-version": "api.gov.uk/v1alpha", "apis": list(apis)})


def only(result: FileResult) -> Imported:
    assert result.rejected == []
    assert len(result.entries) == 1
    return result.entries[0]


def parse_row(**overrides: str) -> Imported:
    return only(IMPORTER.parse(csv_text(a_row(**overrides)), "catalogue.csv"))


def parse_file(path: Path) -> FileResult:
    return IMPORTER.parse(path.read_text(encoding="utf-8"), str(path))


# the format ---------------------------------------------------------------------------


def test_importer_is_registered_under_its_format_name() -> None:
    importer: object = importer_for("uk-api-catalogue")

    assert importer is IMPORTER
    assert IMPORTER.suffixes == (".csv", ".json")


def test_standard_ids_exist_in_the_seed() -> None:
    assert set(STANDARD_IDS) <= set(seed_vocabularies().standards)


def test_organisation_table_matches_the_catalogues_organisation_csv() -> None:
    with (CATALOGUE / "organisation.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    assert {r["id"].lower(): r["name"] for r in rows} == {
        k: name for k, (name, _) in ORGANISATIONS.items()
    }


# real data ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_file_imports_or_is_rejected_with_a_reason(path: Path) -> None:
    result = parse_file(path)

    assert result.entries or result.rejected
    assert all(r.reason for r in result.rejected)
    assert_all_valid(result)


@pytest.mark.parametrize(
    ("name", "count"), [("catalogue.csv", 231), ("catalogue-from-json-source.csv", 133)]
)
def test_real_csv_gives_one_entry_per_row(name: str, count: int) -> None:
    result = parse_file(CATALOGUE / name)

    assert len(result.entries) == count
    assert result.rejected == []


@pytest.mark.parametrize(
    ("organisation", "count"), [("nhs-digital", 93), ("dwp", 38), ("food-standards-agency", 2)]
)
def test_real_federated_json_gives_one_entry_per_api(organisation: str, count: int) -> None:
    result = parse_file(FEDERATED / organisation / "apis.json")

    assert len(result.entries) == count
    assert result.rejected == []


@pytest.mark.parametrize(
    "name",
    [
        "organisation.csv",
        "links.csv",
        "apic-csvtemplate.csv",
        "registry_entries.csv",
        "catalogue.csv-metadata.json",
    ],
)
def test_real_other_file_is_rejected_as_not_a_catalogue(name: str) -> None:
    result = parse_file(CATALOGUE / name)

    assert result.entries == []
    assert len(result.rejected) == 1
    assert result.rejected[0].reason.startswith("not an API catalogue file: ")


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_file_gives_unique_ids(path: Path) -> None:
    ids = [e.document["id"] for e in parse_file(path).entries]

    assert len(ids) == len(set(ids))


def test_real_csv_and_federated_json_give_the_same_ids_for_nhs_apis() -> None:
    from_csv = {
        e.document["name"]: e.document["id"]
        for e in parse_file(CATALOGUE / "catalogue.csv").entries
        if e.document["owner"]["name"] == "NHS Digital"
    }
    from_json = {
        e.document["name"]: e.document["id"]
        for e in parse_file(FEDERATED / "nhs-digital" / "apis.json").entries
    }

    assert len(from_json) == 93
    assert from_csv == from_json


def test_real_nhs_hscn_api_is_on_hscn() -> None:
    entries = parse_file(CATALOGUE / "catalogue.csv").entries
    hscn = [e.document for e in entries if e.document.get("access", {}).get("networks")]

    assert [d["name"] for d in hscn] == ["e-Referral Service - FHIR API (HSCN)"]


# mapping: the CSV ---------------------------------------------------------------------


def test_csv_row_is_an_api() -> None:
    document = parse_row().document

    assert document["kind"] == "api"
    assert document["name"] == "Bank Holidays"
    assert document["summary"] == "The Bank Holidays API gives the dates of bank holidays."


def test_csv_urls_are_homepage_and_documentation() -> None:
    document = parse_row(url="https://api.example.gov.uk/", documentation="https://docs.example")

    assert document.document["urls"] == {
        "homepage": "https://api.example.gov.uk/",
        "documentation": "https://docs.example",
    }


def test_csv_literal_backslash_n_becomes_a_line_break() -> None:
    item = parse_row(description="First paragraph.\\n\\n- a point\\n- another")

    assert item.document["description"] == "First paragraph.\n\n- a point\n- another"
    assert item.document["summary"] == "First paragraph. - a point - another"


def test_csv_long_description_gives_first_sentence_as_summary() -> None:
    long = "Sends letters to people. " + "More words about it here. " * 20
    document = parse_row(description=long).document

    assert document["summary"] == "Sends letters to people."
    assert document["description"] == long.strip()


def test_csv_html_breaks_become_text_breaks() -> None:
    description = (
        "Spec: https://api.example.gov.uk/docs <br> UI is here: https://api.example.gov.uk/ui"
        " <p>Cycles &amp; buses</p>"
    )
    document = parse_row(description=description).document

    assert document["description"] == (
        "Spec: https://api.example.gov.uk/docs\nUI is here: https://api.example.gov.uk/ui"
        "\n\nCycles & buses"
    )
    assert "<" not in document["summary"]


def test_real_tfl_api_has_no_literal_markup() -> None:
    result = parse_file(CATALOGUE / "catalogue.csv")

    texts = [(i.document["summary"], i.document.get("description", "")) for i in result.entries]
    assert any("api.tfl.gov.uk/swagger" in d for _, d in texts)
    assert [t for t in texts if "<br" in t[0] + t[1] or "<p>" in t[0] + t[1]] == []


def test_csv_empty_description_builds_summary_with_warning() -> None:
    item = parse_row(description="")

    assert item.document["summary"] == "Bank Holidays: an API from Government Digital Service."
    assert any("description" in w for w in item.warnings)


def test_csv_columns_in_another_order_are_read() -> None:
    header = "provider,name,url,description,documentation,alternateName,provider url"
    item = only(IMPORTER.parse(csv_text(a_row(), header=header), "template.csv"))

    assert item.document["name"] == "Bank Holidays"
    assert item.warnings == []


def test_csv_unknown_column_is_warned_about() -> None:
    header = HEADER + ",colour"
    item = only(IMPORTER.parse(csv_text(a_row(), header=header), "c.csv"))

    assert any("colour" in w for w in item.warnings)


def test_csv_missing_columns_are_named_in_the_rejection() -> None:
    result = IMPORTER.parse("name,url\nBank Holidays,https://www.gov.uk\n", "c.csv")

    assert result.entries == []
    assert "description, provider" in result.rejected[0].reason


def test_csv_row_without_name_is_rejected_by_line() -> None:
    text = csv_text(a_row(name="Good one"), a_row(name=""), a_row(name="Another"))
    result = IMPORTER.parse(text, "c.csv")

    assert [e.document["name"] for e in result.entries] == ["Good one", "Another"]
    assert [r.source for r in result.rejected] == ["c.csv:line 3"]
    assert "name" in result.rejected[0].reason


def test_csv_line_numbers_count_lines_inside_quoted_cells() -> None:
    text = csv_text(a_row(description="one\ntwo\nthree"), a_row(name="Second"))
    result = IMPORTER.parse(text, "c.csv")

    assert [e.source for e in result.entries] == ["c.csv:line 2", "c.csv:line 5"]


def test_csv_blank_lines_are_ignored() -> None:
    text = csv_text(a_row()) + "\n\n"

    assert len(only(IMPORTER.parse(text, "c.csv")).document) > 0


def test_csv_row_with_empty_provider_is_rejected() -> None:
    result = IMPORTER.parse(csv_text(a_row(provider="")), "c.csv")

    assert result.entries == []
    assert "provider" in result.rejected[0].reason


# mapping: owner -----------------------------------------------------------------------


def test_owner_slug_becomes_organisation_name() -> None:
    assert parse_row(provider="nhs-digital").document["owner"] == {"name": "NHS Digital"}


def test_owner_slug_brings_organisation_url() -> None:
    assert parse_row(provider="historic-england").document["owner"] == {
        "name": "Historic England",
        "url": "https://historicengland.org.uk",
    }


def test_owner_slug_is_matched_whatever_its_case() -> None:
    owner = parse_row(provider="Insolvency-service").document["owner"]

    assert owner["name"] == "Insolvency Service"


def test_owner_full_name_is_kept() -> None:
    item = parse_row(provider="Department for Work and Pensions")

    assert item.document["owner"] == {"name": "Department for Work and Pensions"}
    assert item.warnings == []


def test_owner_unknown_slug_becomes_readable_with_warning() -> None:
    item = parse_row(provider="ministry-of-magic")

    assert item.document["owner"] == {"name": "Ministry Of Magic"}
    assert any("ministry-of-magic" in w for w in item.warnings)


# mapping: licence ---------------------------------------------------------------------


def test_licence_empty_is_noassertion_without_warning() -> None:
    item = parse_row(license="")

    assert item.document["licence"] == "NOASSERTION"
    assert item.warnings == []


def test_licence_spdx_id_is_kept() -> None:
    assert parse_row(license="ISC").document["licence"] == "ISC"


def test_licence_ogl_v3_url_is_ogl_uk_3() -> None:
    url = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

    assert parse_row(license=url).document["licence"] == "OGL-UK-3.0"


def test_licence_free_text_is_kept_as_original() -> None:
    item = parse_row(license="subscription required")

    assert item.document["licence"] == "NOASSERTION"
    assert item.document["provenance"]["original_licence"] == "subscription required"
    assert any("license" in w for w in item.warnings)


# mapping: maintainer ------------------------------------------------------------------


def test_maintainer_email_is_a_contact() -> None:
    maintenance = parse_row(maintainer="SDSTeam@hmrc.gov.uk").document["maintenance"]

    assert maintenance == {"type": "internal", "contacts": [{"email": "SDSTeam@hmrc.gov.uk"}]}


def test_maintainer_url_is_a_contact() -> None:
    maintenance = parse_row(maintainer="https://digital.nhs.uk/developer/help-and-support")

    assert maintenance.document["maintenance"]["contacts"] == [
        {"url": "https://digital.nhs.uk/developer/help-and-support"}
    ]


def test_maintainer_with_team_name_keeps_the_name() -> None:
    item = parse_row(maintainer="Ordnance Survey - <osdatahubenquiries@os.uk>")

    assert item.document["maintenance"]["contacts"] == [
        {"name": "Ordnance Survey", "email": "osdatahubenquiries@os.uk"}
    ]


def test_maintainer_without_email_or_url_is_left_out_with_warning() -> None:
    item = parse_row(maintainer="Details available on developer portal")

    assert "maintenance" not in item.document
    assert any("maintainer" in w for w in item.warnings)


# mapping: status ----------------------------------------------------------------------


def dated(**overrides: str) -> dict[str, Any]:
    importer = UkApiCatalogueImporter(today=lambda: date(2025, 6, 1))
    return only(importer.parse(csv_text(a_row(**overrides)), "c.csv")).document


def test_status_is_retired_when_end_date_is_past() -> None:
    document = dated(endDate="2024-12-31")

    assert document["status"] == "retired"
    assert document["status_dates"]["retired"] == "2024-12-31"


def test_status_is_live_when_end_date_is_future() -> None:
    assert dated(endDate="2030-01-01")["status"] == "live"


def test_status_is_live_without_end_date() -> None:
    assert dated()["status"] == "live"


def test_live_date_is_start_date() -> None:
    assert dated(startDate="2021-03-01")["status_dates"] == {"live": "2021-03-01"}


def test_live_date_falls_back_to_date_added() -> None:
    assert dated(startDate="")["status_dates"] == {"live": "2020-01-08"}


def test_invalid_start_date_is_warned_about_and_date_added_used() -> None:
    item = parse_row(startDate="2023-31-01")

    assert item.document["status_dates"] == {"live": "2020-01-08"}
    assert any("startDate" in w for w in item.warnings)


# mapping: access and standards --------------------------------------------------------


def test_hscn_in_name_gives_hscn_network() -> None:
    document = parse_row(name="e-Referral Service - FHIR API (HSCN)").document

    assert document["access"] == {"networks": ["hscn"]}


def test_no_hscn_in_name_gives_no_access() -> None:
    assert "access" not in parse_row().document


def test_fhir_without_release_gives_no_standard() -> None:
    document = parse_row(name="Immunisation History - FHIR API").document

    assert "standards" not in document
    assert document["tags"] == ["fhir"]


def test_fhir_r4_gives_hl7_fhir_r4() -> None:
    document = parse_row(name="Booking - FHIR R4 API").document

    assert document["standards"] == [{"id": "hl7-fhir-r4"}]


def test_fhir_release_in_description_counts() -> None:
    document = parse_row(name="FHIR Converter API", description="Converts STU3 to FHIR R4.")

    assert document.document["standards"] == [{"id": "hl7-fhir-r4"}, {"id": "hl7-fhir-stu3"}]


def test_r4_without_fhir_in_name_gives_no_standard() -> None:
    assert "standards" not in parse_row(description="Mentions FHIR R4 in passing.").document


def test_hl7_v3_gives_hl7_v3() -> None:
    document = parse_row(name="Summary Care Record - HL7 V3 API").document

    assert document["standards"] == [{"id": "hl7-v3"}]


def test_edifact_gives_edifact() -> None:
    document = parse_row(name="Pathology Messaging - EDIFACT").document

    assert document["standards"] == [{"id": "edifact"}]


# ids and provenance -------------------------------------------------------------------


def test_same_input_gives_same_ids() -> None:
    text = csv_text(a_row(), a_row(name="GOV.UK Pay", documentation="https://docs.pay"))

    first = [e.document["id"] for e in IMPORTER.parse(text, "a.csv").entries]
    second = [e.document["id"] for e in IMPORTER.parse(text, "b.csv").entries]

    assert first == second


def test_same_name_with_other_urls_gives_other_ids() -> None:
    text = csv_text(
        a_row(documentation="https://one.example/docs"),
        a_row(documentation="https://two.example/docs"),
    )
    ids = {e.document["id"] for e in IMPORTER.parse(text, "c.csv").entries}

    assert len(ids) == 2


def test_provenance_source_is_documentation_url() -> None:
    provenance = parse_row(documentation="https://docs.example/api").document["provenance"]

    assert provenance == {"format": "uk-api-catalogue", "source": "https://docs.example/api"}


def test_key_falls_back_to_url_without_documentation() -> None:
    document = parse_row(documentation="", url="https://api.example").document

    assert document["provenance"]["source"] == "https://api.example"


def test_key_falls_back_to_owner_and_name_without_urls() -> None:
    document = parse_row(documentation="", url="").document

    assert document["provenance"]["source"] == "Government Digital Service/Bank Holidays"
    assert "urls" not in document


def test_csv_and_json_for_the_same_api_give_the_same_id() -> None:
    api = an_api()
    row = a_row(
        name=api["data"]["name"],
        documentation=api["data"]["documentation-url"],
        provider="nhs-digital",
    )

    from_csv = only(IMPORTER.parse(csv_text(row), "c.csv")).document
    from_json = only(IMPORTER.parse(json_text(api), "apis.json")).document

    assert from_csv["id"] == from_json["id"]


# the federated JSON -------------------------------------------------------------------


def test_json_api_maps_its_fields() -> None:
    item = only(IMPORTER.parse(json_text(an_api()), "apis.json"))

    assert item.source == "apis.json#/apis/0"
    assert item.document["owner"] == {"name": "NHS Digital"}
    assert item.document["maintenance"]["contacts"] == [
        {"url": "https://digital.nhs.uk/developer/help-and-support"}
    ]
    assert item.document["urls"]["documentation"].endswith("personal-demographics-service-fhir")


def test_json_api_without_name_is_rejected_by_pointer() -> None:
    result = IMPORTER.parse(json_text(an_api(), an_api(name="")), "apis.json")

    assert len(result.entries) == 1
    assert result.rejected[0].source == "apis.json#/apis/1"
    assert "data.name" in result.rejected[0].reason


def test_json_item_without_data_is_rejected() -> None:
    result = IMPORTER.parse(json_text(an_api(), {"api-version": "x"}), "apis.json")

    assert result.rejected[0].source == "apis.json#/apis/1"
    assert "data" in result.rejected[0].reason


def test_json_single_api_object_is_read() -> None:
    item = only(IMPORTER.parse(json.dumps(an_api()), "api.json"))

    assert item.source == "api.json"


def test_json_other_version_is_warned_about() -> None:
    text = json.dumps({"api-version": "api.gov.uk/v2", "apis": [an_api()]})

    assert any("api-version" in w for w in only(IMPORTER.parse(text, "a.json")).warnings)


def test_json_without_apis_is_not_a_catalogue() -> None:
    result = IMPORTER.parse('{"name": "x"}', "other.json")

    assert result.rejected[0].reason.startswith("not an API catalogue file: ")


def test_json_invalid_is_rejected_with_position() -> None:
    result = IMPORTER.parse('{"apis": [', "broken.json")

    assert result.entries == []
    assert "not valid JSON" in result.rejected[0].reason


# hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "\ufeff",
        "\x00\x01\x02\xff\xfe binary \x00",
        HEADER + "\n",
        "\x00" * 10,
        "[1, 2, 3]",
        "[" * 10000 + "]" * 10000,
        '{"apis": "many"}',
        '{"apis": [1, null, "x", []]}',
        "name,url,description,provider\n" + "x" * 200_000 + ",,,\n",
        'name,url,description,provider\n"unterminated,,,\n',
    ],
    ids=lambda t: repr(t[:20]),
)
def test_hostile_input_is_rejected_without_raising(text: str) -> None:
    result = IMPORTER.parse(text, "hostile")

    assert result.rejected
    assert all(r.reason for r in result.rejected)
    assert_all_valid(result)


def test_ten_kilobytes_of_garbage_is_rejected() -> None:
    garbage = "".join(chr(33 + (i * 7919) % 90) for i in range(10_240))

    result = IMPORTER.parse(garbage, "garbage")

    assert result.entries == []
    assert result.rejected
