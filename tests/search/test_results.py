"""Results: highlighted snippets, sorting and pagination."""

import re

import pytest

from registry.search import SearchQuery, WhooshIndex
from tests.search.conftest import IndexFactory
from tests.search.entries import an_indexed_entry

TAG = re.compile(r"<[^>]*>")


def test_highlights_mark_matches_in_summary(seed_index: WhooshIndex) -> None:
    hit = seed_index.search(SearchQuery(text="prescription")).hits[0]

    assert "<mark>" in hit.highlights["summary"]
    assert "<mark>" in hit.highlights["description"]


def test_highlights_mark_spelling_variants(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(summary="Immunization records for children."))

    hit = index.search(SearchQuery(text="immunisation")).hits[0]

    assert hit.highlights["summary"] == "<mark>Immunization</mark> records for children."


def test_highlights_escape_html_and_only_add_marks(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(
            summary='Stops <script>alert("x")</script> & other script tricks.',
            description="Use <b>bold</b> script & <i>more</i>.",
        )
    )

    hit = index.search(SearchQuery(text="script")).hits[0]

    summary = hit.highlights["summary"]
    assert summary.startswith("Stops &lt;<mark>script</mark>&gt;alert(&quot;x&quot;)")
    assert "&amp; other <mark>script</mark> tricks." in summary
    for snippet in hit.highlights.values():
        assert set(TAG.findall(snippet)) <= {"<mark>", "</mark>"}
    assert hit.summary.startswith("Stops <script>")


def test_highlights_phrase_synonym_as_one_mark(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(summary="Waits in the emergency department."))

    hit = index.search(SearchQuery(text="a&e")).hits[0]

    assert hit.highlights["summary"] == "Waits in the <mark>emergency department</mark>."


def test_description_highlight_is_a_fragment_around_the_match(index_of: IndexFactory) -> None:
    description = " ".join(["Filler words about nothing much."] * 40) + " The falcon lands here."
    index = index_of(an_indexed_entry(description=description))

    snippet = index.search(SearchQuery(text="falcon")).hits[0].highlights["description"]

    assert snippet.startswith("… ")
    assert "<mark>falcon</mark> lands here." in snippet
    assert len(TAG.sub("", snippet)) < 300


def test_highlights_leave_out_description_without_a_match(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(summary="Falcon tracker.", description="Birds."))

    highlights = index.search(SearchQuery(text="falcon")).hits[0].highlights

    assert "description" not in highlights
    assert highlights["summary"] == "<mark>Falcon</mark> tracker."


def test_hit_carries_the_entry_facts(seed_index: WhooshIndex) -> None:
    hit = seed_index.search(SearchQuery(text="HAPI FHIR")).hits[0]

    assert (hit.id, hit.name, hit.kind, hit.status, hit.state) == (
        "hapi-fhir",
        "HAPI FHIR",
        "library",
        "live",
        "published",
    )
    assert (hit.licence, hit.open_source) == ("Apache-2.0", True)
    assert hit.summary.startswith("A complete open-source Java implementation")
    assert hit.score > 0


@pytest.fixture
def named(index_of: IndexFactory) -> WhooshIndex:
    return index_of(
        an_indexed_entry(id="b", name="beta", updated_at="2026-03-01T00:00:00Z"),
        an_indexed_entry(id="a2", name="Alpha two", updated_at="2026-05-01T00:00:00Z"),
        an_indexed_entry(id="a1", name="alpha", updated_at="2026-01-01T00:00:00Z"),
        an_indexed_entry(id="g", name="Gamma", updated_at="2026-04-01T00:00:00Z"),
    )


def test_sort_by_name_ignores_case(named: WhooshIndex) -> None:
    result = named.search(SearchQuery(sort="name"))

    assert [hit.name for hit in result.hits] == ["alpha", "Alpha two", "beta", "Gamma"]


def test_sort_by_updated_puts_newest_first(named: WhooshIndex) -> None:
    result = named.search(SearchQuery(sort="updated"))

    assert [hit.id for hit in result.hits] == ["a2", "g", "b", "a1"]


def test_sort_applies_to_text_matches(named: WhooshIndex) -> None:
    result = named.search(SearchQuery(text="alpha", sort="updated"))

    assert [hit.id for hit in result.hits] == ["a2", "a1"]


def test_unknown_sort_is_relevance(named: WhooshIndex) -> None:
    result = named.search(SearchQuery(text="alpha", sort="bogus"))

    assert [hit.id for hit in result.hits] == ["a1", "a2"]


@pytest.fixture
def many(index_of: IndexFactory) -> WhooshIndex:
    return index_of(
        *(an_indexed_entry(id=f"tool-{i:02d}", name=f"Tool {i:02d}") for i in range(25))
    )


def test_pages_split_the_results(many: WhooshIndex) -> None:
    pages = [many.search(SearchQuery(sort="name", page=p, per_page=10)) for p in (1, 2, 3)]

    assert [len(p.hits) for p in pages] == [10, 10, 5]
    assert [hit.id for p in pages for hit in p.hits] == [f"tool-{i:02d}" for i in range(25)]
    assert all(p.total == 25 for p in pages)


def test_page_beyond_the_end_is_empty_with_total(many: WhooshIndex) -> None:
    result = many.search(SearchQuery(text="tool", page=4, per_page=10))

    assert result.hits == []
    assert (result.total, result.page, result.per_page) == (25, 4, 10)


@pytest.mark.parametrize(
    ("page", "per_page", "expected"),
    [(0, 20, (1, 20)), (-3, 0, (1, 1)), (1, 10_000, (1, 100))],
)
def test_page_and_per_page_are_clamped(
    many: WhooshIndex, page: int, per_page: int, expected: tuple[int, int]
) -> None:
    result = many.search(SearchQuery(page=page, per_page=per_page))

    assert (result.page, result.per_page) == expected
