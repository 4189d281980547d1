"""What is indexed and how results rank: field weights, exact names, stemming, spellings,
synonyms and review states."""

import pytest

from registry.search import IndexedEntry, SearchQuery, WhooshIndex
from tests.builders import an_entry
from tests.search.conftest import IndexFactory
from tests.search.entries import an_indexed_entry


def ids(index: WhooshIndex, text: str, **options: object) -> list[str]:
    result = index.search(SearchQuery(text=text, **options))  # type: ignore[arg-type]
    return [hit.id for hit in result.hits]


@pytest.fixture
def everything_index(index_of: IndexFactory) -> WhooshIndex:
    """One entry with a distinctive word in every indexed text field."""
    document = an_entry(
        id="menagerie",
        name="Zebra Tool",
        aliases=["Quokka"],
        summary="Counts the narwhal population.",
        description="Long text about the okapi.",
        features=["Feed the axolotl"],
        tags=["pangolin"],
        owner={"name": "Wombat NHS Trust"},
        standards=[{"id": "hl7-fhir-r4", "profiles": ["Ibex Core"]}],
        categories=["capybara-records"],
        care_settings=["meerkat-care"],
    )
    entry = IndexedEntry(
        id="menagerie",
        document=document,
        state="published",
        open_source=True,
        updated_at="2026-11-26T04:15:00Z",
        standard_names={"hl7-fhir-r4": "HL7 FHIR R4"},
    )
    return index_of(entry, an_indexed_entry(id="bystander", name="Bystander"))


@pytest.mark.parametrize(
    "text",
    [
        "zebra",
        "quokka",
        "narwhal",
        "okapi",
        "axolotl",
        "pangolin",
        "wombat",
        "hl7-fhir-r4",
        "HL7 FHIR R4",
        "ibex",
        "capybara",
        "meerkat",
    ],
)
def test_search_finds_words_in_every_indexed_field(
    everything_index: WhooshIndex, text: str
) -> None:
    assert ids(everything_index, text) == ["menagerie"]


def test_ranking_weights_name_over_summary_features_tags_and_description(
    index_of: IndexFactory,
) -> None:
    index = index_of(
        an_indexed_entry(id="in-description", name="One", description="A kestrel."),
        an_indexed_entry(id="in-tags", name="Two", tags=["kestrel"]),
        an_indexed_entry(id="in-features", name="Three", features=["Spot a kestrel"]),
        an_indexed_entry(id="in-summary", name="Four", summary="Spots a kestrel."),
        an_indexed_entry(id="in-name", name="Kestrel Spotter"),
    )

    assert ids(index, "kestrel") == [
        "in-name",
        "in-summary",
        "in-features",
        "in-tags",
        "in-description",
    ]


def test_exact_name_ranks_first_when_others_score_higher(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(
            id="chatty",
            name="Patient Record Viewer",
            summary="Patient record viewer for patient records.",
            features=["View a patient record", "Print a patient record"],
        ),
        an_indexed_entry(id="exact", name="Patient Record", summary="Holds notes."),
    )

    assert ids(index, "patient record")[0] == "exact"
    assert ids(index, "PATIENT  RECORD")[0] == "exact"


def test_exact_alias_ranks_first(seed_index: WhooshIndex) -> None:
    assert ids(seed_index, "FHIR validator")[0] == "hl7-fhir-validator"


def test_exact_name_ranks_first_in_seed(seed_index: WhooshIndex) -> None:
    assert ids(seed_index, "HAPI FHIR")[0] == "hapi-fhir"
    assert ids(seed_index, "hl7 fhir r4")[0] == "hl7-fhir-r4"


def test_stemming_matches_other_forms_of_a_word(seed_index: WhooshIndex) -> None:
    found = ids(seed_index, "dispensed", per_page=50)

    assert "electronic-prescription-service-fhir" in found


@pytest.mark.parametrize(
    ("query", "written"), [("immunization", "immunisation"), ("immunisation", "immunization")]
)
def test_british_and_american_spellings_find_each_other(
    index_of: IndexFactory, query: str, written: str
) -> None:
    index = index_of(
        an_indexed_entry(id="written", summary=f"Records {written} history."),
        an_indexed_entry(id="other", summary="Books appointments."),
    )

    assert ids(index, query) == ["written"]


@pytest.mark.parametrize(
    ("query", "written"),
    [
        ("paediatric", "Pediatric growth charts"),
        ("pediatric", "Paediatric growth charts"),
        ("pediatrician", "Seen by a paediatrician"),
        ("haematology", "Hematology results"),
        ("center", "Runs a contact centre"),
    ],
)
def test_spelling_variants_find_each_other(
    index_of: IndexFactory, query: str, written: str
) -> None:
    index = index_of(an_indexed_entry(id="written", summary=written))

    assert ids(index, query) == ["written"]


def test_american_spelling_finds_seed_immunisation_entry(seed_index: WhooshIndex) -> None:
    assert ids(seed_index, "immunization history")[0] == "immunisation-history-fhir"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a&e", {"says-ed", "says-a-and-e", "says-accident"}),
        ("A&E", {"says-ed", "says-a-and-e", "says-accident"}),
        ("emergency department", {"says-ed", "says-a-and-e", "says-accident"}),
        ("accident and emergency", {"says-ed", "says-a-and-e", "says-accident"}),
        ("GP", {"says-gp", "says-general-practice"}),
        ("general practice", {"says-gp", "says-general-practice"}),
    ],
)
def test_synonyms_expand_at_query_time(
    index_of: IndexFactory, query: str, expected: set[str]
) -> None:
    index = index_of(
        an_indexed_entry(id="says-ed", summary="Triage in the emergency department."),
        an_indexed_entry(id="says-a-and-e", summary="Triage in A&E."),
        an_indexed_entry(id="says-accident", summary="Accident and emergency waiting times."),
        an_indexed_entry(id="says-gp", summary="Books GP appointments."),
        an_indexed_entry(id="says-general-practice", summary="For general practice staff."),
        an_indexed_entry(id="says-department", summary="A department of general surgery."),
    )

    assert set(ids(index, query)) == expected


def test_synonym_scores_below_the_words_typed(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="synonym", summary="Triage in the emergency department."),
        an_indexed_entry(id="typed", summary="Triage in A&E."),
    )

    assert ids(index, "a&e") == ["typed", "synonym"]


def test_published_ranks_above_deprecated(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="old", name="Wound Photos", state="deprecated"),
        an_indexed_entry(id="new", name="Wound Photos", state="published"),
    )

    result = index.search(SearchQuery(text="wound photos"))

    assert [hit.id for hit in result.hits] == ["new", "old"]
    assert result.hits[0].score > result.hits[1].score
    assert result.hits[1].state == "deprecated"


def test_published_ranks_above_deprecated_without_text(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="aardvark", name="Aardvark", state="deprecated"),
        an_indexed_entry(id="zebra", name="Zebra"),
    )

    assert ids(index, "") == ["zebra", "aardvark"]


@pytest.fixture
def with_retired(index_of: IndexFactory) -> WhooshIndex:
    return index_of(
        an_indexed_entry(id="current", name="Scanner Hub"),
        an_indexed_entry(id="gone", name="Scanner Hub Classic", state="retired"),
    )


def test_retired_entries_are_hidden(with_retired: WhooshIndex) -> None:
    result = with_retired.search(SearchQuery(text="scanner"))

    assert [hit.id for hit in result.hits] == ["current"]
    assert result.total == 1


def test_retired_entries_shown_when_asked(with_retired: WhooshIndex) -> None:
    assert ids(with_retired, "scanner", include_retired=True) == ["current", "gone"]


def test_retired_entries_shown_when_filtered_by_state(with_retired: WhooshIndex) -> None:
    assert ids(with_retired, "scanner", filters={"state": ["retired"]}) == ["gone"]
