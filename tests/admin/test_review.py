"""The review queue, the review page, and approve / request changes / reject."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from catalogue.admin.review import age
from registry.auth import OPERATOR
from registry.curation import Curation
from registry.models import AuditEvent, Entry, Revision
from registry.wiring import Services
from tests.admin.conftest import REVIEWER, Client, csrf_token, main, post_form, sign_in
from tests.builders import an_entry
from tests.catalogue.test_compare import SCRIPT
from tests.conftest import Keys
from tests.test_services import published, who

pytestmark = pytest.mark.usefixtures("maintainers")


def submitted(services: Services, keys: Keys, **overrides: Any) -> str:
    """A new entry of the first supplier, submitted for review; its id."""
    supplier = who(services, keys.supplier)
    view = services.entries.create(an_entry(**overrides), supplier)
    services.entries.act(view.id, "submit", supplier)
    return view.id


def proposed(services: Services, keys: Keys, **changes: Any) -> str:
    """A published entry with a submitted proposal to change it; its id."""
    entry_id = published(services, keys, id="proposal-tool", name="Proposal Tool")
    supplier = who(services, keys.supplier)
    etag = services.entries.get(entry_id, supplier).etag
    document = an_entry(id="proposal-tool", name="Proposal Tool", **changes)
    services.entries.update(entry_id, document, supplier, [etag])
    services.entries.act(entry_id, "submit", supplier)
    return entry_id


def act(client: Client, entry_id: str, action: str, reason: str = "") -> Any:
    return post_form(
        client,
        f"/admin/entries/{entry_id}/review/{action}",
        {"reason": reason},
        page=f"/admin/entries/{entry_id}/review",
    )


def state(services: Services, entry_id: str) -> str:
    return services.entries.get(entry_id, OPERATOR).state


def test_queue_lists_entries_and_proposals_oldest_first(
    services: Services, keys: Keys, client: Client
) -> None:
    first = submitted(services, keys, id="first-tool", name="First Tool")
    change = proposed(services, keys, summary="A new summary for the proposal.")
    sign_in(client, REVIEWER)

    html = main(client.get("/admin/queue").text)

    assert html.index("First Tool") < html.index("Proposal Tool")
    assert f'href="/admin/entries/{first}/review"' in html
    assert f'href="/admin/entries/{change}/review"' in html
    assert "New entry" in html
    assert "Proposed change" in html
    assert "Acme Health" in html
    assert "submitted less than a minute ago" in html
    assert html.count("<h1>") == 1


def backdate(services: Services, entry_id: str, days: int) -> None:
    """As if the entry's every step had been taken `days` ago."""
    with Session(services.engine) as session:
        entry = session.get(Entry, entry_id)
        assert entry is not None
        entry.updated_at = datetime.now(UTC) - timedelta(days=days)
        session.add(entry)
        for revision in session.exec(select(Revision).where(Revision.entry_id == entry_id)):
            revision.created_at = datetime.now(UTC) - timedelta(days=days)
            session.add(revision)
        session.commit()


def test_a_new_proposal_shows_and_sorts_by_its_own_submission_time(
    services: Services, keys: Keys
) -> None:
    old = published(services, keys, id="proposal-tool", name="Proposal Tool")
    backdate(services, old, days=30)
    waiting = submitted(services, keys, id="waiting-tool", name="Waiting Tool")
    backdate(services, waiting, days=2)
    supplier = who(services, keys.supplier)
    etag = services.entries.get(old, supplier).etag
    changed = an_entry(id=old, name="Proposal Tool", summary="A new summary, proposed today.")
    services.entries.update(old, changed, supplier, [etag])
    services.entries.act(old, "submit", supplier)

    queue = Curation(services.engine, services.entries).queue()

    assert [item.entry_id for item in queue] == [waiting, old]
    assert datetime.now(UTC) - queue[1].submitted_at < timedelta(minutes=5)
    assert timedelta(days=2) <= datetime.now(UTC) - queue[0].submitted_at < timedelta(days=3)


def test_queue_shows_validation_warnings(services: Services, keys: Keys, client: Client) -> None:
    submitted(services, keys, licence="NOASSERTION")
    sign_in(client, REVIEWER)

    html = main(client.get("/admin/queue").text)

    assert "<code>/licence</code> No licence is stated" in html


def test_age_reads_like_a_person_would_say_it() -> None:
    now = datetime(2026, 1, 10, tzinfo=UTC)

    assert age(now - timedelta(days=3, hours=2), now) == "submitted 3 days ago"
    assert age(now - timedelta(hours=1), now) == "submitted 1 hour ago"
    assert age(now - timedelta(minutes=5), now) == "submitted 5 minutes ago"
    assert age(now, now) == "submitted less than a minute ago"


def test_approve_from_the_queue_publishes_the_entry(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = submitted(services, keys, id="queued-tool", name="Queued Tool")
    sign_in(client, REVIEWER)

    response = act(client, entry_id, "approve", "Looks good")

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/queue"
    queue = client.get("/admin/queue").text
    assert "Approved Queued Tool: it is now published" in queue
    assert 'class="nhsuk-notification-banner' in queue
    assert client.get("/admin/queue").text.count("nhsuk-notification-banner--success") == 0
    found = client.get("/api/v1/search?q=queued").json()
    assert [item["id"] for item in found["items"]] == ["queued-tool"]


def test_actions_are_attributed_to_the_signed_in_maintainer(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = submitted(services, keys)
    sign_in(client, REVIEWER)

    act(client, entry_id, "approve", "Looks good")

    with Session(services.engine) as session:
        revision = session.exec(
            select(Revision).where(Revision.entry_id == entry_id, Revision.action == "approve")
        ).one()
        audit = session.exec(
            select(AuditEvent).where(
                AuditEvent.entry_id == entry_id, AuditEvent.action == "entry.approve"
            )
        ).one()
    assert revision.author == "maintainer:Rita Reviewer"
    assert revision.reason == "Looks good"
    assert audit.actor == "maintainer:Rita Reviewer"


@pytest.mark.parametrize(
    ("action", "after"), [("request-changes", "changes_requested"), ("reject", "rejected")]
)
def test_request_changes_and_reject_with_a_reason(
    services: Services, keys: Keys, client: Client, action: str, after: str
) -> None:
    entry_id = submitted(services, keys)
    sign_in(client, REVIEWER)

    response = act(client, entry_id, action, "Add a licence URL")

    assert response.status_code == 303
    assert state(services, entry_id) == after
    with Session(services.engine) as session:
        audit = session.exec(select(AuditEvent).where(AuditEvent.action == f"entry.{action}")).one()
    assert audit.actor == "maintainer:Rita Reviewer"
    assert audit.detail["reason"] == "Add a licence URL"


@pytest.mark.parametrize("action", ["request-changes", "reject"])
def test_an_empty_reason_is_refused_with_an_error_summary(
    services: Services, keys: Keys, client: Client, action: str
) -> None:
    entry_id = submitted(services, keys)
    sign_in(client, REVIEWER)

    response = act(client, entry_id, action, "   ")

    html = main(response.text)
    assert response.status_code == 400
    assert 'class="nhsuk-error-summary' in html
    assert f'<a href="#{action}-reason">' in html
    assert f'id="{action}-reason-error"' in html
    assert "nhsuk-form-group--error" in html
    assert state(services, entry_id) == "submitted"


def test_acting_without_csrf_token_is_refused(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = submitted(services, keys)
    sign_in(client, REVIEWER)

    response = client.post(f"/admin/entries/{entry_id}/review/approve", data={"reason": ""})

    assert response.status_code == 403
    assert state(services, entry_id) == "submitted"


def test_acting_needs_a_sign_in(services: Services, keys: Keys, client: Client) -> None:
    entry_id = submitted(services, keys)

    response = post_form(client, f"/admin/entries/{entry_id}/review/approve", {"reason": ""})

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"
    assert state(services, entry_id) == "submitted"


def test_an_unknown_action_is_not_found(services: Services, keys: Keys, client: Client) -> None:
    entry_id = submitted(services, keys)
    sign_in(client, REVIEWER)

    response = act(client, entry_id, "deprecate", "no")

    assert response.status_code == 404


def test_acting_twice_shows_the_conflict(services: Services, keys: Keys, client: Client) -> None:
    entry_id = submitted(services, keys)
    sign_in(client, REVIEWER)
    act(client, entry_id, "approve")

    response = client.post(
        f"/admin/entries/{entry_id}/review/reject",
        data={"reason": "late", "_csrf_token": csrf_token(client, "/admin/queue")},
    )

    assert response.status_code == 400
    assert 'class="nhsuk-error-summary' in response.text
    assert state(services, entry_id) == "published"


def test_review_page_shows_document_similar_entries_and_three_forms(
    services: Services, keys: Keys, client: Client
) -> None:
    published(services, keys, id="booking-tool", name="Booking Tool")
    entry_id = submitted(services, keys, id="booking-tool-2", name="Booking Tool")
    sign_in(client, REVIEWER)

    html = main(client.get(f"/admin/entries/{entry_id}/review").text)

    assert html.count("<h1>") == 1
    assert "Review Booking Tool" in html
    assert '<a href="/entries/booking-tool">Booking Tool</a>' in html
    assert (
        "&#34;licence&#34;: &#34;MIT&#34;" in html or "&quot;licence&quot;: &quot;MIT&quot;" in html
    )
    for action in ("approve", "request-changes", "reject"):
        assert f'action="/admin/entries/{entry_id}/review/{action}" method="post"' in html
        assert f'<label class="nhsuk-label nhsuk-label--s" for="{action}-reason">' in html
    assert html.count('name="_csrf_token"') == 4  # three decisions and signing out


def test_proposal_review_shows_the_changed_field(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = proposed(services, keys, summary="Now books home visits too.")
    sign_in(client, REVIEWER)

    html = main(client.get(f"/admin/entries/{entry_id}/review").text)

    changes = html[html.index('<table class="nhsuk-table" id="changes">') :]
    changes = changes[: changes.index("</table>")]
    assert "<code>/summary</code>" in changes
    assert "Books appointments for community clinics." in changes
    assert "Now books home visits too." in changes
    assert "<code>/name</code>" not in changes


def test_approving_a_proposal_publishes_the_change(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = proposed(services, keys, summary="Now books home visits too.")
    sign_in(client, REVIEWER)

    assert act(client, entry_id, "approve").status_code == 303

    public = services.entries.get(entry_id, None)
    assert public.document["summary"] == "Now books home visits too."


def test_hostile_entry_text_is_inert_on_queue_and_review(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = submitted(
        services,
        keys,
        id="hostile-tool",
        name=f"{SCRIPT} Booking",
        summary=f"Books appointments {SCRIPT}",
        owner={"name": f"{SCRIPT} Trust"},
    )
    sign_in(client, REVIEWER)

    for url in ("/admin/queue", f"/admin/entries/{entry_id}/review"):
        html = client.get(url).text
        assert SCRIPT not in html
        assert "&lt;script&gt;" in html


def test_review_of_an_unknown_entry_is_not_found(client: Client) -> None:
    sign_in(client, REVIEWER)

    assert client.get("/admin/entries/no-such-entry/review").status_code == 404


def test_a_reviewed_entry_has_no_decision_forms(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys)
    sign_in(client, REVIEWER)

    html = main(client.get(f"/admin/entries/{entry_id}/review").text)

    assert "This entry is not waiting for review" in html
    assert f"/admin/entries/{entry_id}/review/approve" not in html


def test_home_shows_the_queue_size(services: Services, keys: Keys, client: Client) -> None:
    submitted(services, keys, id="one-tool")
    submitted(services, keys, id="two-tool")
    sign_in(client, REVIEWER)

    html = main(client.get("/admin").text)

    assert "2 entries or proposed changes are waiting for review" in html
    assert '<a href="/admin/unmet-needs">' in html


def test_hostile_name_is_inert_in_the_success_banner(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = submitted(services, keys, id="hostile-tool", name=f"{SCRIPT} Booking")
    sign_in(client, REVIEWER)

    act(client, entry_id, "approve")
    html = client.get("/admin/queue").text

    assert "it is now published" in html
    assert SCRIPT not in html
