"""Query understanding and partial matching: coverage, word weights from the corpus, word
forms the stemmer splits, facet values named in the query, and whether a need is met."""

from typing import cast

from registry.search import IndexedEntry, SearchQuery, SearchResult, WhooshIndex
from registry.search.analysis import Normaliser
from registry.search.snapshot import Snapshot
from registry.search.understanding import word_forms
from tests.search.conftest import IndexFactory
from tests.search.entries import an_indexed_entry


def search(index: WhooshIndex, text: str) -> SearchResult:
    return index.search(SearchQuery(text=text, per_page=50))


def ids(index: WhooshIndex, text: str) -> list[str]:
    return [hit.id for hit in search(index, text).hits]


def filler(count: int, summary: str) -> list[IndexedEntry]:
    """`count` entries sharing a summary, so its words are common in the corpus."""
    return [
        an_indexed_entry(id=f"filler-{n}", name=f"Filler {n}", summary=summary)
        for n in range(count)
    ]


def test_partial_matches_rank_by_how_much_of_the_query_they_cover(
    index_of: IndexFactory,
) -> None:
    index = index_of(
        an_indexed_entry(id="three", name="One", summary="Wound photos for night shifts."),
        an_indexed_entry(id="two", name="Two", summary="Wound photos at night."),
        an_indexed_entry(id="one", name="Three", summary="Wound photos."),
        *filler(6, "Unrelated text."),
    )

    assert ids(index, "wound photos night shifts") == ["three", "two", "one"]


def test_entry_matching_the_rare_words_beats_one_matching_common_ones(
    index_of: IndexFactory,
) -> None:
    index = index_of(
        an_indexed_entry(id="topic", name="Alpha", summary="Dialysis scheduling."),
        an_indexed_entry(
            id="framing", name="Beta", summary="An online system and platform for everyone."
        ),
        *filler(12, "An online system and platform."),
    )

    found = ids(index, "online dialysis system platform")

    assert found[0] == "topic"


def test_framing_words_alone_leave_the_need_unmet(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="framing", name="Beta", summary="An online system."),
        *filler(12, "An online system."),
    )

    result = search(index, "online system for dialysis scheduling")

    assert result.total > 0
    assert result.coverage is not None
    assert result.coverage < 0.5
    assert not result.met


def test_need_is_met_when_a_result_covers_most_of_it(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="topic", name="Alpha", summary="Dialysis scheduling online."),
        *filler(12, "An online system."),
    )

    result = search(index, "online system for dialysis scheduling")

    assert result.hits[0].id == "topic"
    assert result.met


def test_query_without_words_has_no_coverage_and_is_met(index_of: IndexFactory) -> None:
    result = search(index_of(an_indexed_entry(id="any")), "")

    assert result.coverage is None
    assert result.met


def test_quoted_phrase_stays_required_with_partial_matching(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="phrase", summary="Opens the patient record."),
        an_indexed_entry(id="words", summary="Records the patient's wishes about dialysis."),
    )

    assert ids(index, '"patient record" dialysis') == ["phrase"]


def test_excluded_word_removes_partial_matches_too(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="kept", summary="Dialysis scheduling."),
        an_indexed_entry(id="dropped", summary="Dialysis transport."),
    )

    assert ids(index, "dialysis scheduling -transport") == ["kept"]


def test_word_forms_the_stemmer_splits_find_each_other(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="referral", name="One", summary="Sends a referral."),
        an_indexed_entry(id="refer", name="Two", summary="Refer patients onwards."),
        an_indexed_entry(id="prescription", name="Three", summary="Tracks each prescription."),
        an_indexed_entry(id="prescribe", name="Four", summary="Helps doctors prescribe."),
        an_indexed_entry(id="other", name="Five", summary="Unrelated."),
    )

    assert set(ids(index, "refer")) == {"referral", "refer"}
    assert ids(index, "referral")[0] == "referral"
    assert set(ids(index, "prescribe")) == {"prescription", "prescribe"}


def test_word_forms_need_both_words_in_the_index(index_of: IndexFactory) -> None:
    # "final" is not a form of "fine": only pairs the corpus uses are linked, and short
    # bases never are.
    index = index_of(
        an_indexed_entry(id="final", summary="The final report."),
        an_indexed_entry(id="fine", summary="A fine grained view."),
    )

    assert ids(index, "final") == ["final"]


def test_reviewed_false_forms_are_not_linked(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="commission", summary="Helps commission care services."),
        an_indexed_entry(id="commit", summary="Commit changes to the repository."),
    )

    assert ids(index, "commission") == ["commission"]
    assert ids(index, "commit") == ["commit"]


def test_query_naming_a_kind_boosts_entries_of_that_kind(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="software", kind="software", name="A", summary="Bed management api."),
        an_indexed_entry(id="api", kind="api", name="B", summary="Bed management api."),
    )

    assert ids(index, "bed management api") == ["api", "software"]
    assert ids(index, "bed management") == ["software", "api"]  # a tie, broken by name


def test_query_naming_a_care_setting_boosts_entries_in_it(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="elsewhere", name="A", summary="Stock control for pharmacy shelves."),
        an_indexed_entry(
            id="pharmacy",
            name="B",
            summary="Stock control for pharmacy shelves.",
            care_settings=["pharmacy"],
        ),
    )

    assert ids(index, "pharmacy stock control")[0] == "pharmacy"


def test_query_naming_a_standard_boosts_entries_implementing_it(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="plain", name="A", summary="Imaging archive with DICOM export."),
        an_indexed_entry(
            id="implements",
            name="B",
            summary="Imaging archive with DICOM export.",
            standards=[{"id": "dicom"}],
        ),
    )

    assert ids(index, "dicom imaging archive")[0] == "implements"


class _Vocabulary:
    """What `word_forms` reads of a snapshot: its words and a place to keep results."""

    def __init__(self, words: list[str]) -> None:
        self.words = dict.fromkeys(words, 1)
        self.derived: dict[str, object] = {}

    def spelling_words(self) -> dict[str, int]:
        return self.words


def test_word_forms_of_a_grown_vocabulary_match_those_found_afresh() -> None:
    first = ["referral", "prescription", "notifications", "booking"]
    later = ["refer", "prescribe", "notify", "bookings", "translation", "translate"]

    grown = Normaliser()
    word_forms(cast(Snapshot, _Vocabulary(first)), grown)
    incremental = word_forms(cast(Snapshot, _Vocabulary(first + later)), grown)
    afresh = word_forms(cast(Snapshot, _Vocabulary(first + later)), Normaliser())

    assert incremental == afresh
    assert grown.term("refer") in incremental[str(grown.term("referral"))]
