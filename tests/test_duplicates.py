"""The duplicate rule: the same name with the same documentation page, repository or
owner is one product; a shared repository or page with another name is not."""

from pathlib import Path
from typing import Any

import pytest

from registry.duplicates import DuplicateFinder, name_key, normalise_url, same_product
from registry.importers import importer_for
from registry.importing import expand, read_files
from registry.seeding import read_source
from tests.builders import SEED_DIR, SHARED_DATA, an_entry

DOCS = "https://digital.nhs.uk/developer/api-catalogue/personal-demographics-service-fhir"


def api(**overrides: Any) -> dict[str, Any]:
    return an_entry(kind="api", **overrides)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("GOV.UK Notify", "GOVUK Notify"),
        ("GOV.UK Notify", "gov uk notify"),
        (
            "e-Referral Service Patient Care - FHIR API",
            "e-Referral Service Patient Care \u2013 FHIR API",
        ),
        ("OpenHospital", "Open Hospital"),
        ("SantéMPI", "SanteMPI"),
        ("genome_comparison", "GenomeComparison"),
        ("QMCPACK v3.14.0", "QMCPACK"),
        ("VOLTTRON Version 4", "VOLTTRON Version 3.x"),
        ("ResStock™ v3.2.0 [SWR-19-15]", "ResStock™ [SWR-19-15]"),
    ],
)
def test_name_key_folds_spelling_punctuation_and_releases(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("SanteMPI", "SanteIMS"),
        ("F3C v0.1", "F3C++ v0.1"),
        ("Heritage at Risk Register 2021", "Heritage at Risk Register 2022"),
        ("Code for BALDR Study 07.05 v.1.0.0", "Code for BALDR Study 07.04"),
        ("cset-analytics", "cset-analytics-api"),
    ],
)
def test_name_key_keeps_different_products_apart(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_normalise_url_drops_scheme_www_fragment_and_git() -> None:
    assert normalise_url("HTTPS://www.GitHub.com/a/b.git/") == "github.com/a/b"
    assert normalise_url("https://docs.example.org/api/#reference") == "docs.example.org/api"


def test_same_name_and_documentation_is_a_duplicate_when_one_has_a_repository() -> None:
    seeded = api(
        name="Personal Demographics Service - FHIR API",
        owner={"name": "NHS England"},
        urls={"documentation": DOCS, "repository": "https://github.com/NHSDigital/pds-api"},
    )
    imported = api(
        name="Personal Demographics Service - FHIR API",
        owner={"name": "NHS Digital"},
        urls={"documentation": DOCS + "/", "homepage": DOCS},
    )

    evidence = same_product(imported, seeded)

    assert evidence is not None
    assert (evidence.anchor, evidence.value) == ("documentation", DOCS + "/")


def test_same_name_and_owner_is_a_duplicate_when_repositories_differ() -> None:
    a = an_entry(name="GNU Health", urls={"repository": "https://savannah.gnu.org/hg/health"})
    b = an_entry(name="GNU Health", urls={"repository": "https://github.com/gnuhealth/his"})

    evidence = same_product(a, b)

    assert evidence is not None
    assert evidence.anchor == "owner"


def test_same_repository_with_another_name_is_not_a_duplicate() -> None:
    repo = {"repository": "https://github.com/santedb/santedb-server"}
    ims = an_entry(name="SanteIMS", urls=repo, owner={"name": "SanteSuite"})
    mpi = an_entry(name="SantéMPI", urls=repo, owner={"name": "Fyfe Software"})

    assert same_product(mpi, ims) is None


def test_same_documentation_page_with_another_name_is_not_a_duplicate() -> None:
    page = {"documentation": "https://engineering.dwp.gov.uk/apis/docs"}

    assert (
        same_product(
            api(name="Payment Dates", urls=page), api(name="Get Payment Details", urls=page)
        )
        is None
    )


def test_same_name_alone_is_not_a_duplicate() -> None:
    a = api(name="GOVUK Notify", owner={"name": "Department for Work and Pensions"})
    b = an_entry(kind="service", name="GOV.UK Notify", owner={"name": "Government Digital Service"})

    assert same_product(a, b) is None


def test_trailing_api_counts_only_with_the_same_documentation_page() -> None:
    page = {"documentation": "https://example.org/notify"}

    assert (
        same_product(api(name="Notify API", urls=page), api(name="Notify", urls=page)) is not None
    )
    assert same_product(api(name="domain-manager-api"), api(name="domain-manager")) is None


def test_versions_of_a_standard_are_different_standards() -> None:
    v2 = an_entry(kind="standard", name="HL7 Version 2", owner={"name": "HL7 International"})
    v3 = an_entry(kind="standard", name="HL7 Version 3", owner={"name": "HL7 International"})

    assert same_product(v2, v3) is None


def test_a_standard_is_not_the_same_product_as_an_api_of_its_name() -> None:
    standard = an_entry(kind="standard", name="NHS login")
    service = an_entry(kind="service", name="NHS login")

    assert same_product(standard, service) is None


def test_shared_aliases_alone_do_not_make_a_duplicate() -> None:
    r4 = an_entry(kind="standard", name="HL7 FHIR Release 4", aliases=["FHIR"])
    stu3 = an_entry(kind="standard", name="HL7 FHIR Release 3 (STU3)", aliases=["FHIR"])

    assert same_product(r4, stu3) is None


def test_an_alias_matching_the_other_name_is_a_duplicate() -> None:
    seeded = api(name="Electronic Prescription Service - FHIR API", aliases=["EPS FHIR API"])

    assert same_product(api(name="EPS FHIR API"), seeded) is not None


def test_finder_returns_the_first_stored_duplicate_but_never_the_excluded_id() -> None:
    finder = DuplicateFinder()
    finder.add("first", an_entry(name="Example Tool"))
    finder.add("second", an_entry(name="Example Tool v2.0"))

    found = finder.find(an_entry(name="Example tool"), exclude="first")

    assert found is not None
    assert found[0] == "second"
    assert [other for other, _ in finder.matches(an_entry(name="EXAMPLE TOOL"))] == [
        "first",
        "second",
    ]


def _real(fmt: str, *paths: Path) -> list[dict[str, Any]]:
    importer = importer_for(fmt)
    files, missing = expand([str(p) for p in paths], importer.suffixes)
    assert not missing
    return [item.document for _, result in read_files(importer, files) for item in result.entries]


def test_real_seeded_entries_find_their_uk_api_catalogue_copies() -> None:
    finder = DuplicateFinder()
    for _, document in read_source(SEED_DIR).entries:
        finder.add(document["id"], document)
    copies = _real("uk-api-catalogue", SHARED_DATA / "uk-api-catalogue" / "data" / "catalogue.csv")
    found = {
        document["name"]: match[0]
        for document in copies
        if (match := finder.find(document, exclude=document["id"])) is not None
    }

    assert found["GOV.UK Notify"] == "govuk-notify"
    assert found["Personal Demographics Service - FHIR API"] == "personal-demographics-service-fhir"
    assert (
        found["Electronic Prescription Service - FHIR API"]
        == "electronic-prescription-service-fhir"
    )
    assert found["e-Referral Service - FHIR API"] == "e-referral-service-fhir"
    assert "GOVUK Notify" not in found  # DWP's listing: another owner, no documentation page


def test_real_santempi_is_not_a_duplicate_of_santeims() -> None:
    nominees = SHARED_DATA / "dpga-publicgoods-candidates" / "nominees"
    ims, mpi = (_real("dpg", nominees / f"{name}.json")[0] for name in ("santeims", "santempi"))

    assert ims["urls"]["repository"] == mpi["urls"]["repository"]
    assert same_product(mpi, ims) is None
