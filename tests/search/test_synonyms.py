"""Tests for registry.search.synonyms: the synonyms file and its validation."""

from pathlib import Path
from typing import Any

import pytest

from registry.search import Synonyms
from tests.builders import write
from tests.search.entries import SYNONYMS_FILE


def test_seed_synonyms_file_loads() -> None:
    synonyms = Synonyms.load(SYNONYMS_FILE)

    assert ("immunisation", "immunization") in synonyms.spellings
    assert ("paediatric", "pediatric") in synonyms.spellings
    assert ("a&e", "emergency department", "accident and emergency") in synonyms.groups


def test_seed_synonyms_groups_have_no_duplicate_terms() -> None:
    groups = Synonyms.load(SYNONYMS_FILE).groups
    terms = [term for group in groups for term in group]

    assert len(terms) == len(set(terms))


def test_from_document_reads_spellings_and_groups() -> None:
    synonyms = Synonyms.from_document(
        {"spellings": {"Colour": "color"}, "groups": [["GP", "general practice"], [111, "nhs 111"]]}
    )

    assert synonyms.spellings == (("colour", "color"),)
    assert synonyms.groups == (("gp", "general practice"), ("111", "nhs 111"))


def test_from_document_accepts_missing_sections() -> None:
    assert Synonyms.from_document({}) == Synonyms()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (["a", "b"], "expected a mapping"),
        ({"synonyms": []}, "unknown key"),
        ({"spellings": [["colour", "color"]]}, "'spellings' must map"),
        ({"spellings": {"colour": "the color"}}, "two single words"),
        ({"spellings": {"colour": None}}, "two single words"),
        ({"groups": {"gp": "general practice"}}, "'groups' must be a list"),
        ({"groups": [["gp"]]}, "groups[0] must be a list of at least two"),
        ({"groups": [["gp", ""]]}, "groups[0]"),
        ({"groups": [["gp", True]]}, "groups[0]"),
        ({"groups": [["gp", "general practice"], "a&e"]}, "groups[1]"),
    ],
)
def test_from_document_rejects_bad_shape_with_message(document: Any, message: str) -> None:
    with pytest.raises(ValueError, match="synonyms") as raised:
        Synonyms.from_document(document)

    assert message in str(raised.value)


def test_load_names_the_file_in_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "synonyms.yaml", "groups: [[gp]]\n")

    with pytest.raises(ValueError, match=r"synonyms\.yaml: synonyms: groups\[0\]"):
        Synonyms.load(path)


def test_load_rejects_malformed_yaml(tmp_path: Path) -> None:
    path = write(tmp_path / "synonyms.yaml", "groups: [[gp\n")

    with pytest.raises(ValueError, match="not valid YAML"):
        Synonyms.load(path)


def test_spelling_fingerprint_changes_with_the_spellings() -> None:
    one = Synonyms(spellings=(("colour", "color"),))
    other = Synonyms(spellings=(("colour", "color"), ("centre", "center")))

    assert one.spelling_fingerprint() != other.spelling_fingerprint()
    assert (
        one.spelling_fingerprint()
        == Synonyms(
            groups=(("gp", "general practice"),), spellings=(("colour", "color"),)
        ).spelling_fingerprint()
    )
