"""Tests for registry.vocabularies: term lists read from documents, and the reference set."""

import re
from pathlib import Path
from typing import Any

import pytest

from registry.documents import read_file
from registry.vocabularies import (
    TERM_VOCABULARIES,
    Term,
    Vocabulary,
    VocabularyError,
    VocabularySet,
    vocabulary_from_document,
)
from tests.builders import SEED_DIR

SEED_FILES = sorted((SEED_DIR / "vocabularies").glob("*.yaml"))


def a_vocabulary_document(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": "categories",
        "title": "Categories",
        "terms": [
            {"id": "terminology", "label": "Terminology", "description": "Code systems."},
            {"id": "reference-data", "label": "Reference data"},
        ],
    }
    document.update(overrides)
    return document


def test_seed_has_a_file_for_each_term_vocabulary() -> None:
    names = {vocabulary_from_document(read_file(p), str(p)).name for p in SEED_FILES}

    assert names == set(TERM_VOCABULARIES)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_vocabulary_file_is_accepted(path: Path) -> None:
    vocabulary = vocabulary_from_document(read_file(path), str(path))

    assert vocabulary.name == path.stem
    assert vocabulary.terms
    assert len(vocabulary.ids()) == len(vocabulary.terms)


def test_terms_keep_id_label_and_description() -> None:
    vocabulary = vocabulary_from_document(a_vocabulary_document(), "v.yaml")

    assert vocabulary.terms[0] == Term("terminology", "Terminology", "Code systems.")


def test_term_without_a_label_is_labelled_by_its_id() -> None:
    document = a_vocabulary_document(terms=[{"id": "terminology"}])

    vocabulary = vocabulary_from_document(document, "v.yaml")

    assert vocabulary.terms == (Term("terminology", "terminology", ""),)


def test_terms_keep_their_order() -> None:
    vocabulary = vocabulary_from_document(a_vocabulary_document(), "v.yaml")

    assert [t.id for t in vocabulary.terms] == ["terminology", "reference-data"]


@pytest.mark.parametrize("name", ["colours", "standards", "Categories", "", None])
def test_wrong_name_is_rejected(name: str | None) -> None:
    with pytest.raises(VocabularyError, match="name"):
        vocabulary_from_document(a_vocabulary_document(name=name), "v.yaml")


def test_repeated_term_id_is_rejected_naming_the_repeat() -> None:
    document = a_vocabulary_document(terms=[{"id": "a1"}, {"id": "b2"}, {"id": "a1"}])

    with pytest.raises(VocabularyError, match=r"/terms/2.*a1"):
        vocabulary_from_document(document, "v.yaml")


@pytest.mark.parametrize(
    "term",
    [
        pytest.param({"label": "No id"}, id="no-id"),
        pytest.param({"id": 7}, id="number-id"),
        pytest.param({"id": None}, id="null-id"),
        pytest.param("terminology", id="bare-string"),
    ],
)
def test_term_without_an_id_is_rejected(term: Any) -> None:
    document = a_vocabulary_document(terms=[{"id": "ok-term"}, term])

    with pytest.raises(VocabularyError, match="/terms/1"):
        vocabulary_from_document(document, "v.yaml")


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"title": None}, id="no-title"),
        pytest.param({"title": 5}, id="number-title"),
        pytest.param({"terms": None}, id="no-terms"),
        pytest.param({"terms": {"id": "a1"}}, id="terms-mapping"),
    ],
)
def test_wrong_title_or_terms_is_rejected(overrides: dict[str, Any]) -> None:
    with pytest.raises(VocabularyError):
        vocabulary_from_document(a_vocabulary_document(**overrides), "v.yaml")


@pytest.mark.parametrize("document", [None, [], "categories", 3])
def test_document_that_is_not_a_mapping_is_rejected(document: Any) -> None:
    with pytest.raises(VocabularyError, match="mapping"):
        vocabulary_from_document(document, "v.yaml")


def test_error_names_the_source() -> None:
    with pytest.raises(VocabularyError, match=re.escape("seed/categories.yaml")):
        vocabulary_from_document(None, "seed/categories.yaml")


def test_as_dict_lists_every_term() -> None:
    vocabulary = vocabulary_from_document(a_vocabulary_document(), "v.yaml")

    assert vocabulary.as_dict() == {
        "name": "categories",
        "title": "Categories",
        "terms": [
            {"id": "terminology", "label": "Terminology", "description": "Code systems."},
            {"id": "reference-data", "label": "Reference data", "description": ""},
        ],
    }


# --- VocabularySet -----------------------------------------------------------------


def test_build_takes_categories_and_care_settings_by_name() -> None:
    categories = Vocabulary("categories", "Categories", (Term("terminology", "Terminology"),))
    settings = Vocabulary("care-settings", "Care settings", (Term("pharmacy", "Pharmacy"),))

    vocabularies = VocabularySet.build([categories, settings], {"hl7-fhir-r4": "HL7 FHIR R4"})

    assert vocabularies.categories == frozenset({"terminology"})
    assert vocabularies.care_settings == frozenset({"pharmacy"})
    assert dict(vocabularies.standards) == {"hl7-fhir-r4": "HL7 FHIR R4"}


def test_build_without_a_vocabulary_leaves_it_empty() -> None:
    categories = Vocabulary("categories", "Categories", (Term("terminology", "Terminology"),))

    vocabularies = VocabularySet.build([categories], {})

    assert vocabularies.care_settings == frozenset()
    assert dict(vocabularies.standards) == {}


def test_build_from_the_seed_files() -> None:
    seeds = [vocabulary_from_document(read_file(p), str(p)) for p in SEED_FILES]

    vocabularies = VocabularySet.build(seeds, {})

    assert "terminology" in vocabularies.categories
    assert "primary-care" in vocabularies.care_settings


def test_build_copies_the_standards() -> None:
    standards = {"hl7-fhir-r4": "HL7 FHIR R4"}

    vocabularies = VocabularySet.build([], standards)
    standards["later"] = "Added later"

    assert "later" not in vocabularies.standards


def test_with_standards_adds_to_the_known_standards() -> None:
    vocabularies = VocabularySet(
        categories=frozenset({"terminology"}), standards={"hl7-fhir-r4": "HL7 FHIR R4"}
    )

    extended = vocabularies.with_standards({"new-standard": "New Standard"})

    assert dict(extended.standards) == {
        "hl7-fhir-r4": "HL7 FHIR R4",
        "new-standard": "New Standard",
    }
    assert extended.categories == frozenset({"terminology"})


def test_with_standards_leaves_the_original_unchanged() -> None:
    vocabularies = VocabularySet(standards={"hl7-fhir-r4": "HL7 FHIR R4"})

    vocabularies.with_standards({"new-standard": "New Standard"})

    assert dict(vocabularies.standards) == {"hl7-fhir-r4": "HL7 FHIR R4"}
