"""The data quality checks: one failing document per detector, and the one-year boundary."""

from datetime import date

from registry.quality import (
    BROKEN_REFERENCE,
    DEPRECATED_LICENCE,
    NO_DOCUMENTATION,
    NO_LICENCE,
    STALE_ASSURANCE,
    problems,
)
from tests.builders import a_full_entry, an_entry, known_vocabularies

TODAY = date(2026, 11, 26)
DOCS = {"documentation": "https://example.org/docs"}


def kinds(document: dict[str, object], known: frozenset[str] = frozenset()) -> list[str]:
    return [p.kind for p in problems(document, known_vocabularies(), TODAY, known)]


def test_a_tidy_full_entry_has_no_problems() -> None:
    document = a_full_entry(
        assurance={"dtac": {"status": "passed", "date": "2026-06-01"}},
    )

    assert problems(document, known_vocabularies(), TODAY) == []


def test_a_deprecated_licence_id_is_reported_with_the_current_id() -> None:
    found = problems(an_entry(licence="GPL-2.0", urls=DOCS), known_vocabularies(), TODAY)

    assert [p.kind for p in found] == [DEPRECATED_LICENCE]
    assert found[0].path == "/licence"
    assert "GPL-2.0-only" in found[0].message


def test_noassertion_is_a_problem_for_software_and_libraries_only() -> None:
    assert kinds(an_entry(licence="NOASSERTION", urls=DOCS)) == [NO_LICENCE]
    assert kinds(an_entry(kind="library", licence="NOASSERTION", urls=DOCS)) == [NO_LICENCE]
    assert kinds(an_entry(kind="api", licence="NOASSERTION", urls=DOCS)) == []


def test_a_missing_documentation_link_is_reported() -> None:
    found = problems(an_entry(), known_vocabularies(), TODAY)

    assert [(p.kind, p.path) for p in found] == [(NO_DOCUMENTATION, "/urls/documentation")]
    assert kinds(an_entry(urls={"homepage": "https://example.org"})) == [NO_DOCUMENTATION]


def test_every_kind_of_assurance_more_than_a_year_old_is_stale() -> None:
    old = "2020-01-01"
    document = an_entry(
        urls=DOCS,
        assurance={
            "dtac": {"status": "passed", "date": old},
            "dcb0129": {"status": "passed", "date": old},
            "dcb0160": {"status": "passed", "date": old},
            "dspt": {"status": "passed", "date": old},
            "wcag": {"level": "AA", "date": old},
            "medical_device": {"class": "not-a-device", "date": old},
        },
    )

    found = problems(document, known_vocabularies(), TODAY)

    assert {p.kind for p in found} == {STALE_ASSURANCE}
    assert [p.path for p in found] == [
        f"/assurance/{item}/date"
        for item in ("dtac", "dcb0129", "dcb0160", "dspt", "wcag", "medical_device")
    ]


def test_assurance_exactly_a_year_old_is_not_stale_but_a_day_more_is() -> None:
    def dated(day: str) -> dict[str, object]:
        return an_entry(urls=DOCS, assurance={"dtac": {"status": "passed", "date": day}})

    assert kinds(dated("2025-11-26")) == []
    assert kinds(dated("2025-11-25")) == [STALE_ASSURANCE]
    assert kinds(dated("2026-11-26")) == []


def test_a_year_before_29_february_is_28_february() -> None:
    document = an_entry(urls=DOCS, assurance={"dspt": {"status": "passed", "date": "2023-02-28"}})

    assert problems(document, known_vocabularies(), date(2024, 2, 29)) == []


def test_references_to_unknown_standards_terms_and_entries_are_broken() -> None:
    document = a_full_entry(
        assurance=None,
        standards=[{"id": "hl7-fhir-r4"}, {"id": "no-such-standard"}],
        categories=["test-category", "no-such-category"],
        care_settings=["no-such-setting"],
        depends_on=[
            {"name": "Known", "id": "known-tool", "open_source": True},
            {"name": "Gone", "id": "gone-tool", "open_source": True},
            {"name": "PostgreSQL", "open_source": True},
        ],
    )

    found = problems(document, known_vocabularies(), TODAY, frozenset({"known-tool"}))

    assert {p.kind for p in found} == {BROKEN_REFERENCE}
    assert [p.path for p in found] == [
        "/standards/1/id",
        "/categories/1",
        "/care_settings/0",
        "/depends_on/1/id",
    ]
    assert "'gone-tool' names no published entry." in [p.message for p in found]
