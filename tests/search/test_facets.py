"""Facet counts and filters: values OR-ed within a facet, facets AND-ed, each facet's
counts applying every filter but its own."""

from collections.abc import Mapping, Sequence

import pytest

from registry.search import FACETS, IndexedEntry, SearchQuery, SearchResult, WhooshIndex
from tests.builders import an_entry
from tests.search.conftest import IndexFactory
from tests.search.entries import indexed


def widget(entry_id: str, state: str = "published", **fields: object) -> IndexedEntry:
    document = an_entry(id=entry_id, name=f"Widget {entry_id}", **fields)
    return indexed(
        document, state=state, standards={"hl7-fhir-r4": "HL7 FHIR R4", "dicom": "DICOM"}
    )


@pytest.fixture
def widgets(index_of: IndexFactory) -> WhooshIndex:
    return index_of(
        widget(
            "api-one",
            kind="api",
            licence="MIT",
            owner={"name": "North Trust"},
            standards=[{"id": "hl7-fhir-r4"}],
            categories=["referrals"],
            care_settings=["primary-care"],
        ),
        widget(
            "soft-two",
            kind="software",
            licence="Apache-2.0 OR MIT",
            owner={"name": "South Ltd"},
            standards=[{"id": "hl7-fhir-r4"}, {"id": "dicom"}],
            categories=["imaging"],
            care_settings=["primary-care", "secondary-care"],
        ),
        widget(
            "soft-three",
            kind="software",
            status="beta",
            licence="LicenseRef-Proprietary",
            owner={"name": "North Trust"},
            categories=["imaging"],
        ),
        widget("old-four", state="retired", kind="api", licence="MIT"),
    )


def search(index: WhooshIndex, text: str = "", **filters: Sequence[str]) -> SearchResult:
    return index.search(SearchQuery(text=text, filters=filters))


def filtered(index: WhooshIndex, facet: str, value: str) -> SearchResult:
    return index.search(SearchQuery(filters={facet: [value]}))


def hit_ids(result: SearchResult) -> set[str]:
    return {hit.id for hit in result.hits}


def test_facets_count_every_facet(widgets: WhooshIndex) -> None:
    facets = search(widgets).facets

    assert list(facets) == list(FACETS)
    assert facets["kind"] == {"software": 2, "api": 1}
    assert facets["status"] == {"live": 2, "beta": 1}
    assert facets["licence"] == {"MIT": 2, "Apache-2.0": 1, "LicenseRef-Proprietary": 1}
    assert facets["open_source"] == {"true": 2, "false": 1}
    assert facets["standard"] == {"hl7-fhir-r4": 2, "dicom": 1}
    assert facets["category"] == {"imaging": 2, "referrals": 1}
    assert facets["care_setting"] == {"primary-care": 2, "secondary-care": 1}
    assert facets["owner"] == {"North Trust": 2, "South Ltd": 1}


@pytest.mark.parametrize(
    ("facet", "value", "expected"),
    [
        ("kind", "software", {"soft-two", "soft-three"}),
        ("status", "beta", {"soft-three"}),
        ("licence", "MIT", {"api-one", "soft-two"}),
        ("licence", "Apache-2.0 OR MIT", {"soft-two"}),
        ("open_source", "false", {"soft-three"}),
        ("standard", "dicom", {"soft-two"}),
        ("category", "imaging", {"soft-two", "soft-three"}),
        ("care_setting", "secondary-care", {"soft-two"}),
        ("owner", "North Trust", {"api-one", "soft-three"}),
        ("state", "retired", {"old-four"}),
    ],
)
def test_filter_on_each_facet(
    widgets: WhooshIndex, facet: str, value: str, expected: set[str]
) -> None:
    result = filtered(widgets, facet, value)

    assert hit_ids(result) == expected
    assert result.total == len(expected)


def test_filter_values_of_one_facet_are_ored(widgets: WhooshIndex) -> None:
    result = search(widgets, kind=["api", "software"])

    assert hit_ids(result) == {"api-one", "soft-two", "soft-three"}


def test_filters_on_different_facets_are_anded(widgets: WhooshIndex) -> None:
    result = search(widgets, kind=["software"], open_source=["true"])

    assert hit_ids(result) == {"soft-two"}


def test_filters_combine_with_text(widgets: WhooshIndex) -> None:
    result = search(widgets, "widget soft", licence=["MIT"])

    assert hit_ids(result) == {"soft-two"}


def test_facet_counts_ignore_their_own_filter(widgets: WhooshIndex) -> None:
    facets = search(widgets, kind=["software"]).facets

    assert facets["kind"] == {"software": 2, "api": 1}


def test_facet_counts_apply_the_other_filters(widgets: WhooshIndex) -> None:
    facets = search(widgets, kind=["software"], owner=["North Trust"]).facets

    assert facets["kind"] == {"software": 1, "api": 1}
    assert facets["owner"] == {"North Trust": 1, "South Ltd": 1}
    assert facets["licence"] == {"LicenseRef-Proprietary": 1}
    assert facets["status"] == {"beta": 1}


def test_facet_counts_follow_the_text_query(widgets: WhooshIndex) -> None:
    facets = search(widgets, "soft").facets

    assert facets["kind"] == {"software": 2}


def test_selected_value_without_entries_is_counted_as_zero(widgets: WhooshIndex) -> None:
    result = search(widgets, kind=["dataset"])

    assert result.total == 0
    assert result.facets["kind"] == {"software": 2, "api": 1, "dataset": 0}


def test_filter_values_ignore_case(widgets: WhooshIndex) -> None:
    assert hit_ids(search(widgets, licence=["mit"], kind=["API"])) == {"api-one"}


def test_unknown_filter_is_ignored(widgets: WhooshIndex) -> None:
    assert search(widgets, colour=["blue"]).total == 3


def test_empty_filter_values_are_ignored(widgets: WhooshIndex) -> None:
    assert search(widgets, kind=[], owner=[""]).total == 3


def test_retired_entries_are_not_counted(widgets: WhooshIndex) -> None:
    facets: Mapping[str, Mapping[str, int]] = search(widgets).facets

    assert facets["kind"]["api"] == 1
    assert "old-four" not in hit_ids(search(widgets))


def test_retired_entries_are_counted_when_included(widgets: WhooshIndex) -> None:
    result = widgets.search(SearchQuery(include_retired=True))

    assert result.facets["kind"] == {"api": 2, "software": 2}
