"""The query language: all words preferred, quoted phrases, -exclusions; nothing fails."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.search import SearchQuery, SearchResult, WhooshIndex
from registry.search.analysis import Normaliser
from registry.search.query import MAX_CLAUSES, SynonymTable, parse
from tests.search.conftest import IndexFactory
from tests.search.entries import an_indexed_entry

HOSTILE = [
    '"',
    '"""',
    'fhir "',
    '"fhir',
    "*",
    "?",
    "fhir*",
    "AND OR",
    "NOT",
    "fhir AND NOT",
    "(",
    ")",
    "((fhir)",
    "[fhir]",
    "{}",
    "-",
    "--",
    '-""',
    "+",
    "~",
    "fhir~2",
    "name:fhir",
    "kind:api",
    "^2",
    "\\",
    "a" * 10_000,
    "fhir " * 2_000,
    "\x00\x01\x02\x1b[31m\x7f",
    "fhir\x00api",
    "\ud800 lone surrogate",
    "'; DROP TABLE entries; --",
    "1 OR 1=1",
    "<script>alert(1)</script>",
    "&lt;b&gt;",
    "%s %n %x",
    "{{7*7}}",
    "🚑 ambulance",
    "مرحبا",
    "   ",
    "",
]


def ids(index: WhooshIndex, text: str) -> list[str]:
    return [hit.id for hit in index.search(SearchQuery(text=text)).hits]


@pytest.fixture
def words_index(index_of: IndexFactory) -> WhooshIndex:
    return index_of(
        an_indexed_entry(id="alpha-beta", name="One", summary="Alpha and beta."),
        an_indexed_entry(id="alpha", name="Two", summary="Alpha only."),
        an_indexed_entry(id="beta-gamma", name="Three", summary="Beta and gamma."),
    )


def test_entry_with_every_word_ranks_first_when_others_have_some(
    words_index: WhooshIndex,
) -> None:
    found = ids(words_index, "alpha beta")

    assert found[0] == "alpha-beta"
    assert set(found[1:]) == {"alpha", "beta-gamma"}


def test_entries_with_more_of_the_words_rank_first_when_none_has_all(
    words_index: WhooshIndex,
) -> None:
    found = ids(words_index, "alpha beta gamma")

    assert set(found[:2]) == {"alpha-beta", "beta-gamma"}
    assert "alpha" not in found[:2]


def test_unknown_word_falls_back_to_the_others(words_index: WhooshIndex) -> None:
    assert set(ids(words_index, "alpha zzyzx")) == {"alpha", "alpha-beta"}


def test_quoted_phrase_needs_the_words_together(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="together", summary="Opens the patient record."),
        an_indexed_entry(id="apart", summary="Records the patient's wishes."),
    )

    assert ids(index, '"patient record"') == ["together"]
    assert set(ids(index, "patient record")) == {"together", "apart"}


def test_exclusion_removes_entries_with_the_word(seed_index: WhooshIndex) -> None:
    with_hapi = seed_index.search(SearchQuery(text="fhir", per_page=100))
    without = seed_index.search(SearchQuery(text="fhir -hapi", per_page=100))

    assert "hapi-fhir" in [hit.id for hit in with_hapi.hits]
    assert "hapi-fhir" not in [hit.id for hit in without.hits]
    assert without.total == with_hapi.total - 1


def test_excluded_phrase_removes_entries_with_the_phrase(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="together", summary="Opens the patient record."),
        an_indexed_entry(id="apart", summary="Records the patient's wishes."),
    )

    assert ids(index, 'patient -"patient record"') == ["apart"]


def test_exclusion_alone_lists_everything_else(words_index: WhooshIndex) -> None:
    assert sorted(ids(words_index, "-gamma")) == ["alpha", "alpha-beta"]


def test_hyphenated_word_is_not_an_exclusion(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(id="ers", summary="Uses the e-Referral Service."))

    assert ids(index, "e-referral") == ["ers"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_query_never_raises(seed_index: WhooshIndex, text: str) -> None:
    result = seed_index.search(SearchQuery(text=text))

    assert isinstance(result, SearchResult)
    assert result.total >= 0


def test_markup_query_is_searched_as_words(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(id="scripted", summary="Runs a script nightly."))

    assert ids(index, "<script>") == ["scripted"]


def test_query_of_stop_words_only_lists_everything(words_index: WhooshIndex) -> None:
    assert words_index.search(SearchQuery(text="AND OR")).total == 3


def test_long_query_keeps_a_bounded_number_of_clauses() -> None:
    normaliser = Normaliser()
    parsed = parse(
        " ".join(f"word{i}" for i in range(1000)), normaliser, SynonymTable((), normaliser)
    )

    assert len(parsed.clauses) == MAX_CLAUSES


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_searches_without_error(seed_index: WhooshIndex, text: str) -> None:
    result = seed_index.search(SearchQuery(text=text, sort="name"))

    assert result.total >= len(result.hits)
