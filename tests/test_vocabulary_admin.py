"""The vocabulary service: terms of categories and care settings, synonym groups, their
rules and audit rows, and how a change to the groups reaches every instance's search."""

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from registry.auth import OPERATOR, Principal, PrincipalKind, Scope
from registry.db import make_engine, upgrade
from registry.errors import Forbidden, NotFound
from registry.models import AuditEvent, SynonymGroup
from registry.search import SearchQuery, Synonyms
from registry.seeding import read_source
from registry.settings import Settings
from registry.vocabularies import Term
from registry.vocabulary_admin import InvalidChange, TermInUse
from registry.wiring import Services, build_services
from tests.builders import SEED_DIR, an_entry
from tests.conftest import Keys

ADMIN = Principal(PrincipalKind.MAINTAINER, "Ada Admin", frozenset({Scope.ADMIN}), maintainer_id=1)
REVIEWER = Principal(
    PrincipalKind.MAINTAINER, "Rita Reviewer", frozenset({Scope.REVIEW}), maintainer_id=2
)
SEED_GROUPS = Synonyms.load(SEED_DIR / "synonyms.yaml").groups


def audit(services: Services, prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
    with Session(services.engine) as session:
        rows = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        return [(r.actor, r.action, r.detail) for r in rows if r.action.startswith(prefix)]


def stored_groups(services: Services) -> list[tuple[str, ...]]:
    with Session(services.engine) as session:
        rows = session.exec(select(SynonymGroup).order_by(col(SynonymGroup.id))).all()
        return [tuple(r.terms) for r in rows]


def labels(services: Services, name: str) -> dict[str, str]:
    return {t.id: t.label for t in services.entries.vocabulary(name).terms}


def publish(services: Services, keys: Keys, **overrides: Any) -> str:
    """An entry of the first supplier, submitted and approved; its id."""
    supplier = services.accounts.authenticate(keys.supplier)
    view = services.entries.create(an_entry(**overrides), supplier)
    services.entries.act(view.id, "submit", supplier)
    services.entries.act(view.id, "approve", services.accounts.authenticate(keys.reviewer))
    return view.id


# terms -------------------------------------------------------------------------------------
def test_an_added_term_is_listed_last_and_entries_may_use_it(seeded: Services, keys: Keys) -> None:
    term = seeded.vocabularies.add_term(
        "categories", " care-homes ", "  Care   homes ", " Homes with nursing. ", ADMIN
    )

    assert term == Term("care-homes", "Care homes", "Homes with nursing.")
    assert seeded.entries.vocabulary("categories").terms[-1] == term
    assert publish(seeded, keys, categories=["care-homes"]) == "example-tool"
    assert audit(seeded, "vocabulary.term") == [
        (
            ADMIN.label,
            "vocabulary.term.add",
            {"vocabulary": "categories", **term.as_dict()},
        )
    ]


def test_a_term_can_be_added_to_a_vocabulary_never_seeded(services: Services) -> None:
    services.vocabularies.add_term("care-settings", "hospice", "Hospice", "", ADMIN)

    vocabulary = services.entries.vocabulary("care-settings")
    assert (vocabulary.title, vocabulary.ids()) == ("Care settings", frozenset({"hospice"}))


@pytest.mark.parametrize(
    ("term_id", "label", "description", "field", "message"),
    [
        ("", "Care homes", "", "id", "Enter an id"),
        ("Care-Homes", "Care homes", "", "id", "lower-case letters"),
        ("x", "Care homes", "", "id", "2 to 63"),
        ("care_homes", "Care homes", "", "id", "hyphens"),
        ("-care", "Care homes", "", "id", "starting with"),
        ("a" * 64, "Care homes", "", "id", "2 to 63"),
        ("terminology", "Care homes", "", "id", "already a term with the id terminology"),
        ("care-homes", "", "", "label", "Enter a label"),
        ("care-homes", "x" * 201, "", "label", "200 characters or fewer"),
        ("care-homes", "Bad\x00label", "", "label", "one line"),
        ("care-homes", "terminology", "", "label", "terminology already has this label"),
        ("care-homes", "Care homes", "x" * 1001, "description", "1000 characters or fewer"),
        ("care-homes", "Care homes", "bell\x07", "description", "plain text"),
    ],
)
def test_an_invalid_term_is_refused_and_nothing_is_stored(
    seeded: Services, term_id: str, label: str, description: str, field: str, message: str
) -> None:
    before = seeded.entries.vocabulary("categories")

    with pytest.raises(InvalidChange) as caught:
        seeded.vocabularies.add_term("categories", term_id, label, description, ADMIN)

    assert message in caught.value.errors[field]
    assert seeded.entries.vocabulary("categories") == before
    assert audit(seeded, "vocabulary.term") == []


def test_every_problem_with_a_term_is_reported_at_once(seeded: Services) -> None:
    with pytest.raises(InvalidChange) as caught:
        seeded.vocabularies.add_term("categories", "Bad Id", "", "x" * 1001, ADMIN)

    assert set(caught.value.errors) == {"id", "label", "description"}


def test_only_categories_and_care_settings_are_edited_as_terms(seeded: Services) -> None:
    for name in ("standards", "synonyms", "nope"):
        with pytest.raises(NotFound):
            seeded.vocabularies.add_term(name, "new-term", "New", "", ADMIN)
        with pytest.raises(NotFound):
            seeded.vocabularies.terms(name)


def test_reviewers_cannot_change_vocabularies(seeded: Services) -> None:
    with pytest.raises(Forbidden):
        seeded.vocabularies.add_term("categories", "care-homes", "Care homes", "", REVIEWER)
    with pytest.raises(Forbidden):
        seeded.vocabularies.remove_term("categories", "terminology", REVIEWER)
    with pytest.raises(Forbidden):
        seeded.vocabularies.add_group(["zebra", "horse"], REVIEWER)

    assert audit(seeded, "vocabulary.term") == audit(seeded, "synonyms.group") == []


def test_editing_a_term_changes_its_label_and_description_not_its_id(seeded: Services) -> None:
    old = next(t for t in seeded.entries.vocabulary("categories").terms if t.id == "terminology")

    term = seeded.vocabularies.update_term(
        "categories", "terminology", "Clinical terminology", "Code systems.", ADMIN
    )

    assert term == Term("terminology", "Clinical terminology", "Code systems.")
    assert labels(seeded, "categories")["terminology"] == "Clinical terminology"
    assert audit(seeded, "vocabulary.term") == [
        (
            ADMIN.label,
            "vocabulary.term.update",
            {
                "vocabulary": "categories",
                "term": "terminology",
                "before": {"label": old.label, "description": old.description},
                "after": {"label": "Clinical terminology", "description": "Code systems."},
            },
        )
    ]


def test_saving_a_term_unchanged_writes_no_audit_row(seeded: Services) -> None:
    old = next(t for t in seeded.entries.vocabulary("categories").terms if t.id == "terminology")

    seeded.vocabularies.update_term("categories", old.id, old.label, old.description, ADMIN)

    assert audit(seeded, "vocabulary.term") == []


def test_editing_an_unknown_term_is_not_found(seeded: Services) -> None:
    with pytest.raises(NotFound):
        seeded.vocabularies.update_term("categories", "no-such-term", "X", "", ADMIN)
    with pytest.raises(NotFound):
        seeded.vocabularies.remove_term("categories", "no-such-term", ADMIN)


def test_an_unused_term_is_removed(seeded: Services) -> None:
    seeded.vocabularies.add_term("categories", "care-homes", "Care homes", "", ADMIN)

    removed = seeded.vocabularies.remove_term("categories", "care-homes", ADMIN)

    assert removed.id == "care-homes"
    assert "care-homes" not in labels(seeded, "categories")
    assert [a for _, a, _ in audit(seeded, "vocabulary.term")] == [
        "vocabulary.term.add",
        "vocabulary.term.remove",
    ]


def test_usage_counts_entries_in_every_state(seeded: Services, keys: Keys) -> None:
    seeded.vocabularies.add_term("care-settings", "hospice", "Hospice", "", ADMIN)
    supplier = seeded.accounts.authenticate(keys.supplier)
    seeded.entries.create(an_entry(id="draft-one", care_settings=["hospice"]), supplier)

    before = {u.term.id: u.entries for u in seeded.vocabularies.terms("care-settings")}
    publish(seeded, keys, id="published-one", care_settings=["hospice", "pharmacy"])

    usage = {u.term.id: u.entries for u in seeded.vocabularies.terms("care-settings")}
    assert usage == {**before, "hospice": 2, "pharmacy": before["pharmacy"] + 1}


@pytest.mark.parametrize("how", ["published", "draft", "proposal"])
def test_a_term_in_use_cannot_be_removed(seeded: Services, keys: Keys, how: str) -> None:
    seeded.vocabularies.add_term("categories", "care-homes", "Care homes", "", ADMIN)
    supplier = seeded.accounts.authenticate(keys.supplier)
    if how == "draft":
        seeded.entries.create(an_entry(categories=["care-homes"]), supplier)
    elif how == "published":
        publish(seeded, keys, categories=["care-homes"])
    else:
        entry_id = publish(seeded, keys)
        etag = seeded.entries.get(entry_id, supplier).etag
        seeded.entries.update(entry_id, an_entry(categories=["care-homes"]), supplier, [etag])

    with pytest.raises(TermInUse) as caught:
        seeded.vocabularies.remove_term("categories", "care-homes", ADMIN)

    assert caught.value.entries == 1
    assert "1 entry uses it" in caught.value.detail
    assert "care-homes" in labels(seeded, "categories")
    assert [a for _, a, _ in audit(seeded, "vocabulary.term")] == ["vocabulary.term.add"]


# synonym groups ----------------------------------------------------------------------------
def test_seeding_stores_the_seed_files_groups(seeded: Services) -> None:
    current = seeded.vocabularies.synonym_groups()

    assert current.stored
    assert tuple(g.terms for g in current.groups) == SEED_GROUPS
    assert stored_groups(seeded) == list(SEED_GROUPS)
    assert [(a, d) for _, a, d in audit(seeded, "synonyms")] == [
        ("synonyms.seed", {"groups": len(SEED_GROUPS)})
    ]


def test_seeding_again_never_brings_back_removed_groups(seeded: Services) -> None:
    for group in seeded.vocabularies.synonym_groups().groups:
        seeded.vocabularies.remove_group(group.id, ADMIN)

    result = seeded.seeder.load(read_source(SEED_DIR), OPERATOR)

    assert result.synonym_groups == 0
    assert seeded.vocabularies.synonym_groups().groups == []
    assert seeded.vocabularies.synonym_groups().stored


def test_seeding_again_stores_new_groups_of_the_seed_file(seeded: Services) -> None:
    source = read_source(SEED_DIR)
    extra = (("zebra crossing", "pelican crossing"), ("a&e", "casualty"))
    grown = replace(source, synonym_groups=(*SEED_GROUPS, *extra))

    result = seeded.seeder.load(grown, OPERATOR)

    assert result.synonym_groups == 1  # "a&e" is already in a stored group
    assert stored_groups(seeded) == [*SEED_GROUPS, ("zebra crossing", "pelican crossing")]


def test_seeding_again_never_brings_back_a_term_removed_from_a_group(seeded: Services) -> None:
    group = next(g for g in seeded.vocabularies.synonym_groups().groups if "ooh" in g.terms)
    seeded.vocabularies.update_group(group.id, ["out of hours", "after hours"], ADMIN)
    source = read_source(SEED_DIR)
    grown = replace(source, synonym_groups=(*SEED_GROUPS, ("ooh", "out-of-hours service")))

    result = seeded.seeder.load(grown, OPERATOR)

    assert result.synonym_groups == 0
    assert not any("ooh" in g for g in stored_groups(seeded))


def test_an_added_group_is_stored_and_audited(seeded: Services) -> None:
    group = seeded.vocabularies.add_group(["  Zebra  Crossing ", "", "Pelican crossing"], ADMIN)

    assert group.terms == ("zebra crossing", "pelican crossing")
    assert stored_groups(seeded)[-1] == group.terms
    assert audit(seeded, "synonyms.group") == [
        (
            ADMIN.label,
            "synonyms.group.add",
            {"group": group.id, "terms": ["zebra crossing", "pelican crossing"]},
        )
    ]


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ([], "at least two terms"),
        (["zebra", "  "], "at least two terms"),
        (["zebra", "x" * 101], "longer than 100 characters"),
        (["zebra", "Zebra"], "'zebra' is given twice"),
        (["zebra", "the"], "no word that search can match"),
        (["zebra", "a b c d e f g h i"], "more than 8 words"),
        (["zebra", "bell\x07"], "control character"),
        ([f"term{i}" for i in range(21)], "at most 20 terms"),
        (["zebra", "GP"], "'gp' is already in the group gp, general practice"),
        (["zebra", "general practices"], "already in the group gp"),
    ],
)
def test_an_invalid_group_is_refused_and_nothing_changes(
    seeded: Services, terms: list[str], message: str
) -> None:
    with pytest.raises(InvalidChange) as caught:
        seeded.vocabularies.add_group(terms, ADMIN)

    assert message in caught.value.errors["terms"]
    assert stored_groups(seeded) == list(SEED_GROUPS)
    assert audit(seeded, "synonyms.group") == []


def test_the_number_of_groups_is_limited(seeded: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("registry.vocabulary_admin.MAX_GROUPS", len(SEED_GROUPS))

    with pytest.raises(InvalidChange) as caught:
        seeded.vocabularies.add_group(["zebra", "horse"], ADMIN)

    assert f"at most {len(SEED_GROUPS)} groups" in caught.value.errors["terms"]


def test_a_group_is_edited_and_may_keep_its_own_terms(seeded: Services) -> None:
    group = seeded.vocabularies.add_group(["zebra", "horse"], ADMIN)

    edited = seeded.vocabularies.update_group(group.id, ["Zebra", "striped horse"], ADMIN)

    assert edited.terms == ("zebra", "striped horse")
    assert stored_groups(seeded)[-1] == ("zebra", "striped horse")
    assert audit(seeded, "synonyms.group.update") == [
        (
            ADMIN.label,
            "synonyms.group.update",
            {"group": group.id, "before": ["zebra", "horse"], "after": ["zebra", "striped horse"]},
        )
    ]


def test_an_edit_may_not_take_another_groups_term(seeded: Services) -> None:
    group = seeded.vocabularies.add_group(["zebra", "horse"], ADMIN)

    with pytest.raises(InvalidChange) as caught:
        seeded.vocabularies.update_group(group.id, ["zebra", "a&e"], ADMIN)

    assert "already in the group a&e" in caught.value.errors["terms"]
    assert stored_groups(seeded)[-1] == ("zebra", "horse")


def test_a_group_is_removed(seeded: Services) -> None:
    group = seeded.vocabularies.add_group(["zebra", "horse"], ADMIN)

    seeded.vocabularies.remove_group(group.id, ADMIN)

    assert stored_groups(seeded) == list(SEED_GROUPS)
    assert audit(seeded, "synonyms.group.remove") == [
        (ADMIN.label, "synonyms.group.remove", {"group": group.id, "terms": ["zebra", "horse"]})
    ]
    with pytest.raises(NotFound):
        seeded.vocabularies.remove_group(group.id, ADMIN)
    with pytest.raises(NotFound):
        seeded.vocabularies.update_group(group.id, ["zebra", "horse"], ADMIN)


def test_until_groups_are_stored_the_seed_files_apply(services: Services) -> None:
    current = services.vocabularies.synonym_groups()

    assert (current.stored, current.groups, current.defaults) == (False, [], SEED_GROUPS)
    assert ("paediatric", "pediatric") in services.vocabularies.spellings()


def test_the_first_change_stores_the_seed_files_groups_first(services: Services) -> None:
    group = services.vocabularies.add_group(["zebra", "horse"], ADMIN)

    assert stored_groups(services) == [*SEED_GROUPS, group.terms]
    assert [a for _, a, _ in audit(services, "synonyms")] == ["synonyms.seed", "synonyms.group.add"]


def test_a_refused_first_change_stores_nothing(services: Services) -> None:
    with pytest.raises(InvalidChange):
        services.vocabularies.add_group(["gp", "horse"], ADMIN)

    assert stored_groups(services) == []
    assert not services.vocabularies.synonym_groups().stored


def test_storing_the_seed_files_groups_happens_once(services: Services) -> None:
    assert services.vocabularies.store_defaults(ADMIN) == len(SEED_GROUPS)
    assert services.vocabularies.store_defaults(ADMIN) == 0

    assert stored_groups(services) == list(SEED_GROUPS)


# how a change reaches search ----------------------------------------------------------------
def found(services_search: Any, text: str) -> list[str]:
    return [h.id for h in services_search.query(SearchQuery(text=text)).hits]


def instance(services: Services, tmp_path: Path, name: str) -> Services:
    """Another instance on the same database, with its own index folder."""
    return build_services(Settings(data_dir=tmp_path / name), services.engine)


def test_a_group_change_reaches_this_and_other_instances(seeded: Services, tmp_path: Path) -> None:
    here = seeded.open_search()
    other = instance(seeded, tmp_path, "other").open_search()
    try:
        for search in (here, other):
            search.feeder.ensure_fresh(search.recreated)
        assert found(here, "zubrowka") == found(other, "zubrowka") == []

        group = seeded.vocabularies.add_group(["zubrowka", "sormas"], ADMIN)
        assert here.feeder.sync_synonyms()

        assert found(here, "zubrowka") == ["sormas"]
        assert found(other, "zubrowka") == []  # until its feeder polls
        other.feeder.poll()
        assert found(other, "zubrowka") == ["sormas"]
        assert not other.feeder.sync_synonyms()  # nothing new

        late = instance(seeded, tmp_path, "late").open_search()
        try:
            late.feeder.ensure_fresh(late.recreated)
            assert found(late, "zubrowka") == ["sormas"]  # read at start
        finally:
            late.close()

        seeded.vocabularies.remove_group(group.id, ADMIN)
        here.feeder.poll()
        other.feeder.poll()
        assert found(here, "zubrowka") == found(other, "zubrowka") == []
    finally:
        here.close()
        other.close()


def test_search_uses_the_seed_files_groups_until_groups_are_stored(
    services: Services, keys: Keys
) -> None:
    publish(services, keys, summary="Triage in the emergency department.")
    search = services.open_search()
    try:
        search.feeder.ensure_fresh(search.recreated)
        assert found(search, "a&e") == ["example-tool"]

        services.vocabularies.update_group(
            services.vocabularies.add_group(["zebra", "horse"], ADMIN).id, ["zebra", "mule"], ADMIN
        )
        group = next(g for g in services.vocabularies.synonym_groups().groups if "a&e" in g.terms)
        services.vocabularies.remove_group(group.id, ADMIN)
        search.feeder.poll()

        assert found(search, "a&e") == []
    finally:
        search.close()


def test_another_instance_following_the_feed_picks_a_change_up_by_itself(
    seeded: Services, tmp_path: Path
) -> None:
    other = instance(seeded, tmp_path, "other").open_search()
    try:
        other.feeder.ensure_fresh(other.recreated)
        other.feeder.start(interval=0.05)

        seeded.vocabularies.add_group(["zubrowka", "sormas"], ADMIN)

        deadline = time.monotonic() + 5
        while not found(other, "zubrowka") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert found(other, "zubrowka") == ["sormas"]
    finally:
        other.close()


def test_a_database_from_before_stored_groups_searches_with_the_files(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0003")
    services = build_services(Settings(data_dir=tmp_path / "data"), engine)
    search = services.open_search()
    try:
        assert search.index.synonyms.groups == SEED_GROUPS  # type: ignore[attr-defined]
        assert search.feeder.synonyms is None
        assert not search.feeder.sync_synonyms()
    finally:
        search.close()
        services.close()
