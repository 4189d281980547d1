"""Typo tolerance and "did you mean" suggestions, on the real seed entries."""

import pytest

from registry.search import SearchQuery, WhooshIndex
from tests.search.conftest import IndexFactory
from tests.search.entries import an_indexed_entry


@pytest.mark.parametrize(
    ("typed", "entry", "suggestion"),
    [
        ("openmrss", "openmrs", "openmrs"),
        ("OpenMRSS", "openmrs", "openmrs"),
        ("dhsi2", "dhis2", "dhis2"),
        ("dhis", "dhis2", None),
    ],
)
def test_misspelled_name_still_finds_the_entry(
    seed_index: WhooshIndex, typed: str, entry: str, suggestion: str | None
) -> None:
    result = seed_index.search(SearchQuery(text=typed))

    assert result.hits
    assert result.hits[0].id == entry
    if suggestion is not None:
        assert result.suggestion == suggestion


def test_misspelled_word_finds_prescription_services(seed_index: WhooshIndex) -> None:
    result = seed_index.search(SearchQuery(text="perscription"))

    top = [hit.id for hit in result.hits[:3]]
    assert "electronic-prescription-service-fhir" in top
    assert "electronic-prescription-service-hl7-v3" in top
    assert result.suggestion == "prescription"


def test_suggestion_keeps_the_words_spelled_right(seed_index: WhooshIndex) -> None:
    result = seed_index.search(SearchQuery(text="electronic perscription"))

    assert result.suggestion == "electronic prescription"
    assert result.hits[0].id.startswith("electronic-prescription-service")


def test_correct_spelling_gets_no_suggestion(seed_index: WhooshIndex) -> None:
    result = seed_index.search(SearchQuery(text="OpenMRS"))

    assert result.suggestion is None
    assert result.hits[0].id == "openmrs"


def test_corrected_search_highlights_the_corrected_word(seed_index: WhooshIndex) -> None:
    result = seed_index.search(SearchQuery(text="perscription"))

    assert "<mark>" in result.hits[0].highlights["summary"]


def test_short_words_are_not_corrected(seed_index: WhooshIndex) -> None:
    result = seed_index.search(SearchQuery(text="fhr"))

    assert result.total == 0
    assert result.suggestion is None


def test_unknown_word_with_no_near_word_gets_no_suggestion(seed_index: WhooshIndex) -> None:
    result = seed_index.search(SearchQuery(text="xylophonist"))

    assert result.total == 0
    assert result.suggestion is None


def test_correction_prefers_the_closest_word(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="near", name="Kestrel"),
        an_indexed_entry(id="far", name="Kettles"),
    )

    result = index.search(SearchQuery(text="kestrl"))

    assert [hit.id for hit in result.hits] == ["near"]
    assert result.suggestion == "kestrel"


def test_known_word_is_not_corrected_to_a_more_common_one(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="cart", name="Trolley", summary="Cart tracking."),
        *(
            an_indexed_entry(id=f"care-{n}", name=f"Planner {n}", summary="Care planning.")
            for n in range(12)
        ),
    )

    result = index.search(SearchQuery(text="cart"))

    assert [hit.id for hit in result.hits] == ["cart"]
    assert result.suggestion is None


def test_unknown_word_is_corrected_within_a_longer_need(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="dialysis", name="Kidney Unit", summary="Dialysis scheduling."),
        an_indexed_entry(id="other", name="Other", summary="Scheduling of rotas."),
    )

    result = index.search(SearchQuery(text="dialisis scheduling"))

    assert result.hits[0].id == "dialysis"
    assert result.suggestion == "dialysis scheduling"


def test_words_joined_by_a_hyphen_are_corrected_together(seed_index: WhooshIndex) -> None:
    result = seed_index.search(SearchQuery(text="e-referal service"))

    assert result.hits[0].id.startswith("e-referral-service")


def test_words_run_together_find_the_spaced_name(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="street", name="Fix My Street", summary="Report potholes."),
        an_indexed_entry(id="other", name="Street Lights", summary="Lamp maintenance."),
    )

    result = index.search(SearchQuery(text="FixMyStreet"))

    assert [hit.id for hit in result.hits] == ["street"]
    assert result.suggestion == "fix my street"


def test_real_word_the_registry_lacks_is_not_corrected(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="found", name="Lost and Found", summary="Items found on wards."),
    )

    result = index.search(SearchQuery(text="wound"))

    assert result.total == 0
    assert result.suggestion is None


def test_words_run_together_are_split_only_into_words_found_together(
    index_of: IndexFactory,
) -> None:
    index = index_of(
        an_indexed_entry(id="tele", name="Tele Health", summary="Porter rotas."),
    )

    result = index.search(SearchQuery(text="teleporter"))

    assert result.suggestion is None


def test_words_run_together_with_a_typo_find_the_spaced_name(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="hospital", name="Open Hospital", summary="Runs a small hospital."),
        an_indexed_entry(id="other", name="Open Data", summary="Publishes datasets."),
    )

    result = index.search(SearchQuery(text="openhospitl"))

    assert [hit.id for hit in result.hits][:1] == ["hospital"]
    assert result.suggestion == "open hospital"


def test_words_run_together_with_a_typo_are_split_only_into_words_found_together(
    index_of: IndexFactory,
) -> None:
    index = index_of(
        an_indexed_entry(id="open", name="Open Data", summary="Publishes datasets."),
        an_indexed_entry(id="hospital", name="Hospital Beds", summary="Counts beds."),
    )

    result = index.search(SearchQuery(text="openhospitl"))

    assert result.suggestion is None
