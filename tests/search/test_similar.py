"""Possible duplicates: entries whose names, aliases or summary closely match a document."""

from typing import Any

import pytest

from registry.search import WhooshIndex
from registry.search import index as search_index
from tests.builders import an_entry
from tests.search.conftest import IndexFactory
from tests.search.entries import an_indexed_entry, seed_documents, seed_entries


def similar_ids(index: WhooshIndex, **document: object) -> list[str]:
    return [s.id for s in index.similar(document)]


def test_same_name_scores_one(seed_index: WhooshIndex) -> None:
    found = seed_index.similar({"name": "openmrs", "summary": "Something else entirely."})

    assert found[0].id == "openmrs"
    assert found[0].score == 1.0
    assert found[0].name == "OpenMRS"


@pytest.mark.parametrize("name", ["OpenMRSS", "Open MRS", "OpenMRS Core"])
def test_near_name_scores_high(seed_index: WhooshIndex, name: str) -> None:
    found = seed_index.similar({"name": name})

    assert [s.id for s in found] == ["openmrs"]
    assert found[0].score >= 0.7


def test_alias_counts_as_a_name(seed_index: WhooshIndex) -> None:
    assert similar_ids(seed_index, name="FHIR validator")[0] == "hl7-fhir-validator"


def test_aliases_of_the_document_are_compared(seed_index: WhooshIndex) -> None:
    found = similar_ids(seed_index, name="Country Health Data Tool", aliases=["DHIS2"])

    assert found == ["dhis2"]


def test_copied_summary_under_another_name_is_found(seed_index: WhooshIndex) -> None:
    dhis2 = next(d for d in seed_documents() if d["id"] == "dhis2")

    assert similar_ids(seed_index, name="Health Stats Platform", summary=dhis2["summary"]) == [
        "dhis2"
    ]


def test_unrelated_document_finds_nothing(seed_index: WhooshIndex) -> None:
    document = an_entry(
        name="Zebra Crossing Planner", summary="Plans zebra crossings for councils."
    )

    assert seed_index.similar(document) == []


def test_shared_common_words_are_not_enough(seed_index: WhooshIndex) -> None:
    assert similar_ids(seed_index, name="NHS FHIR API") == []


def test_exclude_drops_the_entry_itself(seed_index: WhooshIndex) -> None:
    openmrs = next(d for d in seed_documents() if d["id"] == "openmrs")

    assert "openmrs" in similar_ids(seed_index, **openmrs)
    assert seed_index.similar(openmrs, exclude="openmrs") == []


def test_limit_caps_the_results(index_of: IndexFactory) -> None:
    index = index_of(*(an_indexed_entry(id=f"copy-{i}", name="Wound Camera") for i in range(8)))

    assert len(index.similar({"name": "Wound Camera"}, limit=3)) == 3
    assert index.similar({"name": "Wound Camera"}, limit=0) == []


def test_best_match_comes_first(index_of: IndexFactory) -> None:
    others = (an_indexed_entry(id=f"other-{i}", name=f"Other {i}") for i in range(10))
    index = index_of(
        an_indexed_entry(id="near", name="Wound Camera Pro"),
        an_indexed_entry(id="same", name="Wound Camera"),
        *others,
    )

    assert [s.id for s in index.similar({"name": "Wound Camera"})] == ["same", "near"]


def test_retired_entries_are_not_offered(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(id="gone", name="Wound Camera", state="retired"))

    assert index.similar({"name": "Wound Camera"}) == []


def test_document_without_name_or_summary_finds_nothing(seed_index: WhooshIndex) -> None:
    assert seed_index.similar({"name": 42, "aliases": "x"}) == []


def test_similar_answers_are_kept_until_the_index_changes(
    index_of: IndexFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = index_of(*seed_entries())
    computed: list[str] = []
    real = search_index.similar  # type: ignore[attr-defined]

    def counting(*args: Any, **kwargs: Any) -> Any:
        computed.append("x")
        return real(*args, **kwargs)

    monkeypatch.setattr(search_index, "similar", counting)
    document = {"name": "OpenMRS", "summary": "An open source medical record system"}
    first = index.similar(document, exclude="x")
    assert index.similar(document, exclude="x") == first
    assert len(computed) == 1
    index.similar({**document, "summary": "Something else"}, exclude="x")
    assert len(computed) == 2
    # Any change to the index makes every kept answer stale.
    index.apply([an_indexed_entry(id="openmrs-copy", name="OpenMRS")], [], high_water=2)
    again = index.similar(document, exclude="x")
    assert len(computed) == 3
    assert "openmrs-copy" in [s.id for s in again]
