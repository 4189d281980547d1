"""Tests for registry.search.synonyms: the synonyms file, the rules for groups, and an
index taking new groups while it runs."""

import threading
from pathlib import Path
from typing import Any

import pytest

from registry.search import SearchQuery, Synonyms
from registry.search.synonyms import clean_group, overlap
from tests.builders import write
from tests.search.conftest import IndexFactory
from tests.search.entries import SYNONYMS_FILE, an_indexed_entry


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


def test_from_document_reads_a_group_with_its_source() -> None:
    synonyms = Synonyms.from_document(
        {"groups": [{"terms": ["TB", "tuberculosis"], "source": "SNOMED CT 56717001"}]}
    )

    assert synonyms.groups == (("tb", "tuberculosis"),)


def test_seed_synonyms_file_has_sourced_health_and_public_service_groups() -> None:
    groups = Synonyms.load(SYNONYMS_FILE).groups

    assert ("tuberculosis", "tb") in groups
    assert ("council", "local authority", "local council") in groups


def test_need_in_plain_words_finds_an_entry_using_the_seed_groups_term(
    index_of: IndexFactory,
) -> None:
    index = index_of(
        an_indexed_entry(id="loop", name="Loop", summary="Mobile wallets for the unbanked."),
        an_indexed_entry(id="other", name="Other", summary="Bank accounts for businesses."),
    )

    result = index.search(SearchQuery(text="wallets for people without bank accounts"))

    assert result.hits[0].id == "loop"


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
        ({"groups": [{"terms": ["tb", "tuberculosis"]}]}, "groups[0] needs a 'source'"),
        ({"groups": [{"terms": ["tb", "tuberculosis"], "source": " "}]}, "needs a 'source'"),
        ({"groups": [{"terms": ["tb", "x"], "source": "s", "note": "n"}]}, "unknown key(s) note"),
        ({"groups": [{"terms": ["tb"], "source": "SNOMED CT"}]}, "groups[0] must be a list"),
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


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([["gp", "general practice"], ["GP", "family doctor"]], "groups[1]: 'gp' is already in"),
        ([["gp", "x" * 101]], "groups[0]: the term 'xxx"),
        ([["gp", "gp "]], "groups[0]: the term 'gp' is given twice"),
        ([["gp", "the"]], "no word that search can match"),
    ],
)
def test_from_document_applies_the_group_rules(groups: list[list[str]], message: str) -> None:
    with pytest.raises(ValueError, match="synonyms") as raised:
        Synonyms.from_document({"groups": groups})

    assert message in str(raised.value)


def test_clean_group_trims_joins_spaces_lowers_and_drops_blank_terms() -> None:
    assert clean_group(["  Emergency\t Department ", "", "A&E"]) == ("emergency department", "a&e")


def test_overlap_compares_terms_as_search_reads_them() -> None:
    others = [("gp", "general practice"), ("organisation", "trust")]

    assert overlap(["family doctor", "General Practices"], others) == (
        "General Practices",
        ("gp", "general practice"),
    )
    assert overlap(["organization"], others) == ("organization", ("organisation", "trust"))
    assert overlap(["family doctor", "surgery"], others) is None


def test_an_index_uses_replaced_groups_from_the_next_search(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(id="ward", summary="Ward rounds."))
    assert index.search(SearchQuery(text="bay")).total == 0

    index.set_synonym_groups([("bay", "ward")])
    assert [h.id for h in index.search(SearchQuery(text="bay")).hits] == ["ward"]
    assert index.synonyms.groups == (("bay", "ward"),)

    index.set_synonym_groups([])
    assert index.search(SearchQuery(text="bay")).total == 0


def test_replacing_groups_while_searching_never_fails(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(id="ward", summary="Ward rounds."))
    failures: list[BaseException] = []
    done = threading.Event()

    def search_repeatedly() -> None:
        try:
            while not done.is_set():
                assert index.search(SearchQuery(text="bay")).total in (0, 1)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)

    thread = threading.Thread(target=search_repeatedly)
    thread.start()
    for round_ in range(200):
        index.set_synonym_groups([("bay", "ward")] if round_ % 2 else [])
    done.set()
    thread.join()

    assert failures == []
