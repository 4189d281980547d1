"""Seed content: loads, is idempotent, and round-trips through export."""

from pathlib import Path

import pytest

from registry.auth import OPERATOR
from registry.documents import dump_json, dump_yaml, read_file
from registry.seeding import SeedError, read_source
from registry.validation import EntryValidator
from registry.vocabularies import VocabularySet
from registry.wiring import Services, build_services
from tests.builders import SCHEMAS_DIR, SEED_DIR, a_standard, an_entry, write


def test_seed_content_is_valid_and_large_enough() -> None:
    source = read_source(SEED_DIR)
    reports = EntryValidator.from_dir(SCHEMAS_DIR).validate_batch(
        [d for _, d in source.entries], VocabularySet.build(source.vocabularies, {})
    )

    problems = [(w, i) for (w, _), r in zip(source.entries, reports, strict=True) for i in r.errors]
    assert problems == []
    assert len(source.entries) >= 60
    kinds = {d["kind"] for _, d in source.entries}
    assert {"api", "standard", "software"} <= kinds


def test_seed_loads_and_publishes_everything(services: Services) -> None:
    result = services.seeder.load(read_source(SEED_DIR), OPERATOR)

    assert result.created >= 60
    health = services.entries.health()
    assert health["entries"] == {"published": result.created}


def test_seed_twice_changes_nothing(services: Services) -> None:
    first = services.seeder.load(read_source(SEED_DIR), OPERATOR)
    revisions = services.entries.health()["revisions"]

    second = services.seeder.load(read_source(SEED_DIR), OPERATOR)

    assert second.created == second.updated == 0
    assert second.unchanged == first.created
    assert services.entries.health()["revisions"] == revisions


def test_seed_updates_a_changed_entry_with_a_new_revision(
    services: Services, tmp_path: Path
) -> None:
    folder = tmp_path / "seed"
    write(folder / "entries" / "a.yaml", dump_yaml({"entries": [an_entry()]}))
    services.seeder.load(read_source(folder), OPERATOR)
    write(folder / "entries" / "a.yaml", dump_yaml({"entries": [an_entry(name="Renamed")]}))

    result = services.seeder.load(read_source(folder), OPERATOR)

    assert result.updated == 1
    assert services.entries.get("example-tool", None).document["name"] == "Renamed"
    assert len(services.entries.revisions("example-tool", None)) == 2


def test_invalid_seed_writes_nothing(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "seed"
    entries = [an_entry(), an_entry(id="broken", licence="Nope")]
    write(folder / "entries" / "a.yaml", dump_yaml({"entries": entries}))

    with pytest.raises(SeedError) as caught:
        services.seeder.load(read_source(folder), OPERATOR)

    assert "/licence" in str(caught.value)
    assert services.entries.health()["entries"] == {}


def test_malformed_seed_file_is_reported_by_name(tmp_path: Path) -> None:
    bad = write(tmp_path / "seed" / "entries" / "bad.yaml", "entries: [unclosed")

    with pytest.raises(SeedError) as caught:
        read_source(tmp_path / "seed")

    assert str(bad) in str(caught.value)


def test_standards_in_the_same_seed_satisfy_references(services: Services, tmp_path: Path) -> None:
    document = {"entries": [an_entry(standards=[{"id": "hl7-fhir-r4"}]), a_standard()]}
    path = write(tmp_path / "one.json", dump_json(document))

    result = services.seeder.load(read_source(path), OPERATOR)

    assert result.created == 2


def test_export_then_seed_into_empty_database_gives_same_entries(
    seeded: Services, tmp_path: Path
) -> None:
    exported = seeded.seeder.export()
    path = write(tmp_path / "export.yaml", dump_yaml(exported))
    fresh = build_services(seeded.settings, _fresh_engine(tmp_path))

    fresh.seeder.load(read_source(path), OPERATOR)

    assert fresh.seeder.export() == exported
    assert read_file(path) == exported
    fresh.close()


def _fresh_engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    from registry.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine)
    return engine
