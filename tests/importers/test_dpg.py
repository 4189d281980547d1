"""Tests for registry.importers.dpg: Digital Public Goods nominee files to entries."""

import json
from functools import cache
from typing import Any

import pytest

from registry.importers import importer_for
from registry.importers.base import FileResult, Imported
from registry.importers.dpg import IMPORTER
from tests.importers.checks import SHARED_DATA, assert_all_valid

DPG_DATA = SHARED_DATA / "dpga-publicgoods-candidates"


def a_nominee(**overrides: Any) -> dict[str, Any]:
    """A nominee in the current shape; keyword arguments replace fields (None removes)."""
    nominee: dict[str, Any] = {
        "name": "Example Health Record",
        "aliases": ["EHR"],
        "description": "An open electronic health record for clinics.",
        "website": "https://example.org",
        "license": [{"spdx": "MIT", "licenseURL": "https://example.org/LICENSE"}],
        "SDGs": [{"SDGNumber": 3, "evidenceText": "Health."}],
        "sectors": ["Health"],
        "type": ["software"],
        "repositories": [{"name": "main", "url": "https://github.com/example/ehr"}],
        "organizations": [
            {"name": "Example Foundation", "website": "https://example.org", "org_type": "owner"}
        ],
        "stage": "nominee",
    }
    nominee.update(overrides)
    return {k: v for k, v in nominee.items() if v is not None}


def parse(data: Any, source: str = "nominee.json") -> FileResult:
    return IMPORTER.parse(json.dumps(data), source)


def entry(data: Any) -> Imported:
    result = parse(data)
    assert result.rejected == []
    assert len(result.entries) == 1
    return result.entries[0]


def document(**overrides: Any) -> dict[str, Any]:
    return entry(a_nominee(**overrides)).document


def reason(data: Any) -> str:
    result = parse(data)
    assert result.entries == []
    assert len(result.rejected) == 1
    return result.rejected[0].reason


@cache
def folder(name: str) -> FileResult:
    """Every file of one real data folder, parsed into one result."""
    combined = FileResult()
    for path in sorted((DPG_DATA / name).glob("*.json")):
        result = IMPORTER.parse(path.read_text(encoding="utf-8"), str(path))
        assert len(result.entries) + len(result.rejected) == 1, path
        combined.entries += result.entries
        combined.rejected += result.rejected
    return combined


# The importer itself


def test_importer_is_found_by_format_name() -> None:
    assert importer_for("dpg") is IMPORTER


def test_importer_reads_json_files() -> None:
    assert IMPORTER.suffixes == (".json",)


# Real data


@pytest.mark.parametrize(
    ("name", "at_least"), [("nominees", 225), ("archive", 480), ("excluded-nominees", 40)]
)
def test_real_nominee_files_give_valid_entries(name: str, at_least: int) -> None:
    result = folder(name)
    assert len(result.entries) >= at_least
    assert_all_valid(result)


@pytest.mark.parametrize("name", ["nominees", "archive", "excluded-nominees"])
def test_real_nominee_files_are_not_rejected(name: str) -> None:
    assert folder(name).rejected == []


def test_real_screening_answers_are_rejected_with_a_reason() -> None:
    result = folder("digitalpublicgoods")
    assert result.entries == []
    assert len(result.rejected) >= 160
    assert {r.reason for r in result.rejected} == {"screening answers, not a nominee description"}


def test_real_reviews_are_rejected_with_a_reason() -> None:
    result = folder("reviews")
    assert result.entries == []
    assert len(result.rejected) >= 200
    assert {r.reason for r in result.rejected} == {
        "a reviewer's assessment, not a nominee description"
    }


def test_real_nominee_and_archive_files_for_one_repository_share_an_id() -> None:
    def ids_by_source(result: FileResult) -> dict[str, str]:
        return {i.document["provenance"]["source"]: i.document["id"] for i in result.entries}

    nominees, archive = ids_by_source(folder("nominees")), ids_by_source(folder("archive"))
    geoprism = "https://github.com/terraframe/geoprism-registry"
    assert nominees[geoprism] == archive[geoprism]  # "GeoPrism Registry" / "Geoprism Registry"


def test_real_older_shape_reads_repository_url() -> None:
    source = str(DPG_DATA / "excluded-nominees" / "apache-mahout.json")
    mahout = next(i for i in folder("excluded-nominees").entries if i.source == source)
    assert mahout.document["urls"]["repository"] == "https://github.com/apache/mahout"


# Fields


def test_name_and_aliases_are_copied() -> None:
    doc = document()
    assert (doc["name"], doc["aliases"]) == ("Example Health Record", ["EHR"])


def test_empty_and_repeated_aliases_are_left_out() -> None:
    assert "aliases" not in document(aliases=["", "Example Health Record"])


def test_summary_is_the_description_when_short() -> None:
    doc = document()
    assert doc["summary"] == "An open electronic health record for clinics."
    assert "description" not in doc


def test_long_description_gives_first_sentence_summary_and_full_description() -> None:
    text = "First sentence of a long description. " + "More words follow here. " * 20
    doc = document(description=text)
    assert doc["summary"] == "First sentence of a long description."
    assert doc["description"] == text.strip()


def test_website_becomes_homepage() -> None:
    assert document()["urls"]["homepage"] == "https://example.org"


def test_first_repository_object_becomes_repository() -> None:
    repositories = [
        {"name": "api", "url": "https://github.com/example/api.git"},
        {"name": "web", "url": "https://github.com/example/web"},
    ]
    assert document(repositories=repositories)["urls"]["repository"] == (
        "https://github.com/example/api"
    )


def test_plain_string_repositories_are_read() -> None:
    doc = document(repositories=["https://gitlab.com/example/ehr/"])
    assert doc["urls"]["repository"] == "https://gitlab.com/example/ehr"


def test_older_repository_url_is_read() -> None:
    doc = document(repositories=None, repositoryURL="git@github.com:example/old.git")
    assert doc["urls"]["repository"] == "https://github.com/example/old"


def test_unusable_repository_is_left_out_with_a_warning() -> None:
    item = entry(a_nominee(repositories=[{"name": "x", "url": "not a url"}]))
    assert "repository" not in item.document["urls"]
    assert any(w.startswith("repositories:") for w in item.warnings)


def test_spdx_licence_object_is_mapped() -> None:
    assert document()["licence"] == "MIT"


def test_older_licence_strings_are_mapped() -> None:
    assert document(license=["Apache-2.0"])["licence"] == "Apache-2.0"


def test_deprecated_licence_id_is_updated_with_a_warning() -> None:
    item = entry(a_nominee(license=[{"spdx": "GPL-3.0", "licenseURL": "https://x.org"}]))
    assert item.document["licence"] == "GPL-3.0-only"
    assert any("deprecated SPDX id 'GPL-3.0'" in w for w in item.warnings)


def test_several_licences_are_joined_with_and() -> None:
    licences = [{"spdx": "AGPL-3.0"}, {"spdx": "CC-BY-SA-4.0"}]
    assert document(license=licences)["licence"] == "AGPL-3.0-only AND CC-BY-SA-4.0"


def test_free_text_licence_is_noassertion_with_original_kept() -> None:
    item = entry(a_nominee(license=["Our own licence"]))
    assert item.document["licence"] == "NOASSERTION"
    assert item.document["provenance"]["original_licence"] == "Our own licence"
    assert any("not an SPDX licence" in w for w in item.warnings)


def test_licence_given_only_by_url_keeps_the_url() -> None:
    doc = document(license=[{"licenseURL": "https://example.org/terms"}])
    assert doc["licence"] == "NOASSERTION"
    assert doc["provenance"]["original_licence"] == "https://example.org/terms"


def test_missing_licence_is_noassertion_with_a_warning() -> None:
    item = entry(a_nominee(license=None))
    assert item.document["licence"] == "NOASSERTION"
    assert "license: missing; recorded as NOASSERTION." in item.warnings


def test_owner_is_the_organisation_with_org_type_owner() -> None:
    organizations = [
        {"name": "Funder", "org_type": "funder"},
        {"name": "Owner Org", "website": "https://owner.org", "org_type": "owner"},
    ]
    assert document(organizations=organizations)["owner"] == {
        "name": "Owner Org",
        "url": "https://owner.org",
    }


def test_maintainer_is_owner_when_no_owner_with_a_warning() -> None:
    organizations = [
        {"name": "Funder", "org_type": "funder"},
        {"name": "Maintainer", "org_type": "maintainer"},
    ]
    item = entry(a_nominee(organizations=organizations))
    assert item.document["owner"] == {"name": "Maintainer"}
    assert any("'Maintainer' (maintainer) recorded as owner" in w for w in item.warnings)


def test_first_organisation_is_owner_when_no_owner_or_maintainer() -> None:
    organizations = [{"name": "Funder A", "org_type": "funder"}, {"name": "Funder B"}]
    assert document(organizations=organizations)["owner"]["name"] == "Funder A"


def test_sectors_and_sdgs_become_tags() -> None:
    assert document()["tags"][:2] == ["health", "sdg 3"]


def test_older_sdg_pairs_become_tags() -> None:
    doc = document(sectors=None, SDGs=[[4, "Quality Education"], [16, "Peace"]])
    assert doc["tags"][:2] == ["sdg 4", "sdg 16"]


def test_out_of_range_sdg_numbers_are_ignored() -> None:
    doc = document(sectors=None, SDGs=[{"SDGNumber": 99}, {"SDGNumber": True}])
    assert not any(t.startswith("sdg") for t in doc["tags"])


def test_recognised_dpg_gets_a_tag() -> None:
    assert "digital public good" in document(stage="DPG")["tags"]


def test_health_sector_gives_health_category() -> None:
    assert document()["categories"] == ["health-information-systems"]


def test_other_sectors_give_no_category() -> None:
    assert "categories" not in document(sectors=["Education"], SDGs=[{"SDGNumber": 3}])


@pytest.mark.parametrize(
    ("types", "kind"),
    [
        (["software"], "software"),
        (["data"], "dataset"),
        (["standard"], "standard"),
        (["content"], "dataset"),
        (["aimodel"], "software"),
        (["data", "software"], "software"),
        (["Open Data"], "dataset"),
    ],
)
def test_type_gives_kind(types: list[str], kind: str) -> None:
    assert document(type=types)["kind"] == kind


def test_open_content_kind_has_a_warning() -> None:
    item = entry(a_nominee(type=["content"]))
    assert "type: content has no kind of its own; recorded as dataset." in item.warnings


def test_type_is_kept_as_a_tag() -> None:
    assert "open data" in document(type=["data"])["tags"]


@pytest.mark.parametrize("stage", ["nominee", "DPG"])
def test_status_of_a_current_nominee_or_dpg_is_live(stage: str) -> None:
    assert document(stage=stage)["status"] == "live"


@pytest.mark.parametrize(
    ("stage", "source"),
    [("archive", "nominee.json"), ("nominee", "archive/example.json")],
)
def test_archived_nomination_is_deprecated_with_a_warning(stage: str, source: str) -> None:
    [item] = parse(a_nominee(stage=stage), source).entries

    assert item.document["status"] == "deprecated"
    assert any("no longer recognised" in w for w in item.warnings)


def test_excluded_nominee_is_live_with_a_warning() -> None:
    [item] = parse(a_nominee(), "data/excluded-nominees/example.json").entries

    assert item.document["status"] == "live"
    assert any("excluded nominee" in w for w in item.warnings)


def test_real_archive_files_are_deprecated_and_nominees_live() -> None:
    archive = [i.document["status"] for i in folder("archive").entries]
    nominees = [i.document["status"] for i in folder("nominees").entries]

    assert set(archive) == {"deprecated"}
    assert set(nominees) == {"live"}


def test_provenance_names_format_and_repository() -> None:
    assert document()["provenance"] == {"format": "dpg", "source": "https://github.com/example/ehr"}


def test_key_is_the_website_without_a_repository() -> None:
    assert document(repositories=None)["provenance"]["source"] == "https://example.org"


def test_key_is_the_name_without_any_url() -> None:
    doc = document(repositories=None, website=None)
    assert doc["provenance"]["source"] == "Example Health Record"
    assert "urls" not in doc


# Ids


def test_same_input_gives_same_id() -> None:
    assert document()["id"] == document()["id"]


def test_id_starts_with_the_name() -> None:
    assert document()["id"].startswith("example-health-record-")


def test_same_repository_spelled_differently_gives_same_id() -> None:
    plain = document()["id"]
    spelled = document(repositories=[{"url": "https://github.com/example/ehr.git/"}])["id"]
    assert plain == spelled


def test_different_repositories_give_different_ids() -> None:
    other = document(repositories=[{"url": "https://github.com/other/ehr"}])["id"]
    assert other != document()["id"]


# Rejections


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "not valid JSON"),
        ("{not json", "not valid JSON"),
        ("[]", "expected a JSON object (a nominee), found an array"),
        ('"string"', "expected a JSON object (a nominee), found a string"),
        ("null", "expected a JSON object (a nominee), found null"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_text_that_is_not_a_nominee_object_is_rejected(text: str, expected: str) -> None:
    result = IMPORTER.parse(text, "bad.json")
    assert result.entries == []
    assert expected in result.rejected[0].reason


def test_garbage_is_rejected() -> None:
    garbage = bytes(range(256)).decode("latin-1") * 40
    result = IMPORTER.parse(garbage, "garbage.json")
    assert result.entries == []
    assert "not valid JSON" in result.rejected[0].reason


def test_rejection_names_the_file() -> None:
    assert parse([], "nominees/x.json").rejected[0].source == "nominees/x.json"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"name": None}, "name: missing"),
        ({"name": 42}, "name: expected a string, found a number"),
        ({"name": "  "}, "name: empty"),
        ({"description": None}, "description: missing"),
        ({"description": ["a"]}, "description: expected a string, found an array"),
        ({"description": "\n"}, "description: empty"),
        ({"organizations": None}, "organizations: missing"),
        ({"organizations": "Org"}, "organizations: expected a list, found a string"),
        ({"organizations": [{"org_type": "owner"}]}, "organizations: no organisation with a name"),
        ({"license": 3}, "license: expected a list of licences, found a number"),
    ],
)
def test_bad_required_field_is_rejected_naming_the_key(
    overrides: dict[str, Any], expected: str
) -> None:
    data = a_nominee()
    data.update(overrides)
    assert reason({k: v for k, v in data.items() if v is not None}).startswith(expected)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("aliases", "EHR"),
        ("website", 5),
        ("sectors", "Health"),
        ("SDGs", 3),
        ("type", "software"),
        ("repositories", {"url": "https://github.com/a/b"}),
        ("stage", ["DPG"]),
    ],
)
def test_optional_field_of_wrong_type_is_left_out_with_a_warning(key: str, value: Any) -> None:
    item = entry(a_nominee(**{key: value}))
    assert any(w.startswith(f"{key}: expected") for w in item.warnings)


def test_every_field_of_the_wrong_type_is_rejected() -> None:
    wrong = {key: {"nested": [1, 2]} for key in a_nominee()}
    assert reason(wrong) == "name: expected a string, found an object"


def test_screening_answers_are_rejected() -> None:
    screening = {"name": "X", "clearOwnership": {"isOwnershipExplicit": "Yes"}, "privacy": {}}
    assert reason(screening) == "screening answers, not a nominee description"


def test_review_is_rejected() -> None:
    review = {"license": {"answer": True}, "SDG[0]": {"answer": True}, "user": "u"}
    assert reason(review) == "a reviewer's assessment, not a nominee description"


def test_byte_order_mark_is_ignored() -> None:
    result = IMPORTER.parse("\ufeff" + json.dumps(a_nominee()), "bom.json")
    assert len(result.entries) == 1
