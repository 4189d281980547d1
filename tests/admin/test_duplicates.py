"""The possible-duplicates pages: a reviewer sees a proposed pair side by side with the
evidence, merges it (the old id redirects) or keeps both with a reason; every decision is
audited; suppliers and visitors are refused."""

import pytest
from sqlmodel import Session, select

from registry.auth import OPERATOR
from registry.errors import Moved
from registry.models import AuditEvent
from registry.wiring import Services
from tests.admin.conftest import (
    REVIEWER,
    Client,
    assert_error_links_resolve,
    main,
    post_form,
    sign_in,
)
from tests.admin.test_entries import field_error
from tests.conftest import Keys, bearer
from tests.test_services import published

pytestmark = pytest.mark.usefixtures("maintainers")
DOCS = {"documentation": "https://example.org/docs/kestrel"}


def a_proposal(services: Services, keys: Keys) -> int:
    """Two published listings of one product, proposed for merging; the proposal's id."""
    published(services, keys, id="kestrel-rota", name="Kestrel Rota", urls=DOCS)
    published(services, keys, id="kestrel-rota-copy", kind="api", name="Kestrel Rota", urls=DOCS)
    return services.proposals.refresh(OPERATOR).proposed[0].id


def audit_actions(services: Services) -> list[str]:
    with Session(services.engine) as session:
        return [e.action for e in session.exec(select(AuditEvent)).all()]


def test_the_list_shows_proposed_pairs_with_the_evidence(
    services: Services, keys: Keys, client: Client
) -> None:
    proposal = a_proposal(services, keys)
    sign_in(client, REVIEWER)

    html = main(client.get("/admin/duplicates").text)

    assert f'href="/admin/duplicates/{proposal}"' in html
    assert "kestrel-rota-copy" in html
    assert "the same documentation page (https://example.org/docs/kestrel)" in html


def test_refresh_from_the_page_proposes_new_pairs(
    services: Services, keys: Keys, client: Client
) -> None:
    published(services, keys, id="kestrel-rota", name="Kestrel Rota", urls=DOCS)
    published(services, keys, id="kestrel-rota-copy", kind="api", name="Kestrel Rota", urls=DOCS)
    sign_in(client, REVIEWER)

    response = post_form(client, "/admin/duplicates/refresh", {}, page="/admin/duplicates")

    assert response.status_code == 303
    assert len(services.proposals.listing(OPERATOR)) == 1
    assert "Found 1 new pair(s) to review" in client.get("/admin/duplicates").text


def test_the_proposal_page_shows_both_entries_side_by_side(
    services: Services, keys: Keys, client: Client
) -> None:
    proposal = a_proposal(services, keys)
    sign_in(client, REVIEWER)

    html = main(client.get(f"/admin/duplicates/{proposal}").text)

    assert 'id="sides"' in html
    assert html.index("kestrel-rota") < html.index("kestrel-rota-copy")
    assert "Proposed because they have the same name (Kestrel Rota)" in html
    assert 'name="keep" type="radio" value="kestrel-rota" checked' in html


def test_approve_merges_the_pair_and_the_old_id_redirects(
    services: Services, keys: Keys, client: Client
) -> None:
    proposal = a_proposal(services, keys)
    sign_in(client, REVIEWER)
    page = f"/admin/duplicates/{proposal}"

    response = post_form(client, f"{page}/approve", {"keep": "kestrel-rota"}, page=page)

    assert response.status_code == 303
    with pytest.raises(Moved) as moved:
        services.entries.get("kestrel-rota-copy", None)
    assert moved.value.target == "kestrel-rota"
    assert services.proposals.get(proposal, OPERATOR).decided_by == f"maintainer:{REVIEWER.name}"
    assert {"entry.merge", "merge_proposal.approve"} <= set(audit_actions(services))


def test_approve_may_keep_the_other_entry(services: Services, keys: Keys, client: Client) -> None:
    proposal = a_proposal(services, keys)
    sign_in(client, REVIEWER)
    page = f"/admin/duplicates/{proposal}"

    post_form(client, f"{page}/approve", {"keep": "kestrel-rota-copy"}, page=page)

    with pytest.raises(Moved) as moved:
        services.entries.get("kestrel-rota", None)
    assert moved.value.target == "kestrel-rota-copy"


def test_dismiss_keeps_both_entries_with_the_reason(
    services: Services, keys: Keys, client: Client
) -> None:
    proposal = a_proposal(services, keys)
    sign_in(client, REVIEWER)
    page = f"/admin/duplicates/{proposal}"

    response = post_form(client, f"{page}/dismiss", {"reason": "A rota and its API"}, page=page)

    assert response.status_code == 303
    assert services.entries.get("kestrel-rota", None).state == "published"
    assert services.entries.get("kestrel-rota-copy", None).state == "published"
    decided = services.proposals.get(proposal, OPERATOR)
    assert (decided.state, decided.reason) == ("dismissed", "A rota and its API")
    assert "merge_proposal.dismiss" in audit_actions(services)
    assert "A rota and its API" in client.get(page).text


def test_dismiss_without_a_reason_is_refused_next_to_the_field(
    services: Services, keys: Keys, client: Client
) -> None:
    proposal = a_proposal(services, keys)
    sign_in(client, REVIEWER)
    page = f"/admin/duplicates/{proposal}"

    response = post_form(client, f"{page}/dismiss", {"reason": " "}, page=page)

    assert response.status_code == 400
    assert "Enter why" in field_error(response.text, "dismiss-reason")
    assert_error_links_resolve(response.text)
    assert services.proposals.get(proposal, OPERATOR).state == "proposed"


def test_approve_of_a_decided_proposal_is_refused_and_merges_nothing(
    services: Services, keys: Keys, client: Client
) -> None:
    proposal = a_proposal(services, keys)
    services.proposals.dismiss(proposal, OPERATOR, "Two products")
    sign_in(client, REVIEWER)
    page = f"/admin/duplicates/{proposal}"

    response = post_form(
        client, f"{page}/approve", {"keep": "kestrel-rota"}, page="/admin/duplicates"
    )

    assert response.status_code == 400
    assert "already been decided" in response.text
    assert services.entries.get("kestrel-rota-copy", None).state == "published"


def test_anonymous_visitors_are_sent_to_sign_in(
    services: Services, keys: Keys, client: Client
) -> None:
    proposal = a_proposal(services, keys)

    response = client.get(f"/admin/duplicates/{proposal}", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"


def test_a_supplier_key_opens_no_admin_page(services: Services, keys: Keys, client: Client) -> None:
    proposal = a_proposal(services, keys)

    response = client.get(
        f"/admin/duplicates/{proposal}", headers=bearer(keys.supplier), follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"


def test_the_search_page_shows_the_pair_once_until_it_is_dismissed(
    services: Services, keys: Keys, client: Client
) -> None:
    proposal = a_proposal(services, keys)
    assert client.get("/api/v1/search?q=kestrel").json()["total"] == 1
    sign_in(client, REVIEWER)
    page = f"/admin/duplicates/{proposal}"

    post_form(client, f"{page}/dismiss", {"reason": "Two products"}, page=page)

    assert client.get("/api/v1/search?q=kestrel").json()["total"] == 2
