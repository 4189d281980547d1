"""Merge proposals: pairs the duplicate rule finds among stored entries, offered to
maintainers; merged only on approval (through the merge use case), kept on dismissal."""

import pytest
from sqlmodel import Session, select

from registry.errors import Conflict, Forbidden, InvalidEntry, Moved, Unauthenticated
from registry.merge_proposals import LinkFollower
from registry.models import AuditEvent
from registry.search import Linked
from registry.wiring import Services
from tests.conftest import Keys
from tests.test_services import published, who

DOCS = {"documentation": "https://example.org/docs/notify"}


def a_pair(services: Services, keys: Keys) -> tuple[str, str]:
    """Two published listings of one product: same name and documentation page."""
    first = published(services, keys, id="notify", name="GOV.UK Notify", urls=DOCS)
    second = published(
        services, keys, id="gov-uk-notify-copy", name="GOVUK Notify", kind="api", urls=DOCS
    )
    return first, second


def audit_actions(services: Services) -> list[str]:
    with Session(services.engine) as session:
        return [e.action for e in session.exec(select(AuditEvent)).all()]


def test_refresh_proposes_a_pair_with_its_evidence_and_audits_it(
    services: Services, keys: Keys
) -> None:
    first, second = a_pair(services, keys)
    published(services, keys, id="other", name="Something Else", urls=DOCS)

    report = services.proposals.refresh(who(services, keys.reviewer))

    assert [(p.entry.id, p.keep.id) for p in report.proposed] == [(second, first)]
    assert "documentation page (https://example.org/docs/notify)" in report.proposed[0].evidence
    assert "merge_proposal.create" in audit_actions(services)


def test_refresh_twice_proposes_a_pair_once(services: Services, keys: Keys) -> None:
    a_pair(services, keys)
    reviewer = who(services, keys.reviewer)
    services.proposals.refresh(reviewer)

    again = services.proposals.refresh(reviewer)

    assert again.proposed == []
    assert len(services.proposals.listing(reviewer)) == 1


def test_approve_merges_through_the_merge_use_case(services: Services, keys: Keys) -> None:
    first, second = a_pair(services, keys)
    reviewer = who(services, keys.reviewer)
    proposal = services.proposals.refresh(reviewer).proposed[0]

    kept = services.proposals.approve(proposal.id, reviewer, "Same service")

    assert kept.id == first
    with pytest.raises(Moved) as moved:
        services.entries.get(second, None)
    assert moved.value.target == first
    assert services.proposals.get(proposal.id, reviewer).state == "merged"
    assert services.entries.revisions(second, None)[-1].action == "merge"
    assert {"entry.merge", "entry.redirect", "merge_proposal.approve"} <= set(
        audit_actions(services)
    )


def test_approve_can_keep_the_other_entry(services: Services, keys: Keys) -> None:
    first, second = a_pair(services, keys)
    reviewer = who(services, keys.reviewer)
    proposal = services.proposals.refresh(reviewer).proposed[0]

    services.proposals.approve(proposal.id, reviewer, "Keep the imported one", keep=second)

    with pytest.raises(Moved):
        services.entries.get(first, None)
    assert services.proposals.get(proposal.id, reviewer).keep.id == second


def test_approve_refuses_an_entry_outside_the_pair(services: Services, keys: Keys) -> None:
    a_pair(services, keys)
    reviewer = who(services, keys.reviewer)
    proposal = services.proposals.refresh(reviewer).proposed[0]

    with pytest.raises(InvalidEntry):
        services.proposals.approve(proposal.id, reviewer, "", keep="somebody-else")

    assert services.proposals.get(proposal.id, reviewer).state == "proposed"


def test_dismiss_keeps_both_entries_and_is_never_proposed_again(
    services: Services, keys: Keys
) -> None:
    first, second = a_pair(services, keys)
    reviewer = who(services, keys.reviewer)
    proposal = services.proposals.refresh(reviewer).proposed[0]

    dismissed = services.proposals.dismiss(proposal.id, reviewer, "Two services")

    assert dismissed.state == "dismissed"
    assert dismissed.reason == "Two services"
    assert services.entries.get(first, None).state == "published"
    assert services.entries.get(second, None).state == "published"
    assert services.proposals.refresh(reviewer).proposed == []
    assert "merge_proposal.dismiss" in audit_actions(services)


def test_dismiss_needs_a_reason(services: Services, keys: Keys) -> None:
    a_pair(services, keys)
    reviewer = who(services, keys.reviewer)
    proposal = services.proposals.refresh(reviewer).proposed[0]

    with pytest.raises(InvalidEntry):
        services.proposals.dismiss(proposal.id, reviewer, "  ")


def test_a_decided_proposal_cannot_be_decided_again(services: Services, keys: Keys) -> None:
    a_pair(services, keys)
    reviewer = who(services, keys.reviewer)
    proposal = services.proposals.refresh(reviewer).proposed[0]
    services.proposals.dismiss(proposal.id, reviewer, "Two services")

    with pytest.raises(Conflict):
        services.proposals.approve(proposal.id, reviewer, "Changed my mind")


def test_refresh_withdraws_a_proposal_whose_entry_was_merged_elsewhere(
    services: Services, keys: Keys
) -> None:
    _first, second = a_pair(services, keys)
    third = published(services, keys, id="third", name="Third")
    reviewer = who(services, keys.reviewer)
    proposal = services.proposals.refresh(reviewer).proposed[0]
    services.entries.merge(second, third, reviewer, "Really a copy of the third")

    report = services.proposals.refresh(reviewer)

    assert [p.id for p in report.withdrawn] == [proposal.id]
    assert services.proposals.get(proposal.id, reviewer).state == "withdrawn"
    assert "merge_proposal.withdraw" in audit_actions(services)


@pytest.mark.parametrize("token", ["supplier", None])
def test_suppliers_and_anonymous_callers_are_refused(
    services: Services, keys: Keys, token: str | None
) -> None:
    a_pair(services, keys)
    caller = who(services, keys.supplier) if token else None
    expected = Forbidden if token else Unauthenticated

    with pytest.raises(expected):
        services.proposals.refresh(caller)
    with pytest.raises(expected):
        services.proposals.listing(caller)


def test_link_follower_groups_the_proposed_pairs_and_drops_decided_ones(
    services: Services, keys: Keys
) -> None:
    first, second = a_pair(services, keys)
    reviewer = who(services, keys.reviewer)
    follower = LinkFollower(services.proposals, interval=0)
    assert follower.current() == Linked()
    proposal = services.proposals.refresh(reviewer).proposed[0]

    assert follower.current() == Linked((tuple(sorted((first, second))),))
    services.proposals.dismiss(proposal.id, reviewer, "Two services")
    assert follower.current() == Linked()


def test_linked_joins_pairs_that_share_an_entry() -> None:
    assert Linked.from_pairs([("a", "b"), ("c", "b"), ("x", "y")]) == Linked(
        (("a", "b", "c"), ("x", "y"))
    )
