"""The index's life: creating, reopening, recreating, applying changes, rebuilding, threads."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from registry.search import IndexedEntry, SearchIndex, SearchQuery, Synonyms, WhooshIndex
from tests.search.conftest import IndexFactory
from tests.search.entries import an_indexed_entry, seed_entries


def ids(index: WhooshIndex, text: str = "") -> list[str]:
    return [hit.id for hit in index.search(SearchQuery(text=text, per_page=100)).hits]


def test_new_folder_gets_an_empty_index(tmp_path: Path, synonyms: Synonyms) -> None:
    index = WhooshIndex(tmp_path / "new" / "index", synonyms)

    assert index.recreated
    assert (index.count(), index.high_water()) == (0, 0)
    assert index.search(SearchQuery()).total == 0
    index.close()


def test_reopened_index_keeps_entries_and_high_water(tmp_path: Path, synonyms: Synonyms) -> None:
    first = WhooshIndex(tmp_path, synonyms)
    first.rebuild(seed_entries(), high_water=42)
    first.close()

    again = WhooshIndex(tmp_path, synonyms)

    assert not again.recreated
    assert again.count() == len(seed_entries())
    assert again.high_water() == 42
    assert ids(again, "openmrs")[0] == "openmrs"
    again.close()


def test_damaged_index_is_recreated_empty(tmp_path: Path, synonyms: Synonyms) -> None:
    first = WhooshIndex(tmp_path, synonyms)
    first.rebuild(seed_entries(), high_water=42)
    first.close()
    for path in tmp_path.iterdir():
        path.write_bytes(b"\x00garbage\xff" * 100)

    again = WhooshIndex(tmp_path, synonyms)

    assert again.recreated
    assert (again.count(), again.high_water()) == (0, 0)
    again.apply([an_indexed_entry(id="fresh", name="Fresh Start")], [], high_water=1)
    assert ids(again, "fresh") == ["fresh"]
    again.close()


def test_truncated_index_files_are_recreated(tmp_path: Path, synonyms: Synonyms) -> None:
    first = WhooshIndex(tmp_path, synonyms)
    first.rebuild(seed_entries(), high_water=42)
    first.close()
    for path in tmp_path.glob("MAIN_*"):  # segment files, compound (.seg) or not
        path.write_bytes(path.read_bytes()[:100])

    again = WhooshIndex(tmp_path, synonyms)

    assert again.recreated
    assert again.count() == 0
    again.close()


def test_index_with_other_spellings_is_recreated(tmp_path: Path, synonyms: Synonyms) -> None:
    first = WhooshIndex(tmp_path, synonyms)
    first.rebuild(seed_entries(), high_water=42)
    first.close()

    again = WhooshIndex(tmp_path, Synonyms(spellings=(("colour", "color"),)))

    assert again.recreated
    assert again.high_water() == 0
    again.close()


def test_changed_synonym_groups_need_no_rebuild(tmp_path: Path, synonyms: Synonyms) -> None:
    first = WhooshIndex(tmp_path, synonyms)
    first.rebuild([an_indexed_entry(id="ward", summary="Ward rounds.")], high_water=1)
    first.close()

    again = WhooshIndex(tmp_path, Synonyms(groups=(("bay", "ward"),), spellings=synonyms.spellings))

    assert not again.recreated
    assert ids(again, "bay") == ["ward"]
    again.close()


def test_apply_adds_entries_and_records_high_water(index_of: IndexFactory) -> None:
    index = index_of()

    index.apply([an_indexed_entry(id="owl", name="Owl Tracker")], [], high_water=7)

    assert ids(index, "owl") == ["owl"]
    assert index.high_water() == 7
    assert index.count() == 1


def test_apply_twice_changes_nothing_visible(index_of: IndexFactory) -> None:
    index = index_of(*seed_entries())
    upserts = [an_indexed_entry(id="owl", name="Owl Tracker"), seed_entries()[0]]

    index.apply(upserts, ["no-such-entry"], high_water=7)
    before = index.search(SearchQuery(text="fhir", per_page=100))
    index.apply(upserts, ["no-such-entry"], high_water=7)
    after = index.search(SearchQuery(text="fhir", per_page=100))

    assert after == before
    assert index.count() == len(seed_entries()) + 1
    assert index.high_water() == 7


def test_apply_replaces_an_entry(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(id="bird", name="Owl Tracker"))

    index.apply([an_indexed_entry(id="bird", name="Hawk Tracker")], [], high_water=2)

    assert ids(index, "owl") == []
    assert ids(index, "hawk") == ["bird"]
    assert index.count() == 1


def test_apply_deletes_entries(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="owl", name="Owl Tracker"),
        an_indexed_entry(id="hawk", name="Hawk Tracker"),
    )

    index.apply([], ["owl"], high_water=3)

    assert ids(index, "tracker") == ["hawk"]
    assert index.count() == 1


def test_apply_keeps_the_last_upsert_of_an_id(index_of: IndexFactory) -> None:
    index = index_of()

    index.apply(
        [an_indexed_entry(id="bird", name="Owl"), an_indexed_entry(id="bird", name="Hawk")],
        [],
        high_water=1,
    )

    assert ids(index) == ["bird"]
    assert ids(index, "hawk") == ["bird"]


def test_apply_changes_facets_and_state(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(id="bird", name="Owl"))

    index.apply([an_indexed_entry(id="bird", name="Owl", state="retired")], [], high_water=2)

    assert ids(index, "owl") == []
    assert index.search(SearchQuery(filters={"state": ["retired"]})).total == 1


def test_rebuild_replaces_everything_and_reports_progress(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(id="old", name="Old"))
    seen: list[int] = []

    index.rebuild(seed_entries(), high_water=9, progress=seen.append)

    assert "old" not in ids(index)
    assert index.count() == len(seed_entries())
    assert index.high_water() == 9
    assert seen[-1] == len(seed_entries())


def test_failed_rebuild_keeps_the_old_index(index_of: IndexFactory) -> None:
    index = index_of(an_indexed_entry(id="old", name="Old"))

    def entries() -> Iterator[IndexedEntry]:
        yield an_indexed_entry(id="new", name="New")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        index.rebuild(entries(), high_water=9)

    assert ids(index) == ["old"]
    assert index.high_water() == 1


def test_count_includes_every_state(index_of: IndexFactory) -> None:
    index = index_of(
        an_indexed_entry(id="a", state="published"),
        an_indexed_entry(id="b", state="deprecated"),
        an_indexed_entry(id="c", state="retired"),
    )

    assert index.count() == 3


def test_second_index_on_the_folder_sees_commits(tmp_path: Path, synonyms: Synonyms) -> None:
    writer = WhooshIndex(tmp_path, synonyms)
    reader = WhooshIndex(tmp_path, synonyms, check_interval=0)
    assert ids(reader) == []

    writer.apply([an_indexed_entry(id="owl", name="Owl")], [], high_water=5)

    assert ids(reader) == ["owl"]
    assert reader.high_water() == 5
    writer.close()
    reader.close()


def test_closed_index_refuses_work(index_of: IndexFactory) -> None:
    index = index_of()
    index.close()

    with pytest.raises(RuntimeError, match="closed"):
        index.search(SearchQuery())
    index.close()


def test_searches_in_threads_during_applies_do_not_fail(index_of: IndexFactory) -> None:
    index = index_of(*seed_entries())
    errors: list[BaseException] = []
    done = threading.Event()
    queries = ["fhir", "openmrss", "gp appointment", "", "prescription -hapi", "a&e"]

    def search() -> None:
        try:
            while not done.is_set():
                for text in queries:
                    result = index.search(SearchQuery(text=text, filters={"kind": ["api"]}))
                    assert result.total >= len(result.hits)
                    index.similar({"name": "OpenMRS"})
        except BaseException as exc:  # noqa: BLE001 - collected and re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for n in range(15):
            index.apply(
                [an_indexed_entry(id=f"bird-{n % 4}", name=f"Bird {n}")],
                [f"bird-{(n + 2) % 4}"],
                high_water=n + 2,
            )
    finally:
        done.set()
        for thread in threads:
            thread.join()

    assert errors == []
    assert index.high_water() == 16


def test_apply_times_out_when_another_writer_holds_the_lock(
    tmp_path: Path, synonyms: Synonyms
) -> None:
    index = WhooshIndex(tmp_path, synonyms, lock_timeout=0.05)
    held = whoosh_index.open_dir(str(tmp_path), indexname="MAIN").writer()
    try:
        with pytest.raises(TimeoutError, match="locked"):
            index.apply([an_indexed_entry()], [], high_water=1)
    finally:
        held.cancel()
        index.close()


def test_whoosh_index_is_a_search_index(index_of: IndexFactory) -> None:
    index: SearchIndex = index_of()

    assert index.count() == 0


def test_index_started_from_a_copy_catches_up_without_rebuild(
    tmp_path: Path, synonyms: Synonyms
) -> None:
    peer = WhooshIndex(tmp_path / "peer", synonyms)
    peer.rebuild(seed_entries(), high_water=42)
    copied = peer.export(tmp_path / "copy")
    peer.apply([an_indexed_entry(id="later", name="Later Entry")], [], high_water=43)

    fresh = WhooshIndex(tmp_path / "new", synonyms, seed=tmp_path / "copy")

    assert copied == 42
    assert not fresh.recreated
    assert (fresh.high_water(), fresh.count()) == (42, len(seed_entries()))
    assert ids(fresh, "openmrs")[0] == "openmrs"
    fresh.apply([an_indexed_entry(id="later", name="Later Entry")], [], high_water=43)
    assert ids(fresh, "later entry")[0] == "later"
    peer.close()
    fresh.close()


def test_unusable_copy_to_start_from_means_a_recreated_index(
    tmp_path: Path, synonyms: Synonyms
) -> None:
    (tmp_path / "copy").mkdir()

    fresh = WhooshIndex(tmp_path / "new", synonyms, seed=tmp_path / "copy")

    assert fresh.recreated
    fresh.close()


def test_a_view_opened_before_a_merge_still_reads_what_it_shows(
    index_of: IndexFactory,
) -> None:
    # Segments are separate files and a merge deletes those of the segments it folds: a
    # view still in use (a search or a duplicate check under way) must read them anyway.
    index = index_of(*seed_entries()[:5])
    for number in range(8):
        entry = an_indexed_entry(id=f"extra-{number}", name=f"Extra Tool {number}")
        index.apply([entry], [], high_water=2 + number)
    held = index._current
    assert held is not None
    held.users += 1  # as a search in another thread would
    try:
        assert index.merge()
        ids = [held.stored(d).get("id") for d in range(held.size) if held.cards[d]]
        assert "extra-7" in ids
    finally:
        held.users -= 1
