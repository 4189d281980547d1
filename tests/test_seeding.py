"""Seed content: loads, is idempotent, and round-trips through export."""

from pathlib import Path

import pytest

from registry.auth import OPERATOR, Principal
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
    assert exported["synonyms"]["groups"]  # the stored synonym groups travel too
    fresh.close()


def _fresh_engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    from registry.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine)
    return engine


def test_seeding_again_keeps_what_maintainers_changed_in_the_vocabularies(
    seeded: Services,
) -> None:
    admin = who_admin(seeded)
    first = seeded.entries.vocabulary("categories").terms[0]
    seeded.vocabularies.update_term("categories", first.id, "Renamed by a maintainer", "", admin)
    seeded.vocabularies.add_term("categories", "added-by-hand", "Added by hand", "", admin)

    result = seeded.seeder.load(read_source(SEED_DIR), OPERATOR)

    terms = {t.id: t.label for t in seeded.entries.vocabulary("categories").terms}
    assert terms[first.id] == "Renamed by a maintainer"
    assert terms["added-by-hand"] == "Added by hand"
    assert result.vocabularies == 0


def test_seeding_adds_new_terms_of_the_seed_to_a_stored_vocabulary(
    seeded: Services, tmp_path: Path
) -> None:
    before = seeded.entries.vocabulary("care-settings").terms
    document = {
        "vocabularies": [
            {
                "name": "care-settings",
                "title": "Care settings",
                "terms": [{"id": "space-station", "label": "Space station"}],
            }
        ]
    }

    result = seeded.seeder.load(read_source(write(tmp_path / "v.json", dump_json(document))))

    after = seeded.entries.vocabulary("care-settings").terms
    assert result.vocabularies == 1
    assert after[: len(before)] == before
    assert after[-1].id == "space-station"


def who_admin(services: Services) -> Principal:
    token = services.accounts.create_key(scopes=["admin"], maintainer="Ada", actor=OPERATOR).token
    return services.accounts.authenticate(token)


def test_seeding_does_not_bring_back_a_term_a_maintainer_removed(
    seeded: Services, tmp_path: Path
) -> None:
    document = {
        "vocabularies": [
            {
                "name": "care-settings",
                "title": "Care settings",
                "terms": [{"id": "space-station", "label": "Space station"}],
            }
        ]
    }
    source = write(tmp_path / "v.json", dump_json(document))
    seeded.seeder.load(read_source(source))
    seeded.vocabularies.remove_term("care-settings", "space-station", who_admin(seeded))

    result = seeded.seeder.load(read_source(source))

    assert "space-station" not in seeded.entries.vocabulary("care-settings").ids()
    assert result.vocabularies == 0
