"""Meaning vectors: the encoder reproduces sentence-transformers' all-MiniLM-L6-v2, and
search blends meaning with word matches, so a need worded unlike any entry still finds
the entries that do what it asks, while names, phrases, exclusions and filters keep
their meaning."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from registry.search import IndexedEntry, SearchQuery, Synonyms, WhooshIndex, searching
from registry.search.index import ENCODE_INLINE
from registry.search.meaning import (
    Encoder,
    ModelMissing,
    Vectors,
    model_folder,
    shared_encoder,
)
from tests.search.entries import an_indexed_entry

IMAGING = an_indexed_entry(
    id="imaging-viewer",
    name="Radiant Plates",
    summary="Display DICOM radiology studies in a web page.",
    kind="software",
)
REMINDERS = an_indexed_entry(
    id="reminders",
    name="Nudge",
    summary="Sends SMS messages to patients before their clinic appointment.",
    kind="api",
)
OTHERS = [
    an_indexed_entry(id="ledger", name="Ledger", summary="Double-entry bookkeeping for councils."),
    an_indexed_entry(id="bins", name="Bin Day", summary="Waste collection calendar for residents."),
    an_indexed_entry(id="grants", name="Grant Desk", summary="Apply for community grants."),
    an_indexed_entry(id="parking", name="Permit", summary="Residents' parking permits."),
]


@pytest.fixture
def meaning_index(tmp_path: Path, synonyms: Synonyms) -> Iterator[WhooshIndex]:
    index = WhooshIndex(tmp_path / "index", synonyms, encoder=shared_encoder())
    index.rebuild([IMAGING, REMINDERS, *OTHERS], high_water=1, encode=True)
    yield index
    index.close()


def ids(index: WhooshIndex, text: str, **filters: list[str]) -> list[str]:
    result = index.search(SearchQuery(text=text, filters=filters, per_page=20))
    return [hit.id for hit in result.hits]


def test_the_encoder_gives_the_vectors_sentence_transformers_gives() -> None:
    # Reference figures computed with sentence-transformers 6.3 (all-MiniLM-L6-v2, 64
    # tokens, normalised): the first components of one vector and two cosines.
    vectors = Encoder().encode(
        [
            "Send appointment reminders to patients by SMS.",
            "Text message notifications for clinic bookings.",
            "A library for parsing spreadsheets.",
        ]
    )

    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    first = [-0.0233, 0.0215, 0.0349, 0.0036, -0.0636, 0.0256]
    assert np.allclose(vectors[0][:6], first, atol=2e-4)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(0.7096, abs=2e-3)
    assert float(vectors[0] @ vectors[2]) == pytest.approx(0.0992, abs=2e-3)


def test_weights_that_are_not_the_published_ones_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    shutil.copy(model_folder() / "tokenizer.json", folder / "tokenizer.json")
    (folder / "model.safetensors").write_bytes(b"\0" * 1024)

    with pytest.raises(ModelMissing, match="not all-MiniLM-L6-v2"):
        Encoder(folder).encode(["anything"])


def test_a_need_in_other_words_finds_the_entry_that_meets_it(meaning_index: WhooshIndex) -> None:
    # No word of the query is in the entry (nor a form or synonym of one).
    assert ids(meaning_index, "show x-ray scans on a website")[0] == "imaging-viewer"
    assert ids(meaning_index, "text alerts ahead of a doctor visit")[0] == "reminders"


def test_without_an_encoder_only_words_match(tmp_path: Path, synonyms: Synonyms) -> None:
    index = WhooshIndex(tmp_path / "words", synonyms)
    index.rebuild([IMAGING, REMINDERS, *OTHERS], high_water=1)
    try:
        assert ids(index, "show x-ray scans on a website") == []
    finally:
        index.close()


def test_entries_matched_only_in_meaning_rank_below_entries_matching_the_words(
    meaning_index: WhooshIndex,
) -> None:
    found = ids(meaning_index, "residents parking")

    assert found[0] == "parking"


def test_an_exact_name_still_comes_first(meaning_index: WhooshIndex) -> None:
    assert ids(meaning_index, "Grant Desk")[0] == "grants"


def test_a_quoted_phrase_admits_no_entry_by_meaning_alone(meaning_index: WhooshIndex) -> None:
    assert "imaging-viewer" in ids(meaning_index, "show x-ray scans on a website")
    assert ids(meaning_index, '"show x-ray scans" on a website') == []


def test_an_excluded_word_excludes_entries_found_by_meaning(meaning_index: WhooshIndex) -> None:
    assert "imaging-viewer" in ids(meaning_index, "show x-ray scans on a website")
    assert "imaging-viewer" not in ids(meaning_index, "show x-ray scans on a website -dicom")


def test_filters_apply_to_entries_found_by_meaning(meaning_index: WhooshIndex) -> None:
    assert "imaging-viewer" in ids(meaning_index, "show x-ray scans on a website")
    assert ids(meaning_index, "show x-ray scans on a website", kind=["api"]) == []


def test_entries_written_later_get_their_meaning(meaning_index: WhooshIndex) -> None:
    later = an_indexed_entry(
        id="translator", name="Babel", summary="Converts patient leaflets into Polish and Urdu."
    )
    meaning_index.apply([later], [], high_water=2)

    assert ids(meaning_index, "translation of medical documents")[0] == ("translator")


def test_an_index_built_without_meaning_is_rebuilt_to_have_it(
    tmp_path: Path, synonyms: Synonyms
) -> None:
    folder = tmp_path / "index"
    words: list[IndexedEntry] = [IMAGING, *OTHERS]
    WhooshIndex(folder, synonyms).rebuild(words, high_water=1)

    reopened = WhooshIndex(folder, synonyms, encoder=shared_encoder())
    try:
        assert reopened.recreated
    finally:
        reopened.close()


def test_a_bulk_write_leaves_its_meaning_for_later_a_small_one_does_not(
    meaning_index: WhooshIndex,
) -> None:
    bulk = [
        an_indexed_entry(id=f"bulk-{n}", name=f"Bulk {n}", summary=f"Imported item {n}.")
        for n in range(ENCODE_INLINE + 1)
    ]
    meaning_index.apply(bulk, [], high_water=2)
    single = an_indexed_entry(id="single", name="Single", summary="Written by a supplier.")
    meaning_index.apply([single], [], high_water=3)

    assert sorted(meaning_index.lacking_meaning(100)) == sorted(e.id for e in bulk)

    meaning_index.apply(bulk[:5], [], high_water=4, encode=True)

    assert len(meaning_index.lacking_meaning(100)) == len(bulk) - 5


class _Vectors:
    """A snapshot's meaning, reduced to what feedback reads: a matrix of unit rows."""

    def __init__(self, rows: list[list[float]]) -> None:
        matrix = np.array(rows, dtype=np.float32)
        self.matrix = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)

    def vectors(self, docs: list[int]) -> Vectors:
        rows: Vectors = self.matrix[docs]
        return rows

    def similarities(self, vector: Vectors) -> Vectors:
        products: Vectors = self.matrix @ vector
        return products


def test_feedback_moves_the_query_towards_what_it_found_and_stays_a_cosine() -> None:
    # Entry 0 matches the query's words; entry 1 means what entry 0 means in other words
    # and is far from the query as worded; entry 2 is unrelated.
    meaning = _Vectors([[1.0, 1.0, 0.0], [1.0, 1.2, 0.0], [0.0, 0.0, 1.0]])
    query = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    before = meaning.similarities(query)
    scores = np.array([5.0, 0.0, 0.0])
    kept = np.array([True, False, False])
    everywhere, nowhere = np.ones(3, dtype=np.bool_), np.zeros(3, dtype=np.bool_)

    snapshot: Any = meaning
    after = searching._with_feedback(snapshot, scores, kept, before, everywhere, nowhere)

    assert after[1] > before[1]
    assert after[1] > after[2]
    assert after[2] <= before[2] + 1e-6
    moved = query + searching.FEEDBACK_WEIGHT * meaning.matrix[[0, 1]].mean(axis=0)
    expected = meaning.matrix @ (moved / np.linalg.norm(moved))
    assert np.allclose(after, expected, atol=1e-5)
    # The first blend works on copies: the word scores and the matches are left as they were.
    assert scores.tolist() == [5.0, 0.0, 0.0]
    assert kept.tolist() == [True, False, False]
