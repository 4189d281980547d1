"""Tests for registry.validation: the schema and the rules, reported with JSON Pointers."""

from typing import Any

import pytest

from registry.errors import Issue
from registry.validation import EntryValidator, Report, pointer
from registry.vocabularies import VocabularySet
from tests.builders import a_full_entry, a_standard, an_entry, known_vocabularies, validator

REQUIRED = ["id", "kind", "name", "summary", "status", "licence", "owner"]


@pytest.fixture(scope="module")
def entry_validator() -> EntryValidator:
    return validator()


def check(entry_validator: EntryValidator, document: Any) -> Report:
    return entry_validator.validate(document, known_vocabularies())


def error_paths(report: Report) -> list[str]:
    return [i.path for i in report.errors]


def messages_at(report: Report, path: str) -> list[str]:
    return [i.message for i in report.issues if i.path == path]


# --- valid documents ---------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(an_entry(), id="minimal"),
        pytest.param(a_full_entry(), id="full"),
        pytest.param(a_standard(), id="standard"),
    ],
)
def test_builder_entry_is_valid_without_issues(
    entry_validator: EntryValidator, document: dict[str, Any]
) -> None:
    report = check(entry_validator, document)

    assert report.valid
    assert report.issues == []


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"name": "<script>alert(1)</script>"}, id="script-in-name"),
        pytest.param({"summary": "'; DROP TABLE entries; --"}, id="sql-in-summary"),
        pytest.param({"description": "<img src=x onerror=alert(1)>\n\nRobert'); --"}, id="html"),
        pytest.param({"features": ["{{ 7*7 }}", "${jndi:ldap://x}"]}, id="templates"),
    ],
)
def test_hostile_text_is_just_text_when_valid(
    entry_validator: EntryValidator, overrides: dict[str, Any]
) -> None:
    assert check(entry_validator, an_entry(**overrides)).valid


# --- required and unknown fields ---------------------------------------------------


@pytest.mark.parametrize("field", REQUIRED)
def test_missing_required_field_is_reported_at_its_path(
    entry_validator: EntryValidator, field: str
) -> None:
    document = an_entry()
    del document[field]

    report = check(entry_validator, document)

    assert not report.valid
    assert error_paths(report) == [f"/{field}"]
    assert "required" in messages_at(report, f"/{field}")[0]


def test_empty_object_reports_every_required_field(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, {})

    assert sorted(error_paths(report)) == sorted(f"/{f}" for f in REQUIRED)


def test_unknown_top_level_field_is_reported(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(colour="blue"))

    assert error_paths(report) == ["/colour"]


def test_unknown_nested_field_is_reported(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(owner={"name": "A", "x": 1}))

    assert error_paths(report) == ["/owner/x"]
    assert "name" in messages_at(report, "/owner/x")[0]  # names the allowed fields


def test_each_unknown_field_is_reported_separately(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(x=1, y=2, z=3))

    assert sorted(error_paths(report)) == ["/x", "/y", "/z"]


def test_unknown_field_name_is_escaped_in_the_pointer(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(**{"a/b~c": 1}))

    assert error_paths(report) == ["/a~1b~0c"]


def test_several_problems_are_reported_in_one_report(entry_validator: EntryValidator) -> None:
    document = an_entry(name=5, kind="bogus", x=1, licence="Other", summary="a\nb")
    del document["status"]

    report = check(entry_validator, document)

    assert set(error_paths(report)) == {
        "/name",
        "/kind",
        "/x",
        "/licence",
        "/summary",
        "/status",
    }


def test_errors_come_before_warnings(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(licence="GPL-3.0", name=5))

    assert [i.severity for i in report.issues] == ["error", "warning"]


# --- field rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "path", "key_word"),
    [
        pytest.param({"name": 5}, "/name", "string", id="name-number"),
        pytest.param({"name": True}, "/name", "string", id="name-boolean"),
        pytest.param({"owner": []}, "/owner", "object", id="owner-array"),
        pytest.param({"tags": "fhir"}, "/tags", "array", id="tags-string"),
        pytest.param({"kind": "bogus"}, "/kind", "software", id="kind-enum"),
        pytest.param({"status": "finished"}, "/status", "live", id="status-enum"),
        pytest.param({"id": "Bad_ID"}, "/id", "id", id="id-upper-case"),
        pytest.param({"id": "a"}, "/id", "id", id="id-too-short"),
        pytest.param({"id": "-abc"}, "/id", "id", id="id-leading-hyphen"),
        pytest.param({"id": "a" * 64}, "/id", "id", id="id-too-long"),
        pytest.param({"summary": "a" * 201}, "/summary", "200", id="summary-too-long"),
        pytest.param({"summary": "a\nb"}, "/summary", "line", id="summary-newline"),
        pytest.param({"summary": "a\tb"}, "/summary", "line", id="summary-tab"),
        pytest.param({"name": "Name\x07"}, "/name", "control", id="name-control-char"),
        pytest.param({"summary": ""}, "/summary", "empty", id="summary-empty"),
        pytest.param(
            {"status_dates": {"live": "01/05/2024"}}, "/status_dates/live", "date", id="date-form"
        ),
        pytest.param(
            {"status_dates": {"live": "2024-02-30"}}, "/status_dates/live", "date", id="no-such-day"
        ),
        pytest.param(
            {"status_dates": {"live": "2024-05-01T00:00:00"}},
            "/status_dates/live",
            "date",
            id="date-time",
        ),
        pytest.param(
            {"owner": {"name": "A", "url": "ftp://example.org"}}, "/owner/url", "http", id="ftp"
        ),
        pytest.param(
            {"owner": {"name": "A", "url": "javascript:alert(1)"}},
            "/owner/url",
            "http",
            id="javascript-url",
        ),
        pytest.param(
            {"owner": {"name": "A", "url": "not a url"}}, "/owner/url", "URL", id="not-a-url"
        ),
        pytest.param(
            {"maintenance": {"type": "internal", "contacts": [{"email": "nope"}]}},
            "/maintenance/contacts/0/email",
            "email",
            id="email",
        ),
        pytest.param(
            {"used_by": [{"name": "A", "ods_code": "rx"}]},
            "/used_by/0/ods_code",
            "ODS",
            id="ods-code",
        ),
        pytest.param({"tags": ["Upper"]}, "/tags/0", "tag", id="tag-upper-case"),
        pytest.param({"tags": ["a" * 51]}, "/tags/0", "tag", id="tag-too-long"),
        pytest.param({"tags": ["fhir", "fhir"]}, "/tags", "twice", id="tag-repeated"),
        pytest.param({"urls": {}}, "/urls", "empty", id="urls-empty"),
    ],
)
def test_bad_field_value_is_reported_at_its_path(
    entry_validator: EntryValidator, overrides: dict[str, Any], path: str, key_word: str
) -> None:
    report = check(entry_validator, an_entry(**overrides))

    assert error_paths(report) == [path]
    assert key_word.lower() in messages_at(report, path)[0].lower()


def test_allowed_tag_punctuation_is_valid(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(tags=["c++", "c#", "r&d", "a/b", "v1.2", "two words"]))

    assert report.valid


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        pytest.param({"id": "example-tool\n"}, "/id", id="id"),
        pytest.param(
            {"used_by": [{"name": "A", "ods_code": "RXX\n"}]}, "/used_by/0/ods_code", id="ods-code"
        ),
        pytest.param({"tags": ["fhir\n"]}, "/tags/0", id="tag"),
    ],
)
def test_trailing_line_break_fails_an_anchored_pattern(
    entry_validator: EntryValidator, overrides: dict[str, Any], path: str
) -> None:
    # JSON Schema patterns are ECMA-262: `$` matches only at the very end of the text.
    report = check(entry_validator, an_entry(**overrides))

    assert error_paths(report) == [path]


# --- vocabularies and references ---------------------------------------------------


def test_unknown_standard_is_reported_at_its_id(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(standards=[{"id": "no-such-standard"}]))

    assert error_paths(report) == ["/standards/0/id"]
    assert "standards" in messages_at(report, "/standards/0/id")[0]


def test_repeated_standard_is_reported_at_the_repeat(entry_validator: EntryValidator) -> None:
    document = an_entry(standards=[{"id": "hl7-fhir-r4"}, {"id": "hl7-fhir-r4"}])

    report = check(entry_validator, document)

    assert error_paths(report) == ["/standards/1/id"]
    assert "more than once" in messages_at(report, "/standards/1/id")[0]


def test_unknown_category_is_reported_at_its_index(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(categories=["test-category", "no-such-category"]))

    assert error_paths(report) == ["/categories/1"]
    assert "categories" in messages_at(report, "/categories/1")[0]


def test_unknown_care_setting_is_reported_at_its_index(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(care_settings=["no-such-setting"]))

    assert error_paths(report) == ["/care_settings/0"]
    assert "care-settings" in messages_at(report, "/care_settings/0")[0]


def test_known_references_are_valid(entry_validator: EntryValidator) -> None:
    document = an_entry(
        standards=[{"id": "hl7-fhir-r4"}],
        categories=["test-category"],
        care_settings=["test-setting"],
    )

    assert check(entry_validator, document).valid


def test_references_are_checked_against_the_vocabularies_given(
    entry_validator: EntryValidator,
) -> None:
    report = entry_validator.validate(an_entry(categories=["test-category"]), VocabularySet())

    assert error_paths(report) == ["/categories/0"]


def test_standard_listing_itself_is_reported(entry_validator: EntryValidator) -> None:
    document = {**a_standard(), "standards": [{"id": "hl7-fhir-r4"}]}

    report = check(entry_validator, document)

    assert error_paths(report) == ["/standards/0/id"]
    assert "itself" in messages_at(report, "/standards/0/id")[0]


# --- licence rules -----------------------------------------------------------------


@pytest.mark.parametrize("licence", ["Other", "MIT OR", "MIT WITH Foo-exception"])
def test_invalid_licence_is_an_error_at_licence(
    entry_validator: EntryValidator, licence: str
) -> None:
    report = check(entry_validator, an_entry(licence=licence))

    assert not report.valid
    assert error_paths(report) == ["/licence"]


def test_empty_licence_is_an_error_at_licence(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(licence=""))

    assert error_paths(report) == ["/licence"]


def test_blank_licence_is_an_error_at_licence(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(licence="   "))

    assert error_paths(report) == ["/licence"]


def test_deprecated_licence_is_a_warning_only(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(licence="GPL-3.0"))

    assert report.valid
    assert [i.path for i in report.warnings] == ["/licence"]
    assert "GPL-3.0-only" in report.warnings[0].message


@pytest.mark.parametrize("kind", ["software", "library"])
def test_noassertion_on_software_gives_a_warning(
    entry_validator: EntryValidator, kind: str
) -> None:
    report = check(entry_validator, an_entry(kind=kind, licence="NOASSERTION"))

    assert report.valid
    assert [i.path for i in report.warnings] == ["/licence"]


@pytest.mark.parametrize("kind", ["api", "service", "dataset"])
def test_noassertion_on_other_kinds_gives_no_issue(
    entry_validator: EntryValidator, kind: str
) -> None:
    report = check(entry_validator, an_entry(kind=kind, licence="NOASSERTION"))

    assert report.issues == []


# --- documents that are not objects -----------------------------------------------


@pytest.mark.parametrize("document", [[], [an_entry()], "an entry", None, 42, True])
def test_non_object_document_gives_one_issue_at_the_root(
    entry_validator: EntryValidator, document: Any
) -> None:
    report = check(entry_validator, document)

    assert not report.valid
    assert len(report.issues) == 1
    assert report.issues[0].path == ""
    assert "object" in report.issues[0].message


# --- batches -----------------------------------------------------------------------


def test_batch_flags_a_duplicate_id_on_each_entry(entry_validator: EntryValidator) -> None:
    reports = entry_validator.validate_batch([an_entry(), an_entry()], known_vocabularies())

    for report in reports:
        assert error_paths(report) == ["/id"]
        assert "example-tool" in report.errors[0].message


def test_batch_leaves_distinct_ids_alone(entry_validator: EntryValidator) -> None:
    documents = [an_entry(), an_entry(id="other-tool")]

    reports = entry_validator.validate_batch(documents, known_vocabularies())

    assert [r.issues for r in reports] == [[], []]


def test_batch_returns_one_report_per_document_in_order(
    entry_validator: EntryValidator,
) -> None:
    documents: list[Any] = [an_entry(), "not an entry", None, an_entry(id="other-tool")]

    reports = entry_validator.validate_batch(documents, known_vocabularies())

    assert [error_paths(r) for r in reports] == [[], [""], [""], []]


def test_standard_in_the_same_batch_satisfies_a_reference(
    entry_validator: EntryValidator,
) -> None:
    standard = {**a_standard(), "id": "new-standard"}
    user = an_entry(standards=[{"id": "new-standard"}])

    reports = entry_validator.validate_batch([standard, user], VocabularySet())

    assert all(r.valid for r in reports)


def test_reference_to_a_standard_outside_the_batch_is_reported(
    entry_validator: EntryValidator,
) -> None:
    user = an_entry(standards=[{"id": "new-standard"}])

    (report,) = entry_validator.validate_batch([user], VocabularySet())

    assert error_paths(report) == ["/standards/0/id"]


def test_batch_with_two_entries_missing_an_id_reports_them(
    entry_validator: EntryValidator,
) -> None:
    first, second = an_entry(id=None), an_entry(id=None, name="Second Tool")

    reports = entry_validator.validate_batch([first, second], known_vocabularies())

    assert [error_paths(r) for r in reports] == [["/id"], ["/id"]]


def test_batch_with_a_non_string_id_reports_it(entry_validator: EntryValidator) -> None:
    (report,) = entry_validator.validate_batch([an_entry(id=["x"])], known_vocabularies())

    assert error_paths(report) == ["/id"]


# --- helpers users see -------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([], ""),
        (["owner", "url"], "/owner/url"),
        (["standards", 0, "id"], "/standards/0/id"),
        (["a/b"], "/a~1b"),
        (["a~b"], "/a~0b"),
    ],
)
def test_pointer_follows_rfc_6901(parts: list[str | int], expected: str) -> None:
    assert pointer(parts) == expected


def test_report_separates_errors_from_warnings() -> None:
    error = Issue("/name", "bad")
    warning = Issue("/licence", "old", "warning")

    report = Report([error, warning])

    assert (report.errors, report.warnings, report.valid) == ([error], [warning], False)


def test_report_with_only_warnings_is_valid() -> None:
    assert Report([Issue("/licence", "old", "warning")]).valid


# --- invisible and control characters --------------------------------------------


@pytest.mark.parametrize(
    ("document", "path", "code"),
    [
        pytest.param(an_entry(name="Example\u202etool"), "/name", "U+202E", id="bidi-override"),
        pytest.param(an_entry(name="\u2066Example\u2069"), "/name", "U+2066", id="bidi-isolate"),
        pytest.param(an_entry(aliases=["Ok", "Ex\u200btool"]), "/aliases/1", "U+200B", id="zwsp"),
        pytest.param(an_entry(owner={"name": "\ufeffTrust"}), "/owner/name", "U+FEFF", id="bom"),
        pytest.param(an_entry(summary="Books\u2060things."), "/summary", "U+2060", id="joiner"),
        pytest.param(an_entry(summary="Books\u0085things."), "/summary", "U+0085", id="c1"),
        pytest.param(an_entry(description="One\u0007two"), "/description", "U+0007", id="bell"),
        pytest.param(an_entry(description="One\u200dtwo"), "/description", "U+200D", id="zwj"),
        pytest.param(an_entry(tags=["a\u200cb"]), "/tags/0", "U+200C", id="zwnj-tag"),
    ],
)
def test_invisible_or_control_character_is_an_error_naming_it(
    entry_validator: EntryValidator, document: dict[str, Any], path: str, code: str
) -> None:
    report = check(entry_validator, document)

    assert error_paths(report) == [path]
    [message] = messages_at(report, path)
    assert code in message
    assert "remove it" in message


def test_description_may_hold_newlines_and_tabs(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(description="One.\n\n\tTwo."))

    assert report.valid


def test_newline_in_a_name_is_one_error(entry_validator: EntryValidator) -> None:
    report = check(entry_validator, an_entry(name="Two\nlines"))

    assert error_paths(report) == ["/name"]
