"""Builders for test data: each returns a schema-valid value; vary one field per test."""

from pathlib import Path
from typing import Any

from registry.settings import PROJECT_ROOT
from registry.validation import EntryValidator
from registry.vocabularies import VocabularySet

SCHEMAS_DIR = PROJECT_ROOT / "schemas"
SEED_DIR = PROJECT_ROOT / "seed"
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


def an_entry(**overrides: Any) -> dict[str, Any]:
    """A minimal valid entry of kind software; keyword arguments replace fields."""
    document: dict[str, Any] = {
        "id": "example-tool",
        "kind": "software",
        "name": "Example Tool",
        "summary": "Books appointments for community clinics.",
        "status": "live",
        "licence": "MIT",
        "owner": {"name": "Example NHS Trust", "url": "https://example.nhs.uk"},
    }
    document.update(overrides)
    return {k: v for k, v in document.items() if v is not None}


def a_full_entry(**overrides: Any) -> dict[str, Any]:
    """An entry that uses every part of the schema."""
    full = an_entry(
        aliases=["ExTool"],
        description="Longer text.\n\nWith two paragraphs.",
        features=["Book an appointment", "Cancel an appointment"],
        status_dates={"beta": "2023-01-10", "live": "2024-05-01"},
        maintenance={
            "type": "contract",
            "contractor": {"name": "Example Supplier Ltd"},
            "contacts": [{"name": "Service desk", "email": "help@example.org"}],
        },
        urls={
            "homepage": "https://example.org",
            "repository": "https://github.com/example/tool",
            "documentation": "https://example.org/docs",
        },
        standards=[{"id": "hl7-fhir-r4", "profiles": ["UK Core"]}],
        categories=["test-category"],
        care_settings=["test-setting"],
        tags=["appointments", "fhir"],
        access={"restriction": "application-restricted", "networks": ["internet"], "sandbox": True},
        assurance={
            "dtac": {"status": "passed", "date": "2024-03-01"},
            "wcag": {"version": "2.2", "level": "AA", "date": "2024-02-01"},
            "medical_device": {"class": "not-a-device", "date": "2024-01-01"},
        },
        used_by=[{"name": "Example Hospital", "ods_code": "RXX"}],
        depends_on=[{"name": "PostgreSQL", "open_source": True}],
    )
    return {k: v for k, v in {**full, **overrides}.items() if v is not None}


def a_standard(**overrides: Any) -> dict[str, Any]:
    standard = an_entry(
        id="hl7-fhir-r4",
        kind="standard",
        name="HL7 FHIR R4",
        summary="Fast Healthcare Interoperability Resources, release 4.",
        licence="CC0-1.0",
        owner={"name": "HL7 International", "url": "https://www.hl7.org"},
    )
    return {k: v for k, v in {**standard, **overrides}.items() if v is not None}


def known_vocabularies() -> VocabularySet:
    """Vocabularies that `a_full_entry` refers to."""
    return VocabularySet(
        categories=frozenset({"test-category"}),
        care_settings=frozenset({"test-setting"}),
        standards={"hl7-fhir-r4": "HL7 FHIR R4"},
    )


def validator() -> EntryValidator:
    return EntryValidator.from_dir(SCHEMAS_DIR)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
