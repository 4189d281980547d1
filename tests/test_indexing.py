"""The change feed keeps a search index in step with the database."""

import time
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import Session
from whoosh import index as whoosh_index

from registry.auth import OPERATOR
from registry.feed_gaps import GAP_TIMEOUT
from registry.indexing import IndexFeeder
from registry.models import Change, utcnow
from registry.search import SearchQuery, Synonyms, WhooshIndex
from registry.search.index import INDEX_NAME, MERGE_SEGMENTS
from registry.search.meaning import Encoder
from registry.wiring import Services
from tests.builders import SEED_DIR, an_entry
from tests.conftest import Keys


@pytest.fixture
def index(tmp_path: Path) -> WhooshIndex:
    return WhooshIndex(tmp_path / "index", Synonyms.load(SEED_DIR / "synonyms.yaml"))


def found(index: WhooshIndex, text: str, **filters: list[str]) -> list[str]:
    return [h.id for h in index.search(SearchQuery(text=text, filters=filters)).hits]


def publish(services: Services, keys: Keys, **overrides: object) -> str:
    supplier = services.accounts.authenticate(keys.supplier)
    reviewer = services.accounts.authenticate(keys.reviewer)
    view = services.entries.create(an_entry(**overrides), supplier)
    services.entries.act(view.id, "submit", supplier)
    services.entries.act(view.id, "approve", reviewer)
    return view.id


def test_catch_up_indexes_published_entries_only(
    services: Services, keys: Keys, index: WhooshIndex
) -> None:
    publish(services, keys)
    supplier = services.accounts.authenticate(keys.supplier)
    services.entries.create(an_entry(id="draft-tool", name="Draft Tool"), supplier)
    feeder = IndexFeeder(services.engine, index)

    feeder.catch_up()

    assert found(index, "tool") == ["example-tool"]
    assert index.high_water() == 4  # create, submit, approve, create


def test_retired_entry_leaves_default_results(
    services: Services, keys: Keys, index: WhooshIndex
) -> None:
    entry_id = publish(services, keys)
    feeder = IndexFeeder(services.engine, index)
    feeder.catch_up()
    reviewer = services.accounts.authenticate(keys.reviewer)

    services.entries.act(entry_id, "retire", reviewer, "Switched off")
    feeder.catch_up()

    assert found(index, "example") == []
    assert index.search(SearchQuery(text="example", include_retired=True)).total == 1


def test_approved_change_replaces_the_indexed_version(
    services: Services, keys: Keys, index: WhooshIndex
) -> None:
    entry_id = publish(services, keys)
    feeder = IndexFeeder(services.engine, index)
    feeder.catch_up()
    supplier = services.accounts.authenticate(keys.supplier)
    etag = services.entries.get(entry_id, supplier).etag
    services.entries.update(entry_id, an_entry(name="Renamed Gadget"), supplier, [etag])
    feeder.catch_up()
    assert found(index, "gadget") == []  # a proposal is not public

    services.entries.act(entry_id, "submit", supplier)
    services.entries.act(entry_id, "approve", services.accounts.authenticate(keys.reviewer))
    feeder.catch_up()

    assert found(index, "gadget") == [entry_id]


def test_rebuild_matches_catch_up(services: Services, keys: Keys, tmp_path: Path) -> None:
    for n in range(3):
        publish(services, keys, id=f"tool-{n}", name=f"Tool {n}")
    synonyms = Synonyms.load(SEED_DIR / "synonyms.yaml")
    followed = WhooshIndex(tmp_path / "a", synonyms)
    rebuilt = WhooshIndex(tmp_path / "b", synonyms)

    IndexFeeder(services.engine, followed).catch_up()
    count = IndexFeeder(services.engine, rebuilt).rebuild()

    assert count == 3
    assert sorted(found(followed, "tool")) == sorted(found(rebuilt, "tool"))
    assert followed.high_water() == rebuilt.high_water()


def test_ensure_fresh_rebuilds_an_index_from_another_database(
    services: Services, keys: Keys, index: WhooshIndex
) -> None:
    publish(services, keys)
    index.apply([], [], high_water=10_000)  # as if it followed a busier database

    outcome = IndexFeeder(services.engine, index).ensure_fresh(recreated=False)

    assert outcome.startswith("rebuilt")
    assert found(index, "example") == ["example-tool"]


def test_mark_waits_at_a_gap_then_gives_up_on_it(
    services: Services, keys: Keys, index: WhooshIndex
) -> None:
    now = [0.0]
    feeder = IndexFeeder(services.engine, index, clock=lambda: now[0])
    publish(services, keys)  # changes 1..3
    feeder.catch_up()
    with Session(services.engine) as session:  # 4 is taken by a transaction still open
        session.add(
            Change(
                seq=5, entry_id="example-tool", revision=3, state="published", created_at=utcnow()
            )
        )
        session.commit()

    feeder.catch_up()
    assert index.high_water() == 3

    now[0] = GAP_TIMEOUT + 1
    feeder.catch_up()
    assert index.high_water() == 5


def test_seed_then_catch_up_indexes_everything(seeded: Services, index: WhooshIndex) -> None:
    IndexFeeder(seeded.engine, index).catch_up()

    assert index.count() == seeded.entries.health()["entries"]["published"]
    assert "personal-demographics-service-fhir" in found(index, "personal demographics")


def test_operator_import_is_indexed(services: Services, index: WhooshIndex) -> None:
    from registry.importers.base import FileResult, Imported

    class One:
        name = "dpg"
        suffixes: tuple[str, ...] = (".json",)

        def parse(self, text: str, source: str) -> FileResult:
            return FileResult(entries=[Imported(an_entry(), source)])

    services.imports.run(One(), [("x", One().parse("", "x"))], apply=True, actor=OPERATOR)
    IndexFeeder(services.engine, index).catch_up()

    assert found(index, "example") == ["example-tool"]


def test_following_thread_merges_the_segments_that_writes_add(
    services: Services, keys: Keys, index: WhooshIndex
) -> None:
    feeder = IndexFeeder(services.engine, index)
    feeder.rebuild()
    for i in range(MERGE_SEGMENTS + 1):
        publish(services, keys, id=f"tool-{i}", name=f"Ward Tool {i}")
        feeder.catch_up()
    assert segments(index) > MERGE_SEGMENTS

    feeder.start(interval=0.01)
    deadline = time.monotonic() + 20
    while segments(index) > MERGE_SEGMENTS and time.monotonic() < deadline:
        time.sleep(0.05)
    feeder.stop()

    assert segments(index) <= 2
    assert sorted(found(index, "ward tool")) == [f"tool-{i}" for i in range(MERGE_SEGMENTS + 1)]


def segments(index: WhooshIndex) -> int:
    ix = whoosh_index.open_dir(str(index.folder), indexname=INDEX_NAME)
    try:
        return len(ix._segments())
    finally:
        ix.close()


def test_a_search_reads_the_feed_only_after_this_process_wrote(
    services: Services, keys: Keys
) -> None:
    search = services.open_search()
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    try:
        search.feeder.ensure_fresh(search.recreated)
        search.query(SearchQuery(text="nothing"))
        event.listen(services.engine, "before_cursor_execute", record)
        search.query(SearchQuery(text="nothing"))
        assert statements == []  # no write since the last search: no database round trip

        entry_id = publish(services, keys, name="Kestrel Rota Planner")
        statements.clear()

        assert [h.id for h in search.query(SearchQuery(text="kestrel")).hits] == [entry_id]
        assert statements  # this process wrote, so the search looked at the feed
    finally:
        event.remove(services.engine, "before_cursor_execute", record)
        search.close()


def test_a_rebuild_is_searchable_by_its_words_at_once_and_gets_its_meaning_after(
    seeded: Services, tmp_path: Path
) -> None:
    # A fresh encoder: one that already encoded the seed would give the rebuild vectors.
    index = WhooshIndex(
        tmp_path / "meaning", Synonyms.load(SEED_DIR / "synonyms.yaml"), encoder=Encoder()
    )
    feeder = IndexFeeder(seeded.engine, index)
    try:
        indexed = feeder.rebuild()

        assert len(index.lacking_meaning(1000)) == indexed
        assert "personal-demographics-service-fhir" in found(index, "personal demographics")
        assert found(index, "outbreakometer") == []  # no word, and no meaning yet

        steps = 0
        while feeder.backfill(limit=30):
            steps += 1
        assert steps == -(-indexed // 30)
        assert index.lacking_meaning(1000) == []
        assert found(index, "outbreakometer")[0] == "sormas"  # an outbreak manager
    finally:
        index.close()


def test_the_backfill_writes_what_the_database_holds_now(
    services: Services, keys: Keys, tmp_path: Path
) -> None:
    index = WhooshIndex(
        tmp_path / "meaning", Synonyms.load(SEED_DIR / "synonyms.yaml"), encoder=Encoder()
    )
    feeder = IndexFeeder(services.engine, index)
    try:
        entry_id = publish(services, keys, name="Ward Rota")
        feeder.rebuild()
        supplier = services.accounts.authenticate(keys.supplier)
        reviewer = services.accounts.authenticate(keys.reviewer)
        etag = services.entries.get(entry_id, supplier).etag
        services.entries.update(entry_id, an_entry(name="Shift Planner"), supplier, [etag])
        services.entries.act(entry_id, "submit", supplier)
        services.entries.act(entry_id, "approve", reviewer)

        assert feeder.backfill() == 1  # before the feed brings the change

        assert found(index, "planner") == [entry_id]
        assert found(index, "rota") == []
    finally:
        index.close()


def test_a_finished_backfill_leaves_one_segment(seeded: Services, tmp_path: Path) -> None:
    folder = tmp_path / "meaning"
    index = WhooshIndex(folder, Synonyms.load(SEED_DIR / "synonyms.yaml"), encoder=Encoder())
    feeder = IndexFeeder(seeded.engine, index)
    try:
        feeder.rebuild()
        while feeder.backfill(limit=20):
            index.merge(keep_first=True)

        ix = whoosh_index.open_dir(str(folder), indexname=INDEX_NAME)
        assert len(ix._segments()) == 1  # not left for the first writes to fold
        ix.close()
    finally:
        index.close()
