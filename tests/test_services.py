"""Entry use cases: drafts, review, pending revisions, history, audit and change feed."""

import pytest
from sqlmodel import Session, col, select

from registry.auth import OPERATOR, Principal
from registry.errors import (
    Conflict,
    Forbidden,
    InvalidEntry,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    TransitionNotAllowed,
    Unauthenticated,
)
from registry.models import AuditEvent, Change, Entry, Revision
from registry.repository import EntryFilter
from registry.services import entry_etag
from registry.wiring import Services
from tests.builders import a_standard, an_entry
from tests.conftest import Keys


def who(services: Services, token: str) -> Principal:
    return services.accounts.authenticate(token)


def published(services: Services, keys: Keys, **overrides: object) -> str:
    """Create, submit and approve an entry of the first supplier; return its id."""
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    view = services.entries.create(an_entry(**overrides), supplier)
    services.entries.act(view.id, "submit", supplier)
    services.entries.act(view.id, "approve", reviewer)
    return view.id


def rows(services: Services, model: type[Revision] | type[Change] | type[AuditEvent]) -> list:  # type: ignore[type-arg]
    with Session(services.engine) as session:
        return list(session.exec(select(model)).all())


def test_create_stores_a_draft_with_first_revision(services: Services, keys: Keys) -> None:
    view = services.entries.create(an_entry(), who(services, keys.supplier), "first")

    assert view.state == "draft"
    assert view.supplier == "Acme Health"
    revisions = services.entries.revisions("example-tool", who(services, keys.supplier))
    assert [(r.number, r.action, r.reason) for r in revisions] == [(1, "create", "first")]
    assert revisions[0].author.startswith("supplier:Acme Health")


def test_create_refuses_an_invalid_document_and_stores_nothing(
    services: Services, keys: Keys
) -> None:
    with pytest.raises(InvalidEntry) as caught:
        services.entries.create(
            an_entry(licence="Other", kind="gadget"), who(services, keys.supplier)
        )

    assert {i.path for i in caught.value.issues} == {"/licence", "/kind"}
    assert rows(services, Revision) == []
    assert rows(services, Change) == []


def test_create_refuses_a_taken_id(services: Services, keys: Keys) -> None:
    services.entries.create(an_entry(), who(services, keys.supplier))

    with pytest.raises(Conflict):
        services.entries.create(an_entry(), who(services, keys.other_supplier))


def test_create_needs_a_principal(services: Services) -> None:
    with pytest.raises(Unauthenticated):
        services.entries.create(an_entry(), None)


def test_draft_is_invisible_to_the_public_and_other_suppliers(
    services: Services, keys: Keys
) -> None:
    services.entries.create(an_entry(), who(services, keys.supplier))

    for principal in (None, who(services, keys.other_supplier)):
        with pytest.raises(NotFound):
            services.entries.get("example-tool", principal)
    assert services.entries.get("example-tool", who(services, keys.reviewer)).state == "draft"


def test_review_publishes_and_the_public_sees_it(services: Services, keys: Keys) -> None:
    entry_id = published(services, keys)

    view = services.entries.get(entry_id, None)
    assert view.state == "published"
    assert view.published_at is not None
    page = services.entries.list_entries(EntryFilter(), 1, 20, None)
    assert [e.id for e in page.items] == [entry_id]


def test_supplier_cannot_approve_its_own_entry(services: Services, keys: Keys) -> None:
    supplier = who(services, keys.supplier)
    services.entries.create(an_entry(), supplier)
    services.entries.act("example-tool", "submit", supplier)

    with pytest.raises(Forbidden):
        services.entries.act("example-tool", "approve", supplier)


def test_other_supplier_cannot_edit_or_submit_a_published_entry(
    services: Services, keys: Keys
) -> None:
    entry_id = published(services, keys)
    other = who(services, keys.other_supplier)
    etag = services.entries.get(entry_id, other).etag

    with pytest.raises(Forbidden):
        services.entries.update(entry_id, an_entry(name="Hijacked"), other, [etag])
    with pytest.raises(Forbidden):
        services.entries.act(entry_id, "submit", other)
    assert services.entries.get(entry_id, None).document["name"] == "Example Tool"


def test_invalid_transition_lists_allowed_actions(services: Services, keys: Keys) -> None:
    services.entries.create(an_entry(), who(services, keys.supplier))

    with pytest.raises(TransitionNotAllowed) as caught:
        services.entries.act("example-tool", "approve", who(services, keys.reviewer))

    assert caught.value.state == "draft"
    assert caught.value.allowed == ["submit"]


@pytest.mark.parametrize("action", ["request-changes", "reject"])
def test_review_refusals_need_a_reason(services: Services, keys: Keys, action: str) -> None:
    supplier = who(services, keys.supplier)
    services.entries.create(an_entry(), supplier)
    services.entries.act("example-tool", "submit", supplier)

    with pytest.raises(InvalidEntry) as caught:
        services.entries.act("example-tool", action, who(services, keys.reviewer), "  ")

    assert caught.value.issues[0].path == "/reason"


def test_request_changes_then_resubmit_then_approve(services: Services, keys: Keys) -> None:
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    services.entries.create(an_entry(), supplier)
    services.entries.act("example-tool", "submit", supplier)
    services.entries.act("example-tool", "request-changes", reviewer, "Add a homepage")
    etag = services.entries.get("example-tool", supplier).etag
    services.entries.update(
        "example-tool", an_entry(urls={"homepage": "https://example.org"}), supplier, [etag]
    )
    services.entries.act("example-tool", "submit", supplier)
    view = services.entries.act("example-tool", "approve", reviewer)

    assert view.state == "published"
    assert view.document["urls"] == {"homepage": "https://example.org"}
    actions = [r.action for r in services.entries.revisions("example-tool", supplier)]
    assert actions == ["create", "submit", "request-changes", "update", "submit", "approve"]


def test_pending_revision_does_not_replace_published_until_approved(
    services: Services, keys: Keys
) -> None:
    entry_id = published(services, keys)
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    etag = services.entries.get(entry_id, supplier).etag

    own_view = services.entries.update(entry_id, an_entry(name="Example Tool 2"), supplier, [etag])
    assert own_view.pending is not None
    assert own_view.pending.document is not None
    assert own_view.pending.document["name"] == "Example Tool 2"
    assert services.entries.get(entry_id, None).document["name"] == "Example Tool"
    assert services.entries.get(entry_id, None).pending is None  # not shown to the public

    services.entries.act(entry_id, "submit", supplier)
    assert services.entries.get(entry_id, None).document["name"] == "Example Tool"

    services.entries.act(entry_id, "approve", reviewer)
    public = services.entries.get(entry_id, None)
    assert public.document["name"] == "Example Tool 2"
    assert public.state == "published"
    assert services.entries.get(entry_id, supplier).pending is None


def test_rejected_proposal_leaves_published_version(services: Services, keys: Keys) -> None:
    entry_id = published(services, keys)
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    etag = services.entries.get(entry_id, supplier).etag
    services.entries.update(entry_id, an_entry(name="Worse Name"), supplier, [etag])
    services.entries.act(entry_id, "submit", supplier)

    view = services.entries.act(entry_id, "reject", reviewer, "Name is misleading")

    assert view.state == "published"
    assert view.document["name"] == "Example Tool"
    assert view.pending is None


def test_proposal_under_review_cannot_be_edited(services: Services, keys: Keys) -> None:
    entry_id = published(services, keys)
    supplier = who(services, keys.supplier)
    etag = services.entries.get(entry_id, supplier).etag
    view = services.entries.update(entry_id, an_entry(name="Next"), supplier, [etag])
    services.entries.act(entry_id, "submit", supplier)
    etag = services.entries.get(entry_id, supplier).etag

    with pytest.raises(TransitionNotAllowed):
        services.entries.update(entry_id, an_entry(name="Again"), supplier, [etag])
    assert view.pending is not None


def test_stale_etag_is_refused_and_nothing_is_lost(services: Services, keys: Keys) -> None:
    supplier = who(services, keys.supplier)
    services.entries.create(an_entry(), supplier)
    stale = services.entries.get("example-tool", supplier).etag
    services.entries.update("example-tool", an_entry(name="First"), supplier, [stale])

    with pytest.raises(PreconditionFailed):
        services.entries.update("example-tool", an_entry(name="Second"), supplier, [stale])

    assert services.entries.get("example-tool", supplier).document["name"] == "First"
    assert len(services.entries.revisions("example-tool", supplier)) == 2


def test_update_without_if_match_is_refused(services: Services, keys: Keys) -> None:
    supplier = who(services, keys.supplier)
    services.entries.create(an_entry(), supplier)

    with pytest.raises(PreconditionRequired):
        services.entries.update("example-tool", an_entry(name="X"), supplier, None)


def test_update_cannot_change_the_id(services: Services, keys: Keys) -> None:
    supplier = who(services, keys.supplier)
    view = services.entries.create(an_entry(), supplier)

    with pytest.raises(InvalidEntry) as caught:
        services.entries.update("example-tool", an_entry(id="other-id"), supplier, [view.etag])

    assert caught.value.issues[0].path == "/id"


def test_deprecate_and_retire_set_status_and_dates(services: Services, keys: Keys) -> None:
    entry_id = published(services, keys)
    reviewer = who(services, keys.reviewer)

    deprecated = services.entries.act(entry_id, "deprecate", reviewer, "Replaced by v2")
    retired = services.entries.act(entry_id, "retire", reviewer, "Switched off")

    assert deprecated.state == "deprecated"
    assert deprecated.document["status"] == "deprecated"
    assert "deprecated" in deprecated.document["status_dates"]
    assert retired.state == "retired"
    assert retired.document["status"] == "retired"
    with pytest.raises(TransitionNotAllowed):
        services.entries.act(entry_id, "deprecate", reviewer, "again")


def test_every_write_has_revision_change_and_audit_rows(services: Services, keys: Keys) -> None:
    entry_id = published(services, keys)  # create, submit, approve

    revisions = rows(services, Revision)
    changes = rows(services, Change)
    audits = [a for a in rows(services, AuditEvent) if a.entry_id == entry_id]
    assert len(revisions) == len(changes) == len(audits) == 3
    assert [c.seq for c in changes] == sorted(c.seq or 0 for c in changes)
    assert {a.action for a in audits} == {"entry.create", "entry.submit", "entry.approve"}
    assert all(a.actor for a in audits)


def test_change_feed_is_monotonic_across_entries(services: Services, keys: Keys) -> None:
    published(services, keys, id="first-tool")
    published(services, keys, id="second-tool")

    with Session(services.engine) as session:
        seqs = [s or 0 for s in session.exec(select(Change.seq).order_by(col(Change.seq))).all()]
    assert seqs == sorted(set(seqs))
    assert len(seqs) == 6


def test_public_history_hides_drafts_and_proposals(services: Services, keys: Keys) -> None:
    entry_id = published(services, keys)
    supplier = who(services, keys.supplier)
    etag = services.entries.get(entry_id, supplier).etag
    services.entries.update(entry_id, an_entry(name="Secret plan"), supplier, [etag])

    public = services.entries.revisions(entry_id, None)
    private = services.entries.revisions(entry_id, supplier)

    assert [r.action for r in public] == ["approve"]
    assert [r.action for r in private] == ["create", "submit", "approve", "propose"]
    with pytest.raises(NotFound):
        services.entries.revision(entry_id, 4, None)
    assert services.entries.revision(entry_id, 4, supplier).document == an_entry(name="Secret plan")


def test_standard_references_must_be_published_standards(services: Services, keys: Keys) -> None:
    supplier = who(services, keys.supplier)
    with pytest.raises(InvalidEntry):
        services.entries.create(an_entry(standards=[{"id": "hl7-fhir-r4"}]), supplier)

    published(services, keys, **a_standard())
    view = services.entries.create(
        an_entry(id="uses-fhir", standards=[{"id": "hl7-fhir-r4"}]), supplier
    )
    assert view.document["standards"] == [{"id": "hl7-fhir-r4"}]


def test_list_filters_by_standard_kind_licence_and_supplier(services: Services, keys: Keys) -> None:
    published(services, keys, **a_standard())
    published(
        services, keys, id="fhir-app", standards=[{"id": "hl7-fhir-r4"}], licence="Apache-2.0"
    )
    published(services, keys, id="plain-app", licence="LicenseRef-Proprietary")

    def ids(**filters: object) -> list[str]:
        page = services.entries.list_entries(EntryFilter(**filters), 1, 20, None)  # type: ignore[arg-type]
        return sorted(e.id for e in page.items)

    assert ids(standard="hl7-fhir-r4") == ["fhir-app"]
    assert ids(kind="standard") == ["hl7-fhir-r4"]
    assert ids(licence="Apache-2.0") == ["fhir-app"]
    assert ids(open_source=False) == ["plain-app"]
    assert ids(supplier="Acme Health") == ["fhir-app", "hl7-fhir-r4", "plain-app"]
    assert ids(supplier="Nobody") == []


def test_list_paginates_with_total(services: Services, keys: Keys) -> None:
    for n in range(5):
        published(services, keys, id=f"tool-{n}", name=f"Tool {n}")

    page = services.entries.list_entries(EntryFilter(), 2, 2, None)

    assert page.total == 5
    assert [e.id for e in page.items] == ["tool-2", "tool-3"]
    assert page.last_page == 3


def test_etag_changes_on_every_write(services: Services, keys: Keys) -> None:
    supplier = who(services, keys.supplier)
    first = services.entries.create(an_entry(), supplier).etag
    second = services.entries.act("example-tool", "submit", supplier).etag

    assert first != second
    with Session(services.engine) as session:
        entry = session.get(Entry, "example-tool")
        assert entry is not None
        assert entry_etag(entry) == second


def test_operator_sees_everything(services: Services, keys: Keys) -> None:
    services.entries.create(an_entry(), who(services, keys.supplier))

    assert services.entries.get("example-tool", OPERATOR).state == "draft"
