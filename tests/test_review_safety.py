"""Defects found in review, each pinned by a test: nothing unreviewed becomes public and no
approved change silently undoes another."""

from pathlib import Path

import pytest

from registry.errors import Conflict, NotFound, TransitionNotAllowed
from registry.repository import EntryFilter
from registry.wiring import Services
from tests.builders import an_entry
from tests.conftest import Keys
from tests.test_services import published, who


def test_a_draft_cannot_be_merged_so_it_never_becomes_public(
    services: Services, keys: Keys
) -> None:
    keep = published(services, keys, id="keep-me", name="Keep Me")
    services.entries.create(
        an_entry(id="secret-draft", description="Confidential plan"), who(services, keys.supplier)
    )

    with pytest.raises(TransitionNotAllowed):
        services.entries.merge("secret-draft", keep, who(services, keys.reviewer), "dup")

    with pytest.raises(NotFound):
        services.entries.revisions("secret-draft", None)


def test_merging_twice_is_refused_not_a_crash(services: Services, keys: Keys) -> None:
    keep = published(services, keys, id="keep-me", name="Keep Me")
    dup = published(services, keys, id="dup-entry", name="Dup")
    reviewer = who(services, keys.reviewer)
    services.entries.merge(dup, keep, reviewer, "dup")

    with pytest.raises(TransitionNotAllowed):
        services.entries.merge(dup, keep, reviewer, "again")


@pytest.mark.parametrize("action", ["deprecate", "retire"])
def test_retiring_or_deprecating_closes_a_pending_proposal(
    services: Services, keys: Keys, action: str
) -> None:
    entry_id = published(services, keys)
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    etag = services.entries.get(entry_id, supplier).etag
    services.entries.update(entry_id, an_entry(status="live", name="Proposed"), supplier, [etag])
    services.entries.act(entry_id, "submit", supplier)

    view = services.entries.act(entry_id, action, reviewer, "End of life")

    assert view.pending is None
    with pytest.raises(TransitionNotAllowed):
        services.entries.act(entry_id, "approve", reviewer)
    assert services.entries.get(entry_id, None).document["name"] == "Example Tool"


def test_approving_a_stale_proposal_is_refused(services: Services, keys: Keys) -> None:
    entry_id = published(services, keys)
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    etag = services.entries.get(entry_id, supplier).etag
    services.entries.update(entry_id, an_entry(summary="Supplier's words."), supplier, [etag])
    etag = services.entries.get(entry_id, reviewer).etag
    services.entries.update(entry_id, an_entry(name="Name Fixed By Maintainer"), reviewer, [etag])
    services.entries.act(entry_id, "submit", supplier)

    with pytest.raises(Conflict):
        services.entries.act(entry_id, "approve", reviewer)

    assert services.entries.get(entry_id, None).document["name"] == "Name Fixed By Maintainer"


def test_maintainer_cannot_edit_under_a_submitted_proposal(services: Services, keys: Keys) -> None:
    entry_id = published(services, keys)
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    etag = services.entries.get(entry_id, supplier).etag
    services.entries.update(entry_id, an_entry(summary="Supplier's words."), supplier, [etag])
    services.entries.act(entry_id, "submit", supplier)
    etag = services.entries.get(entry_id, reviewer).etag

    with pytest.raises(TransitionNotAllowed):
        services.entries.update(entry_id, an_entry(name="Maintainer"), reviewer, [etag])


def test_a_proposal_does_not_change_the_public_updated_time(services: Services, keys: Keys) -> None:
    entry_id = published(services, keys)
    supplier = who(services, keys.supplier)
    before = services.entries.get(entry_id, None).updated_at
    etag = services.entries.get(entry_id, supplier).etag

    services.entries.update(entry_id, an_entry(summary="Not yet public."), supplier, [etag])
    services.entries.act(entry_id, "submit", supplier)

    assert services.entries.get(entry_id, None).updated_at == before


def test_deprecated_entries_take_no_supplier_proposals(services: Services, keys: Keys) -> None:
    entry_id = published(services, keys)
    services.entries.act(entry_id, "deprecate", who(services, keys.reviewer), "Old")
    supplier = who(services, keys.supplier)
    etag = services.entries.get(entry_id, supplier).etag

    with pytest.raises(TransitionNotAllowed):
        services.entries.update(entry_id, an_entry(name="Revived"), supplier, [etag])


def test_validate_does_not_reveal_a_draft_id(services: Services, keys: Keys) -> None:
    services.entries.create(an_entry(id="hidden-draft"), who(services, keys.supplier))

    report = services.entries.validate(an_entry(id="hidden-draft"))

    assert report.issues == []
    page = services.entries.list_entries(EntryFilter(), 1, 20, None)
    assert page.total == 0


def test_reimport_does_not_undo_a_maintainers_deprecation(
    services: Services, keys: Keys, tmp_path: Path
) -> None:
    from tests.test_importing import corpus, run

    imported = an_entry(provenance={"format": "dpg", "source": "x"})
    folder = corpus(tmp_path, imported)
    run(services, folder, apply=True)
    services.entries.act("example-tool", "deprecate", who(services, keys.reviewer), "Old")

    report = run(services, folder, apply=True)

    assert report.counts["kept"] == 1
    view = services.entries.get("example-tool", None)
    assert view.state == "deprecated"
    assert view.document["status"] == "deprecated"


def test_import_never_publishes_over_an_entry_in_review(
    services: Services, keys: Keys, tmp_path: Path
) -> None:
    from tests.test_importing import corpus, run

    services.entries.create(an_entry(description="Draft words"), who(services, keys.supplier))

    report = run(services, corpus(tmp_path, an_entry(description="Imported words")), apply=True)

    assert report.counts["created"] == report.counts["updated"] == 0
    with pytest.raises(NotFound):
        services.entries.get("example-tool", None)


def test_feeder_does_not_reapply_changes_behind_an_open_gap(
    services: Services, keys: Keys, tmp_path: Path
) -> None:
    from sqlmodel import Session

    from registry.indexing import IndexFeeder
    from registry.models import Change, utcnow
    from registry.search import Synonyms, WhooshIndex
    from tests.builders import SEED_DIR

    index = WhooshIndex(tmp_path / "index", Synonyms.load(SEED_DIR / "synonyms.yaml"))
    feeder = IndexFeeder(services.engine, index, clock=lambda: 0.0)
    published(services, keys)
    with Session(services.engine) as session:  # number 4 is held by an open transaction
        for seq in range(5, 8):
            session.add(
                Change(
                    seq=seq,
                    entry_id="example-tool",
                    revision=3,
                    state="published",
                    created_at=utcnow(),
                )
            )
        session.commit()

    assert feeder.catch_up() == 1
    assert feeder.catch_up() == 0  # nothing new: the entries after the gap are not re-applied
    assert index.high_water() == 3
