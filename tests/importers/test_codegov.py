"""Tests for registry.importers.codegov: code.json inventories and releases to entries."""

import json
from functools import cache
from typing import Any

import pytest

from registry.importers import importer_for
from registry.importers.base import FileResult, Imported
from registry.importers.codegov import IMPORTER
from tests.importers.checks import SHARED_DATA, assert_all_valid

CODEGOV_DATA = SHARED_DATA / "us-code-gov-inventory"
INDEXES = CODEGOV_DATA / "agency-indexes"


def a_release(**overrides: Any) -> dict[str, Any]:
    """A code.json 2.0 release; keyword arguments replace fields (None removes)."""
    release: dict[str, Any] = {
        "name": "Case Reporter",
        "organization": "Centers for Disease Control and Prevention",
        "description": "Reports notifiable disease cases to public health agencies.",
        "permissions": {
            "licenses": [{"name": "Apache-2.0", "URL": "https://github.com/cdc/cr/LICENSE"}],
            "usageType": "openSource",
        },
        "repositoryURL": "https://github.com/CDCgov/case-reporter",
        "homepageURL": "https://cdc.gov/case-reporter",
        "status": "Production",
        "tags": ["Surveillance", "FHIR"],
        "languages": ["Python"],
        "contact": {"email": "cr@cdc.gov", "name": "CR team", "URL": "https://cdc.gov/contact"},
        "laborHours": 100,
        "date": {"created": "2020-01-01", "lastModified": "2024-01-01"},
    }
    release.update(overrides)
    return {k: v for k, v in release.items() if v is not None}


def an_inventory(*releases: Any, agency: str = "HHS") -> dict[str, Any]:
    return {
        "agency": agency,
        "version": "2.0.0",
        "measurementType": {"method": "projects"},
        "releases": list(releases) or [a_release()],
    }


def a_project(**overrides: Any) -> dict[str, Any]:
    """A code.json 1.0 project; keyword arguments replace fields (None removes)."""
    project: dict[str, Any] = {
        "name": "Benefit Finder",
        "description": "Helps people find the benefits they may be eligible for.",
        "license": "CC0-1.0",
        "openSourceProject": 1,
        "governmentWideReuseProject": 1,
        "tags": ["benefits"],
        "contact": {"email": "bf@ssa.gov"},
        "repository": "https://github.com/ssa/benefit-finder",
        "homepage": "https://ssa.gov/bf",
        "organization": "Office of Benefits",
        "status": "Beta",
    }
    project.update(overrides)
    return {k: v for k, v in project.items() if v is not None}


def parse(data: Any, source: str = "code.json") -> FileResult:
    return IMPORTER.parse(json.dumps(data), source)


def entry(release: dict[str, Any]) -> Imported:
    result = parse(an_inventory(release))
    assert result.rejected == []
    assert len(result.entries) == 1
    return result.entries[0]


def document(**overrides: Any) -> dict[str, Any]:
    return entry(a_release(**overrides)).document


def reason(release: Any) -> str:
    result = parse(an_inventory(release))
    assert result.entries == []
    assert len(result.rejected) == 1
    return result.rejected[0].reason


@cache
def real(pattern: str) -> FileResult:
    """Every real file matching a glob under the inventory folder, parsed into one result."""
    combined = FileResult()
    for path in sorted(CODEGOV_DATA.glob(pattern)):
        result = IMPORTER.parse(path.read_text(encoding="utf-8"), str(path))
        assert result.entries or result.rejected, path
        combined.entries += result.entries
        combined.rejected += result.rejected
    return combined


# The importer itself


def test_importer_is_found_by_format_name() -> None:
    assert importer_for("codegov") is IMPORTER


def test_importer_reads_json_files() -> None:
    assert IMPORTER.suffixes == (".json",)


# Real data: the whole corpus parses in well under a second; validation takes a few.


@pytest.mark.parametrize(
    ("pattern", "at_least"),
    [
        ("agency-indexes/*-index.json", 1800),
        ("codegov.json", 10),
        ("agency-indexes/HHS/*.json", 600),
        ("agency-indexes/VA/*.json", 145),
        ("agency-indexes/DoE/*.json", 5800),
    ],
)
def test_real_files_give_valid_entries(pattern: str, at_least: int) -> None:
    result = real(pattern)
    assert len(result.entries) >= at_least
    assert_all_valid(result)


@pytest.mark.parametrize("folder", ["HHS", "VA", "DoE"])
def test_real_release_files_are_not_rejected(folder: str) -> None:
    assert real(f"agency-indexes/{folder}/*.json").rejected == []


def test_real_truncated_gsa_index_is_rejected_as_invalid_json() -> None:
    gsa = [r for r in real("agency-indexes/*-index.json").rejected if "GSA-index" in r.source]
    assert len(gsa) == 1
    assert gsa[0].reason.startswith("not valid JSON at line 9")


def test_real_releases_without_description_are_rejected_alone() -> None:
    epa = real("agency-indexes/EPA-index.json")
    empty = [r for r in epa.rejected if r.reason.startswith("description:")]
    assert len(empty) >= 290
    assert len(epa.entries) >= 350


def test_real_repeated_releases_are_rejected_as_repeats() -> None:
    ssa = real("agency-indexes/SSA-index.json")
    assert len(ssa.entries) >= 125
    assert len(ssa.rejected) >= 490  # SSA lists most of its releases five times
    assert all(r.reason.startswith("repeats /releases/") for r in ssa.rejected)


def test_real_curated_map_owner_combines_agency_and_organization() -> None:
    owners = {i.document["owner"]["name"] for i in real("codegov.json").entries}
    assert "HHS / Centers for Medicare & Medicaid Services" in owners


def test_real_index_and_release_file_give_the_same_ids() -> None:
    def ids(result: FileResult) -> set[str]:
        return {i.document["id"] for i in result.entries}

    index, files = real("agency-indexes/VA-index.json"), real("agency-indexes/VA/*.json")
    assert len(ids(index) & ids(files)) >= 140


# Recognising the shape


def test_inventory_gives_one_entry_per_release() -> None:
    result = parse(an_inventory(a_release(), a_release(name="Other", repositoryURL=None)))
    assert [i.document["name"] for i in result.entries] == ["Case Reporter", "Other"]


def test_release_source_points_into_the_file() -> None:
    result = parse(an_inventory(a_release(), a_release(name="Second")), "hhs.json")
    assert result.entries[1].source == "hhs.json#/releases/1"


def test_single_release_file_gives_one_entry() -> None:
    result = parse(a_release(), "one.json")
    assert [i.source for i in result.entries] == ["one.json"]


def test_release_with_its_own_projects_list_is_a_release() -> None:
    result = parse(a_release(projects=["case-reporting"]), "one.json")
    assert [i.source for i in result.entries] == ["one.json"]


def test_agency_keyed_map_gives_entries_per_agency() -> None:
    curated = {
        "GSA": an_inventory(a_release(name="Login"), agency="GSA"),
        "HHS": an_inventory(a_release()),
    }
    sources = [i.source for i in parse(curated, "codegov.json").entries]
    assert sources == ["codegov.json#/GSA/releases/0", "codegov.json#/HHS/releases/0"]


def test_agency_keyed_map_value_that_is_no_inventory_is_rejected_alone() -> None:
    result = parse({"GSA": {"note": "soon"}, "HHS": an_inventory()}, "codegov.json")
    assert len(result.entries) == 1
    assert result.rejected[0].source == "codegov.json#/GSA"


def test_schema_1_projects_give_entries() -> None:
    result = parse({"version": "1.0.1", "projects": [a_project()]}, "old.json")
    doc = result.entries[0].document
    assert (doc["name"], doc["licence"], doc["status"]) == ("Benefit Finder", "CC0-1.0", "beta")
    assert doc["urls"] == {
        "repository": "https://github.com/ssa/benefit-finder",
        "homepage": "https://ssa.gov/bf",
    }


def test_schema_1_project_agency_object_gives_owner() -> None:
    project = a_project(agency={"name": "Social Security Administration", "acronym": "SSA"})
    doc = parse({"version": "1.0.0", "projects": [project]}).entries[0].document
    assert doc["owner"] == {"name": "SSA / Office of Benefits"}


# Fields


def test_description_gives_summary() -> None:
    doc = document()
    assert doc["summary"] == "Reports notifiable disease cases to public health agencies."
    assert "description" not in doc


def test_long_description_is_added_to_the_description() -> None:
    doc = document(longDescription="More about it.")
    assert doc["description"] == (
        "Reports notifiable disease cases to public health agencies.\n\nMore about it."
    )


def test_long_name_is_cut_with_a_warning() -> None:
    item = entry(a_release(name="x " * 100))
    assert len(item.document["name"]) <= 150
    assert "name: longer than 150 characters; cut." in item.warnings


def test_urls_come_from_repository_and_homepage() -> None:
    assert document()["urls"] == {
        "repository": "https://github.com/CDCgov/case-reporter",
        "homepage": "https://cdc.gov/case-reporter",
    }


def test_git_protocol_repository_becomes_https() -> None:
    doc = document(repositoryURL="git://github.com/CDCgov/MicrobeTrace.git")
    assert doc["urls"]["repository"] == "https://github.com/CDCgov/MicrobeTrace"


def test_user_name_in_repository_url_is_dropped() -> None:
    doc = document(repositoryURL="https://someone@bitbucket.example.org/scm/x/y")
    assert doc["urls"]["repository"] == "https://bitbucket.example.org/scm/x/y"


def test_repository_that_is_not_a_url_is_left_out_with_a_warning() -> None:
    item = entry(a_release(repositoryURL="hhttps://github.com/x/y"))
    assert "repository" not in item.document["urls"]
    assert any(w.startswith("repositoryURL:") for w in item.warnings)


def test_spdx_licence_name_is_kept() -> None:
    assert document()["licence"] == "Apache-2.0"


def test_newer_singular_license_list_is_read() -> None:
    permissions = {"license": [{"name": "CC0-1.0"}], "usageType": "openSource"}
    assert document(permissions=permissions)["licence"] == "CC0-1.0"


def test_deprecated_licence_is_updated_with_a_warning() -> None:
    item = entry(a_release(permissions={"licenses": [{"name": "GPL-2.0"}]}))
    assert item.document["licence"] == "GPL-2.0-only"
    assert any("deprecated SPDX id 'GPL-2.0'" in w for w in item.warnings)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("The Unlicense", "Unlicense"),
        ("CC0", "CC0-1.0"),
        ("CC0 1.0 Universal", "CC0-1.0"),
        ("GPL.v3", "GPL-3.0-only"),
        ("GNU General Public License v2.0", "GPL-2.0-only"),
    ],
)
def test_known_licence_spellings_are_mapped(name: str, expected: str) -> None:
    assert document(permissions={"licenses": [{"name": name}]})["licence"] == expected


def test_free_text_licence_is_noassertion_with_original_and_url_kept() -> None:
    licences = [{"name": "Other", "URL": "https://ip.example.gov/terms"}]
    item = entry(a_release(permissions={"licenses": licences, "usageType": "openSource"}))
    assert item.document["licence"] == "NOASSERTION"
    assert item.document["provenance"]["original_licence"] == "Other (https://ip.example.gov/terms)"


def test_url_only_licence_is_noassertion_with_url_kept() -> None:
    item = entry(a_release(permissions={"licenses": [{"URL": "https://x.gov/LICENSE.md"}]}))
    assert item.document["licence"] == "NOASSERTION"
    assert item.document["provenance"]["original_licence"] == "https://x.gov/LICENSE.md"


def test_several_licences_are_joined_with_and() -> None:
    licences = [{"name": "MIT"}, {"name": "BSD-3-Clause"}, {"name": "MIT"}]
    assert document(permissions={"licenses": licences})["licence"] == "MIT AND BSD-3-Clause"


def test_no_licences_give_noassertion_with_a_warning() -> None:
    item = entry(a_release(permissions={"licenses": None, "usageType": "exemptByLaw"}))
    assert item.document["licence"] == "NOASSERTION"
    assert "permissions.licenses: no licence given; recorded as NOASSERTION." in item.warnings


def test_exempt_usage_keeps_the_licence_with_a_warning() -> None:
    permissions = {"licenses": [{"name": "MIT"}], "usageType": "exemptByAgencyMission"}
    item = entry(a_release(permissions=permissions))
    assert item.document["licence"] == "MIT"
    assert any(
        w.startswith("permissions.usageType: 'exemptByAgencyMission'") for w in item.warnings
    )


def test_owner_combines_agency_and_organization() -> None:
    assert document()["owner"] == {"name": "HHS / Centers for Disease Control and Prevention"}


def test_owner_is_the_agency_without_organization() -> None:
    assert document(organization=None)["owner"] == {"name": "HHS"}


def test_owner_is_the_organization_in_a_release_file() -> None:
    doc = parse(a_release(), "one.json").entries[0].document
    assert doc["owner"] == {"name": "Centers for Disease Control and Prevention"}


def test_owner_is_not_repeated_when_organization_is_the_agency() -> None:
    assert document(organization="hhs")["owner"] == {"name": "hhs"}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Ideation", "concept"),
        ("Development", "alpha"),
        ("Alpha", "alpha"),
        ("Beta", "beta"),
        ("Release Candidate", "beta"),
        ("Release", "live"),
        ("Production", "live"),
        ("production", "live"),
        ("Archival", "retired"),
        ("Archived", "retired"),
    ],
)
def test_status_is_mapped(status: str, expected: str) -> None:
    assert document(status=status)["status"] == expected


def test_status_with_extra_words_is_read_by_its_first_word_with_a_warning() -> None:
    item = entry(a_release(status="Alpha v0.11 (Prototype)"))
    assert item.document["status"] == "alpha"
    assert "status: 'Alpha v0.11 (Prototype)' read as 'alpha'." in item.warnings


def test_unknown_status_is_live_with_a_warning() -> None:
    item = entry(a_release(status="Sunset"))
    assert item.document["status"] == "live"
    assert any(w.startswith("status: 'Sunset' is not a code.json status") for w in item.warnings)


def test_missing_status_is_live_with_a_warning() -> None:
    item = entry(a_release(status=None))
    assert item.document["status"] == "live"
    assert "status: not given; recorded as live." in item.warnings


def test_status_dates_are_left_out() -> None:
    assert "status_dates" not in document()


def test_contact_becomes_a_maintenance_contact() -> None:
    assert document()["maintenance"] == {
        "type": "internal",
        "contacts": [{"name": "CR team", "email": "cr@cdc.gov", "url": "https://cdc.gov/contact"}],
    }


def test_archived_release_is_not_maintained() -> None:
    assert document(status="Archival")["maintenance"]["type"] == "none"


def test_declared_maintenance_is_used() -> None:
    assert document(maintenance="community")["maintenance"]["type"] == "community"


def test_no_contact_gives_no_maintenance() -> None:
    assert "maintenance" not in document(contact={"phone": "555"})


def test_tags_and_languages_become_lower_case_tags() -> None:
    assert document()["tags"] == ["surveillance", "fhir", "python"]


def test_tags_are_at_most_thirty() -> None:
    doc = document(tags=[f"tag{n}" for n in range(40)], languages=["Go"])
    assert len(doc["tags"]) == 30


def test_kind_is_software() -> None:
    assert document()["kind"] == "software"


def test_provenance_names_format_and_repository() -> None:
    assert document()["provenance"] == {
        "format": "codegov",
        "source": "https://github.com/CDCgov/case-reporter",
    }


def test_key_without_repository_is_agency_organization_and_name() -> None:
    doc = document(repositoryURL="")
    assert doc["provenance"]["source"] == (
        "HHS / Centers for Disease Control and Prevention / Case Reporter"
    )


# Ids


def test_same_input_gives_same_ids() -> None:
    text = json.dumps(an_inventory(a_release(), a_release(name="Two", repositoryURL="")))
    first, second = IMPORTER.parse(text, "a.json"), IMPORTER.parse(text, "b.json")
    assert [i.document["id"] for i in first.entries] == [i.document["id"] for i in second.entries]


def test_same_repository_spelled_differently_gives_same_id() -> None:
    spelled = document(repositoryURL="https://github.com/CDCgov/case-reporter.git/")
    assert spelled["id"] == document()["id"]


def test_releases_in_one_repository_get_different_ids() -> None:
    result = parse(an_inventory(a_release(), a_release(name="Case Reporter Library")))
    assert len({i.document["id"] for i in result.entries}) == 2


def test_repeated_release_is_rejected_as_a_repeat() -> None:
    result = parse(an_inventory(a_release(), a_release()), "dup.json")
    assert len(result.entries) == 1
    assert result.rejected[0].source == "dup.json#/releases/1"
    assert result.rejected[0].reason.startswith("repeats /releases/0")


# Rejections


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "not valid JSON"),
        ("[]", "expected a JSON object (a code.json inventory), found an array"),
        ('"string"', "expected a JSON object (a code.json inventory), found a string"),
        ("42", "expected a JSON object (a code.json inventory), found a number"),
        ("{}", "not code.json"),
        ('{"agency": "X"}', "not code.json"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"releases": "x"}', "releases: expected a list, found a string"),
        ('{"releases": []}', "releases: empty"),
    ],
)
def test_text_that_is_not_code_json_is_rejected(text: str, expected: str) -> None:
    result = IMPORTER.parse(text, "bad.json")
    assert result.entries == []
    assert expected in result.rejected[0].reason


def test_garbage_is_rejected() -> None:
    garbage = bytes(range(256)).decode("latin-1") * 40
    result = IMPORTER.parse(garbage, "garbage.json")
    assert result.entries == []
    assert "not valid JSON" in result.rejected[0].reason


def test_bad_release_is_rejected_alone() -> None:
    result = parse(an_inventory(a_release(), "oops", a_release(name="Third")), "inv.json")
    assert len(result.entries) == 2
    assert result.rejected[0].source == "inv.json#/releases/1"
    assert result.rejected[0].reason == "expected an object (a release), found a string"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"name": None}, "name: missing"),
        ({"name": ["x"]}, "name: expected a string, found an array"),
        ({"name": " "}, "name: empty"),
        ({"description": None}, "description: missing or empty"),
        ({"description": ""}, "description: missing or empty"),
        ({"description": 5}, "description: expected a string, found a number"),
    ],
)
def test_bad_required_field_is_rejected_naming_the_key(
    overrides: dict[str, Any], expected: str
) -> None:
    release = a_release()
    release.update(overrides)
    assert reason({k: v for k, v in release.items() if v is not None}).startswith(expected)


def test_release_without_organization_or_agency_is_rejected() -> None:
    result = parse(a_release(organization=None), "one.json")
    assert result.rejected[0].reason.startswith("organization: missing, and no agency")


@pytest.mark.parametrize(
    ("key", "value", "warning"),
    [
        ("permissions", "open", "permissions: expected an object"),
        ("contact", ["x"], "contact: expected an object"),
        ("tags", 5, "tags: expected a list"),
        ("homepageURL", 5, "homepageURL: expected a string"),
        ("status", 3, "status: expected a string"),
        ("longDescription", {}, "longDescription: expected a string"),
    ],
)
def test_optional_field_of_wrong_type_is_left_out_with_a_warning(
    key: str, value: Any, warning: str
) -> None:
    item = entry(a_release(**{key: value}))
    assert any(w.startswith(warning) for w in item.warnings)


def test_release_with_every_field_of_the_wrong_type_is_rejected() -> None:
    wrong = {key: {"nested": [1, {"deeper": None}]} for key in a_release()}
    assert reason(wrong) == "name: expected a string, found an object"


def test_release_with_every_optional_field_wrong_still_imports() -> None:
    wrong: dict[str, Any] = {key: [[1.5e308]] for key in a_release()}
    wrong.update(name="Odd", description="Still described.", organization="Org")
    doc = entry(wrong).document
    assert (doc["licence"], doc["status"]) == ("NOASSERTION", "live")
