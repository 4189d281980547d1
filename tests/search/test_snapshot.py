"""Snapshots after writes: derived from the previous one, the same as one built afresh."""

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from registry.search import SearchQuery, SearchResult, Synonyms, WhooshIndex
from registry.search import snapshot as snapshot_module
from registry.search.index import INDEX_NAME, MERGE_SEGMENTS
from tests.search.entries import an_indexed_entry, seed_entries

QUERIES = [
    SearchQuery(text="", sort="name", per_page=100),
    SearchQuery(text="", sort="updated", per_page=100),
    SearchQuery(text="", per_page=100),
    SearchQuery(text="patient record", per_page=100),
    SearchQuery(text="appointment booking", sort="name", per_page=100),
    SearchQuery(text="fhir", filters={"licence": ["MIT"]}, per_page=100),
]


def answers(index: WhooshIndex) -> list[tuple[Any, ...]]:
    def summary(result: SearchResult) -> tuple[Any, ...]:
        hits = [(h.id, h.score) for h in result.hits]
        return result.total, hits, result.facets

    return [summary(index.search(q)) for q in QUERIES]


def segments_in(folder: Path) -> int:
    ix = whoosh_index.open_dir(str(folder), indexname=INDEX_NAME)
    try:
        return len(ix._segments())
    finally:
        ix.close()


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a segment's in-memory tables were read from its files."""
    counted = [0]
    load = snapshot_module.Segment.load.__func__  # type: ignore[attr-defined]

    def counting(cls: type, reader: Any) -> Any:
        counted[0] += 1
        return load(cls, reader)

    monkeypatch.setattr(snapshot_module.Segment, "load", classmethod(counting))
    return counted


def writes(index: WhooshIndex, rounds: int) -> Iterator[int]:
    """Rounds of edits, new entries, review-state changes and deletions, merging as the
    feeder does; yields after each."""
    entries = seed_entries()
    mark = 1
    for i in range(rounds):
        mark += 1
        changed = entries[i % len(entries)]
        document = {**changed.document, "name": f"Renamed {i} appointment tool"}
        upserts = [
            replace(changed, document=document, updated_at=f"2027-01-{i % 28 + 1:02d}T00:00:00Z"),
            an_indexed_entry(
                id=f"new-{i}",
                name=f"New patient record {i}",
                state="deprecated" if i % 3 else "published",
            ),
        ]
        deletes = [entries[(i * 7 + 3) % len(entries)].id] if i % 2 else []
        index.apply(upserts, deletes, mark)
        index.merge()
        yield i


def test_snapshot_after_writes_answers_as_one_opened_afresh(
    tmp_path: Path, synonyms: Synonyms
) -> None:
    index = WhooshIndex(tmp_path, synonyms)
    index.rebuild(seed_entries(), high_water=1)
    answers(index)  # the sort orders exist before the writes, so they are patched

    for _ in writes(index, 12):
        fresh = WhooshIndex(tmp_path, synonyms)
        assert answers(index) == answers(fresh)
        fresh.close()
    index.close()


def test_applies_read_only_the_segments_they_add(
    tmp_path: Path, synonyms: Synonyms, loads: list[int]
) -> None:
    index = WhooshIndex(tmp_path, synonyms)
    index.rebuild(seed_entries(), high_water=1)
    loads[0] = 0

    for mark in range(2, 32):
        index.apply([an_indexed_entry(id=f"new-{mark}", name=f"Tool {mark}")], [], mark)

    # One segment per apply, never the big one again: memory stays flat across writes.
    assert loads[0] == 30
    index.close()


def test_merge_folds_the_small_segments_and_keeps_the_answers(
    tmp_path: Path, synonyms: Synonyms, loads: list[int]
) -> None:
    index = WhooshIndex(tmp_path, synonyms)
    index.rebuild(seed_entries(), high_water=1)
    for mark in range(2, 2 + MERGE_SEGMENTS + 2):
        index.apply([an_indexed_entry(id=f"new-{mark}", name=f"Tool {mark}")], [], mark)
    before = answers(index)
    loads[0] = 0

    assert index.merge()

    assert segments_in(tmp_path) == 2
    assert loads[0] == 1  # the merged segment; the first one's tables are kept
    assert answers(index) == before
    assert not index.merge()
    index.close()


def test_a_merge_that_keeps_the_first_segment_folds_only_the_others(
    tmp_path: Path, synonyms: Synonyms
) -> None:
    # A backfill rewrites entries of the first segment batch by batch: its deletions must
    # not fold everything into one each time they pass a tenth.
    index = WhooshIndex(tmp_path, synonyms)
    entries = seed_entries()
    index.rebuild(entries, high_water=1)
    for mark, start in enumerate(range(0, MERGE_SEGMENTS + 2), start=2):
        index.apply(entries[start * 3 : start * 3 + 3], [], mark)  # rewrites 3 entries each
    before = answers(index)

    assert index.merge(keep_first=True)
    assert segments_in(tmp_path) == 2
    assert answers(index) == before

    index.apply(entries[40:41], [], 99)
    for mark in range(100, 100 + MERGE_SEGMENTS):
        index.apply([an_indexed_entry(id=f"new-{mark}", name=f"Tool {mark}")], [], mark)
    assert index.merge()  # now the first segment's deletions fold everything
    assert segments_in(tmp_path) == 1
    index.close()
