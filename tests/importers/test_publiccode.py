"""The publiccode.yml importer and exporter.

Conformance runs over the reference parser's own test files (italia/publiccode-parser-go):
files under a folder starting `valid` must import, and every file under an `invalid…`
folder must be rejected, or warned about, by a message that starts with the path of the
key at fault, which the file's name gives (`legal_license_invalid.yml` -> legal.license).
"""

import re
import time
from pathlib import Path
from typing import Any

import pytest

from registry.documents import dump_yaml
from registry.importers import importer_for
from registry.importers.base import FileResult, Imported
from registry.importers.publiccode import (
    IMPORTER,
    PubliccodeImporter,
    render_publiccode,
    to_publiccode,
)
from registry.seeding import read_source
from tests.builders import SEED_DIR, a_full_entry, an_entry
from tests.importers.checks import SHARED_DATA, assert_all_valid

TESTDATA = SHARED_DATA / "publiccode-parser-go-testdata" / "testdata"
REAL = SHARED_DATA / "publiccode-real"

# Faults the importer cannot see by design: they need the network, the files that sit
# beside a publiccode.yml in its repository (which an importer never has), or the Italian
# IPA register of public bodies. The same names occur under v0/ and v1/.
NOT_CHECKABLE_OFFLINE = {
    # files beside the publiccode.yml
    "description_en_screenshots_missing_file.yml": "screenshot file absent from the repository",
    "legal_authorsFile_missing_file.yml": "authors file absent from the repository",
    "logo_missing_file.yml": "logo file absent from the repository",
    "monochromeLogo_missing_file.yml": "logo file absent from the repository",
    "logo_invalid_png.yml": "the logo file's bytes are not a PNG",
    "monochromeLogo_invalid_png.yml": "the logo file's bytes are not a PNG",
    # the network
    "logo_missing_url.yml": "the logo URL answers 404",
    "description_en_videos_invalid_oembed.yml": "the video host offers no oEmbed endpoint",
    # the IPA register: the codes are well-formed but name no public body
    "organisation_uri_wrong_italian_pa2.yml": "urn:x-italian-pa code not in the IPA register",
    "fundedBy_uri_wrong_italian_pa2.yml": "urn:x-italian-pa code not in the IPA register",
    "it_riuso_codiceIPA_invalid.yml": "codiceIPA not in the IPA register",
}
# File names whose key at fault the naming rule below cannot give.
KEY_AT_FAULT = {
    "description_en_gb_invalid_bcp47.yml": "description",  # the language key is en_GB
    "file_encoding.yml": "file",
    "invalid_yaml.yml": "file",
    "mostly_empty.yml": "name",
    "unknown_field.yml": "foobar",
    "it_IT_duplicated.yml": "it",
    "it_wrong_case.yml": "It",
}
_REASON = re.compile(
    r"_(wrong_type|wrong_case|wrong_uri|wrong_italian_pa2?|invalid\w*|missing\w*|empty|nil|"
    r"too_long|too_short\w*|unsupported_extension|absolute_path|file_scheme\d?|"
    r"when_type_is_\w+|bad_url_\w+|unknown_alias|yaml11_\w+|duplicated|datetime)$"
)


# --- helpers ---------------------------------------------------------------------------


def read(path: Path) -> str:
    # The parser's corpus has a file that is not UTF-8; keep its bytes visible as such.
    return path.read_bytes().decode("utf-8", "surrogateescape")


def corpus(pattern: str) -> list[Path]:
    return sorted(p for p in TESTDATA.glob(pattern) if p.is_file() and p.suffix == ".yml")


def key_at_fault(path: Path) -> str:
    if any(part.startswith("invalid_valid") for part in path.parts):
        return "publiccodeYmlVersion"  # valid in v0; only the version "1" is at fault
    if path.name in KEY_AT_FAULT:
        return KEY_AT_FAULT[path.name]
    return _REASON.sub("", path.stem).replace("_", ".")


def message_paths(result: FileResult) -> list[str]:
    messages = [r.reason for r in result.rejected]
    messages += [w for item in result.entries for w in item.warnings]
    return [re.sub(r"\[[0-9]+\]", "", m.split(": ", 1)[0]).lower() for m in messages]


def names_key(result: FileResult, key: str) -> bool:
    wanted = key.lower()
    return any(p == wanted or p.startswith(wanted + ".") for p in message_paths(result))


def a_publiccode(**overrides: Any) -> dict[str, Any]:
    """A minimal valid publiccode.yml 0.4 mapping; keyword arguments replace keys."""
    data: dict[str, Any] = {
        "publiccodeYmlVersion": "0.4",
        "name": "Medusa",
        "url": "https://github.com/example/medusa",
        "platforms": ["web"],
        "categories": ["it-development"],
        "developmentStatus": "stable",
        "softwareType": "standalone/web",
        "description": {
            "en": {
                "shortDescription": "Books appointments for community clinics.",
                "longDescription": "Medusa books appointments. " * 8,
                "features": ["Book an appointment"],
            }
        },
        "legal": {"license": "MIT", "mainCopyrightOwner": "Example NHS Trust"},
        "maintenance": {"type": "community", "contacts": [{"name": "Francesca Rossi"}]},
        "localisation": {"localisationReady": True, "availableLanguages": ["en"]},
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def parse(data: Any) -> FileResult:
    return IMPORTER.parse(dump_yaml(data), "publiccode.yml")


def imported(data: Any) -> Imported:
    result = parse(data)
    assert result.rejected == [], result.rejected
    assert_all_valid(result)
    return result.entries[0]


def rejection(text: str) -> str:
    result = IMPORTER.parse(text, "publiccode.yml")
    assert result.entries == []
    assert len(result.rejected) == 1
    return result.rejected[0].reason


# --- conformance over the reference parser's test files --------------------------------


def test_conformance_valid_files_import_as_valid_entries() -> None:
    files = corpus("*/valid*/**/*.yml")
    failures = []
    for path in files:
        result = IMPORTER.parse(read(path), str(path))
        failures += [f"{r.source}: {r.reason}" for r in result.rejected]
        assert_all_valid(result)
    print(f"publiccode conformance: valid imported {len(files) - len(failures)}/{len(files)}")
    assert failures == []
    assert len(files) >= 42


def test_conformance_invalid_files_are_rejected_or_warned_at_the_key() -> None:
    files = corpus("*/invalid*/**/*.yml")
    checked = [p for p in files if p.name not in NOT_CHECKABLE_OFFLINE]
    missed = []
    for path in checked:
        result = IMPORTER.parse(read(path), str(path))
        assert_all_valid(result)  # what is imported despite a fault is still a valid entry
        if not names_key(result, key_at_fault(path)):
            missed.append(f"{path.relative_to(TESTDATA)}: expected {key_at_fault(path)}")
    print(
        f"publiccode conformance: invalid rejected or warned {len(checked) - len(missed)}"
        f"/{len(checked)}; not checkable offline, skipped {len(files) - len(checked)}"
    )
    assert missed == []
    assert len(checked) >= 260
    assert len(files) - len(checked) <= 30


def test_conformance_offline_set_names_existing_invalid_files() -> None:
    names = {p.name for p in corpus("*/invalid/**/*.yml")}
    assert set(NOT_CHECKABLE_OFFLINE) <= names


def test_conformance_key_at_fault_comes_from_the_file_name() -> None:
    assert key_at_fault(Path("v0/invalid/legal_license_invalid.yml")) == "legal.license"
    assert key_at_fault(Path("v0/invalid/maintenance_contacts_missing_with_type_internal.yml")) == (
        "maintenance.contacts"
    )
    assert key_at_fault(Path("v1/invalid_valid_in_v0/valid.yml")) == "publiccodeYmlVersion"


# --- real files ------------------------------------------------------------------------


def test_real_files_import_or_are_rejected_with_a_reason() -> None:
    files = sorted(REAL.rglob("publiccode.yml"))
    results = [IMPORTER.parse(read(p), str(p.relative_to(REAL))) for p in files]
    entries = [e for r in results for e in r.entries]
    reasons = [r.reason for result in results for r in result.rejected]
    for result in results:
        assert_all_valid(result)
    print(f"publiccode real files: imported {len(entries)}/{len(files)}; rejected: {reasons}")
    assert len(files) == 36
    assert len(entries) + len(reasons) == 36
    assert all(reasons)
    assert len(entries) >= 34


def test_real_file_with_broken_yaml_is_rejected_with_the_line() -> None:
    path = REAL / "Azienda-USL-di-Bologna" / "DAE-RespondER" / "publiccode.yml"
    reason = rejection(read(path))
    assert "not valid YAML at line 64" in reason


def test_description_given_as_text_is_read_as_long_description() -> None:
    item = imported(
        a_publiccode(description={"it": "PsyMemo è uno strumento di supporto per psichiatri."})
    )
    assert item.document["summary"] == "PsyMemo è uno strumento di supporto per psichiatri."
    assert any(w.startswith("description.it: expected a map of texts") for w in item.warnings)


# --- mapping ---------------------------------------------------------------------------


def test_description_prefers_english_when_several_languages() -> None:
    texts = {"shortDescription": "Prenota appuntamenti.", "longDescription": "Testo. " * 30}
    english = {"shortDescription": "Books appointments.", "longDescription": "Text. " * 30}
    item = imported(a_publiccode(description={"it": texts, "en-GB": english}))
    assert item.document["summary"] == "Books appointments."
    assert not any("no English text" in w for w in item.warnings)


def test_description_uses_first_language_with_warning_when_no_english() -> None:
    texts = {"shortDescription": "Prenota appuntamenti.", "longDescription": "Testo. " * 30}
    other = {"shortDescription": "Bokar tider.", "longDescription": "Text. " * 30}
    item = imported(a_publiccode(description={"it": texts, "sv": other}))
    assert item.document["summary"] == "Prenota appuntamenti."
    assert "description: no English text; used 'it'." in item.warnings


def test_description_maps_long_text_features_and_documentation() -> None:
    section = {
        "shortDescription": "Books appointments.",
        "longDescription": "First paragraph. " * 10 + "\n\nSecond paragraph.",
        "features": ["Book", "Cancel"],
        "documentation": "https://example.org/docs",
        "apiDocumentation": "https://example.org/api",
        "localisedName": "Medusa Booking",
        "genericName": "Booking system",
    }
    document = imported(a_publiccode(description={"en": section})).document
    assert document["description"].endswith("\n\nSecond paragraph.")
    assert document["features"] == ["Book", "Cancel"]
    assert document["urls"]["documentation"] == "https://example.org/docs"
    assert document["urls"]["api_specification"] == "https://example.org/api"
    assert document["aliases"] == ["Medusa Booking"]
    assert "booking system" in document["tags"]


def test_licence_deprecated_id_is_mapped_with_warning() -> None:
    item = imported(a_publiccode(legal={"license": "AGPL-3.0", "mainCopyrightOwner": "X"}))
    assert item.document["licence"] == "AGPL-3.0-only"
    assert any(w.startswith("legal.license: deprecated SPDX id") for w in item.warnings)


def test_licence_free_text_is_noassertion_with_original_kept() -> None:
    item = imported(a_publiccode(legal={"license": "Licenza comunale", "repoOwner": "X"}))
    assert item.document["licence"] == "NOASSERTION"
    assert item.document["provenance"]["original_licence"] == "Licenza comunale"
    assert any(w.startswith("legal.license:") for w in item.warnings)


def test_licence_missing_is_noassertion_with_warning() -> None:
    item = imported(a_publiccode(legal={"mainCopyrightOwner": "X"}))
    assert item.document["licence"] == "NOASSERTION"
    assert "legal.license: missing; recorded as NOASSERTION." in item.warnings


@pytest.mark.parametrize(
    ("development_status", "status"),
    [
        ("concept", "concept"),
        ("development", "alpha"),
        ("beta", "beta"),
        ("stable", "live"),
        ("obsolete", "deprecated"),
    ],
)
def test_status_maps_development_status(development_status: str, status: str) -> None:
    document = imported(a_publiccode(developmentStatus=development_status)).document
    assert document["status"] == status


@pytest.mark.parametrize(
    ("software_type", "kind"),
    [("library", "library"), ("standalone/web", "software"), ("addon", "software")],
)
def test_kind_follows_software_type(software_type: str, kind: str) -> None:
    assert imported(a_publiccode(softwareType=software_type)).document["kind"] == kind


def test_maintenance_contract_keeps_first_contractor_with_warning() -> None:
    maintenance = {
        "type": "contract",
        "contractors": [
            {"name": "Supplier A", "website": "https://a.example", "until": "2030-01-01"},
            {"name": "Supplier B", "until": "2030-01-01"},
        ],
        "contacts": [{"name": "Ada", "email": "ada@example.org", "phone": "+44 1"}],
    }
    item = imported(a_publiccode(maintenance=maintenance))
    assert item.document["maintenance"] == {
        "type": "contract",
        "contractor": {"name": "Supplier A", "url": "https://a.example"},
        "contacts": [{"name": "Ada", "email": "ada@example.org"}],
    }
    assert "maintenance.contractors: 2 given; the first is kept." in item.warnings


def test_maintenance_with_unknown_type_is_left_out_with_warning() -> None:
    item = imported(a_publiccode(maintenance={"type": "commercial"}))
    assert "maintenance" not in item.document
    assert any(w.startswith("maintenance.type: 'commercial'") for w in item.warnings)


def test_used_by_becomes_organisations() -> None:
    document = imported(a_publiccode(usedBy=["Comune di Roma", "Comune di Roma", "ASL 2"])).document
    assert document["used_by"] == [{"name": "Comune di Roma"}, {"name": "ASL 2"}]


def test_depends_on_flags_open_proprietary_and_versions() -> None:
    depends_on = {
        "open": [{"name": "PostgreSQL", "versionMin": "13", "versionMax": "16"}],
        "proprietary": [{"name": "Oracle", "version": "19c", "optional": True}],
        "hardware": [{"name": "NFC Reader"}],
    }
    document = imported(a_publiccode(dependsOn=depends_on)).document
    assert document["depends_on"] == [
        {"name": "PostgreSQL", "version": "13 - 16", "open_source": True},
        {"name": "Oracle", "version": "19c", "optional": True, "open_source": False},
        {"name": "NFC Reader", "open_source": False},
    ]


def test_categories_map_to_vocabulary_and_rest_to_tags() -> None:
    categories = ["identity-management", "document-management", "healthcare"]
    item = imported(a_publiccode(categories=categories))
    assert item.document["categories"] == ["identity-and-access"]
    assert {"document management", "healthcare"} <= set(item.document["tags"])
    assert any(w.startswith("categories[2]: 'healthcare'") for w in item.warnings)


def test_scope_and_platforms_become_tags() -> None:
    data = a_publiccode(platforms=["android", "ios"], intendedAudience={"scope": ["healthcare"]})
    assert {"android", "ios", "healthcare"} <= set(imported(data).document["tags"])


def test_owner_prefers_organisation_name() -> None:
    data = a_publiccode(organisation={"name": "Roma Capitale", "uri": "https://example.org"})
    assert imported(data).document["owner"] == {
        "name": "Roma Capitale",
        "url": "https://example.org",
    }


def test_owner_falls_back_to_repository_account_with_warning() -> None:
    item = imported(a_publiccode(legal={"license": "MIT"}))
    assert item.document["owner"] == {"name": "example"}
    assert any(w.startswith("owner: ") for w in item.warnings)


def test_provenance_keeps_the_url_as_written() -> None:
    document = imported(a_publiccode(url="https://github.com/Example/Medusa.git")).document
    assert document["provenance"] == {
        "format": "publiccode",
        "source": "https://github.com/Example/Medusa.git",
    }
    assert document["urls"]["repository"] == "https://github.com/Example/Medusa.git"


def test_id_is_stable_for_same_input() -> None:
    first = imported(a_publiccode()).document["id"]
    assert imported(a_publiccode()).document["id"] == first
    assert first.startswith("medusa-")


def test_id_differs_for_different_url() -> None:
    other = a_publiccode(url="https://github.com/example/medusa-fork")
    assert imported(other).document["id"] != imported(a_publiccode()).document["id"]


def test_id_ignores_scheme_case_and_git_suffix() -> None:
    variant = a_publiccode(url="http://www.GitHub.com/example/medusa.git/")
    assert imported(variant).document["id"] == imported(a_publiccode()).document["id"]


def test_non_http_repository_url_keeps_the_id_but_not_the_link() -> None:
    item = imported(a_publiccode(url="git@github.com:example/medusa.git"))
    assert "repository" not in item.document.get("urls", {})
    assert item.document["provenance"]["source"] == "git@github.com:example/medusa.git"
    assert item.document["owner"] == {"name": "Example NHS Trust"}


def test_unquoted_version_number_is_read() -> None:
    item = imported(a_publiccode(publiccodeYmlVersion=0.4))
    assert not any(w.startswith("publiccodeYmlVersion") for w in item.warnings)


def test_version_one_is_read_with_warning() -> None:
    item = imported(a_publiccode(publiccodeYmlVersion="1"))
    assert any(w.startswith("publiccodeYmlVersion: '1'") for w in item.warnings)


def test_unknown_keys_are_warned_and_extensions_ignored() -> None:
    item = imported(a_publiccode(landingUrl="https://example.org", **{"x-custom": 1}))
    assert "landingUrl: unknown key (did you mean 'landingURL'?); ignored." in item.warnings
    assert not any(w.startswith("x-custom") for w in item.warnings)


def test_yaml11_boolean_word_is_warned() -> None:
    text = dump_yaml(a_publiccode()).replace("localisationReady: true", "localisationReady: yes")
    warnings = IMPORTER.parse(text, "publiccode.yml").entries[0].warnings
    assert any(
        w.startswith("localisation.localisationReady: 'localisationReady: yes'") for w in warnings
    )


def test_importer_is_registered_under_its_format_name() -> None:
    importer = importer_for("publiccode")
    assert isinstance(importer, PubliccodeImporter)
    assert "publiccode.yml" in importer.suffixes


# --- structural faults reject the file, naming the key ---------------------------------


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"publiccodeYmlVersion": None}, "publiccodeYmlVersion"),
        ({"publiccodeYmlVersion": "0.1"}, "publiccodeYmlVersion"),
        ({"publiccodeYmlVersion": "2.0"}, "publiccodeYmlVersion"),
        ({"publiccodeYmlVersion": ["0.4"]}, "publiccodeYmlVersion"),
        ({"name": None}, "name"),
        ({"name": ["a"]}, "name"),
        ({"url": None}, "url"),
        ({"url": "foobar"}, "url"),
        ({"landingURL": "???"}, "landingURL"),
        ({"landingURL": ["https://example.org"]}, "landingURL"),
        ({"description": None}, "description"),
        ({"description": {}}, "description"),
        ({"description": {"en": {"features": ["x"]}}}, "description"),
        ({"developmentStatus": "finished"}, "developmentStatus"),
        ({"developmentStatus": None}, "developmentStatus"),
        ({"softwareType": "app"}, "softwareType"),
        ({"releaseDate": "2024-02-30"}, "releaseDate"),
        ({"releaseDate": "15/04/2017"}, "releaseDate"),
    ],
)
def test_structural_fault_rejects_naming_the_key(overrides: dict[str, Any], key: str) -> None:
    assert rejection(dump_yaml(a_publiccode(**overrides))).startswith(f"{key}: ")


def test_draft_0_1_file_is_rejected_with_reason() -> None:
    text = 'publiccode-yaml-version: "http://w3id.org/publiccode/version/0.1"\nname: Medusa\n'
    assert "0.1 draft" in rejection(text)


def test_several_documents_in_one_file_are_rejected() -> None:
    text = dump_yaml(a_publiccode()) + "---\n" + dump_yaml(a_publiccode(name="Other"))
    assert rejection(text) == "file: 2 YAML documents; a publiccode.yml holds exactly one."


# --- hostile input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n# only a comment\n",
        "- a\n- b\n",
        "just some words",
        "".join(chr(33 + (i * 7919) % 90) for i in range(10_000)),
        "\x00\x01\x02\x03binary\xff\xfe" * 100,
        "a: " + "[" * 5000 + "]" * 5000,
        "a: &x [1, 2]\nb: *x\n" + "c: " + "{d: " * 2000 + "1" + "}" * 2000,
        "name: \udcff\n",
    ],
    ids=["empty", "comment", "list", "scalar", "garbage", "binary", "deep", "deep-map", "utf8"],
)
def test_hostile_input_is_rejected_without_raising(text: str) -> None:
    assert rejection(text).startswith("file: ")


#: Not a speed target (those live in bench/): a guard against work that grows
#: exponentially or quadratically with the input, which takes minutes, not seconds,
#: however busy the machine is. Linear parsing takes well under a second.
RUNAWAY_SECONDS = 30


@pytest.mark.parametrize(
    "overrides",
    [
        {"url": "https://" + "1" * 200_000 + " x"},
        {"landingURL": "http://" + "1:" * 100_000 + " x"},
        {"legal": {"license": "MIT OR " * 50_000 + "X"}},
        {"description": {"a-" * 50_000: {"shortDescription": "Text."}}},
    ],
    ids=["url", "landing-url", "licence", "language"],
)
def test_hostile_long_values_do_not_run_away(overrides: dict[str, Any]) -> None:
    started = time.monotonic()
    result = parse(a_publiccode(**overrides))
    assert len(result.entries) + len(result.rejected) == 1
    assert time.monotonic() - started < RUNAWAY_SECONDS


def test_hostile_many_blank_lines_do_not_run_away() -> None:
    started = time.monotonic()
    text = dump_yaml(a_publiccode()) + "\n" * 900_000
    assert len(IMPORTER.parse(text, "publiccode.yml").entries) == 1
    assert time.monotonic() - started < RUNAWAY_SECONDS


def test_hostile_huge_text_is_rejected_without_parsing() -> None:
    assert rejection("a: b\n" * 300_000).startswith("file: ")


# --- export ----------------------------------------------------------------------------


def round_trip_entry() -> dict[str, Any]:
    entry = a_full_entry(standards=None, care_settings=None, categories=["developer-tools"])
    entry["urls"] = {**entry["urls"], "api_specification": "https://example.org/openapi.json"}
    entry["depends_on"] = [
        {"name": "PostgreSQL", "open_source": True, "version": ">= 13"},
        {"name": "Oracle", "open_source": False, "version": "19c"},
    ]
    return entry


def test_round_trip_keeps_the_fields_both_formats_carry() -> None:
    entry = round_trip_entry()
    result = IMPORTER.parse(render_publiccode(entry), "publiccode.yml")
    assert_all_valid(result)
    back = result.entries[0].document
    for field in ("name", "summary", "description", "features", "licence", "status", "kind"):
        assert back[field] == entry[field], field
    for key in ("repository", "homepage", "documentation", "api_specification"):
        assert back["urls"][key] == entry["urls"][key], key
    assert back["maintenance"]["type"] == entry["maintenance"]["type"]
    assert back["maintenance"]["contacts"] == entry["maintenance"]["contacts"]
    assert back["maintenance"]["contractor"] == entry["maintenance"]["contractor"]
    assert [u["name"] for u in back["used_by"]] == [u["name"] for u in entry["used_by"]]
    assert [(d["name"], d["open_source"], d["version"]) for d in back["depends_on"]] == [
        (d["name"], d["open_source"], d["version"]) for d in entry["depends_on"]
    ]
    assert back["owner"]["name"] == entry["owner"]["name"]
    assert back["aliases"] == entry["aliases"]
    assert back["categories"] == entry["categories"]


def test_round_trip_of_library_keeps_kind() -> None:
    entry = an_entry(kind="library", urls={"repository": "https://github.com/example/lib"})
    back = IMPORTER.parse(render_publiccode(entry), "publiccode.yml").entries[0].document
    assert back["kind"] == "library"


def test_export_declares_version_0_4_and_required_keys() -> None:
    exported = to_publiccode(round_trip_entry())
    assert exported["publiccodeYmlVersion"] == "0.4"
    assert exported["platforms"] == ["web"]
    assert exported["softwareType"] == "standalone/web"
    assert exported["developmentStatus"] == "stable"
    assert exported["localisation"] == {"localisationReady": False, "availableLanguages": ["en"]}
    assert "releaseDate" not in exported
    assert "softwareVersion" not in exported


def test_export_uses_default_category_when_none_maps() -> None:
    entry = an_entry(urls={"homepage": "https://example.org"}, categories=["imaging"])
    assert to_publiccode(entry)["categories"] == ["it-development"]


def test_export_cuts_short_description_to_150_characters() -> None:
    entry = an_entry(summary="word " * 39 + "end", urls={"homepage": "https://example.org"})
    short = to_publiccode(entry)["description"]["en"]["shortDescription"]
    assert len(short) <= 150


def test_export_url_falls_back_to_homepage() -> None:
    exported = to_publiccode(an_entry(urls={"homepage": "https://example.org"}))
    assert exported["url"] == "https://example.org"


def test_export_url_falls_back_to_owner_url() -> None:
    assert to_publiccode(an_entry())["url"] == "https://example.nhs.uk"


def test_export_without_any_url_leaves_url_out() -> None:
    assert "url" not in to_publiccode(an_entry(owner={"name": "Example NHS Trust"}))


def test_export_of_every_seed_entry_reimports_as_a_valid_entry() -> None:
    documents = [d for _, d in read_source(SEED_DIR).entries if to_publiccode(d).get("url")]
    results = [IMPORTER.parse(render_publiccode(d), d["id"]) for d in documents]
    assert [r.rejected for r in results if r.rejected] == []
    for result in results:
        assert_all_valid(result)
    assert len(documents) >= 10
