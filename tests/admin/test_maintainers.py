"""Maintainers and their keys: admins add maintainers and issue keys with review or admin
scopes (shown once), revoke them, and see their last use."""

import re

import httpx
import pytest
from sqlmodel import Session, select

from registry.models import AuditEvent
from registry.wiring import Services
from tests.admin.conftest import (
    ADMIN,
    PASSWORD,
    REVIEWER,
    Client,
    Person,
    assert_error_links_resolve,
    csrf_token,
    main,
    post_form,
    sign_in,
    try_sign_in,
)
from tests.admin.test_suppliers import token_in
from tests.conftest import bearer

pytestmark = pytest.mark.usefixtures("maintainers")

LIST = "/admin/maintainers"
NEW = {"email": "nia@example.nhs.uk", "name": "Nia New", "role": "reviewer", "password": PASSWORD}


def add(client: Client, **form: str) -> httpx.Response:
    return post_form(client, LIST, {**NEW, **form}, page=LIST)


def page_of(client: Client, name: str) -> str:
    found = re.search(
        rf'<a href="(/admin/maintainers/\d+)">{re.escape(name)}</a>', main(client.get(LIST).text)
    )
    assert found is not None
    return found.group(1)


def issue(client: Client, url: str, **form: str | list[str]) -> httpx.Response:
    return post_form(client, f"{url}/keys", form, page=url)


def actions(services: Services) -> list[tuple[str, str]]:
    with Session(services.engine) as session:
        return [(e.actor, e.action) for e in session.exec(select(AuditEvent)).all()]


def test_reviewers_are_refused(client: Client) -> None:
    sign_in(client, REVIEWER)

    assert client.get(LIST).status_code == 403
    token = csrf_token(client, "/admin/queue")
    refused = client.post(LIST, data={**NEW, "_csrf_token": token})
    assert refused.status_code == 403
    assert try_sign_in(client, NEW["email"], PASSWORD).status_code == 400  # no such account


def test_an_admin_adds_a_maintainer_who_can_then_sign_in(
    services: Services, client: Client
) -> None:
    sign_in(client, ADMIN)

    response = add(client)

    assert response.status_code == 303
    assert re.fullmatch(r"/admin/maintainers/\d+", response.headers["location"])
    assert "Added Nia New as reviewer" in client.get(response.headers["location"]).text
    listing = main(client.get(LIST).text)
    assert "nia@example.nhs.uk" in listing
    assert PASSWORD not in listing
    assert (f"maintainer:{ADMIN.name}", "maintainer.create") in actions(services)
    client.post("/admin/logout", data={"_csrf_token": csrf_token(client, "/admin")})
    sign_in(client, Person(NEW["email"], NEW["name"]))


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter an email address"),
        ({"email": REVIEWER.email}, "email", "already a maintainer"),
        ({"name": REVIEWER.name}, "name", "already a maintainer named"),
        ({"name": " "}, "name", "Enter their name"),
        ({"role": "owner"}, "role", "Choose reviewer or admin"),
        ({"password": "short"}, "password", "at least 12 characters"),
    ],
)
def test_problems_adding_a_maintainer_are_shown_next_to_the_fields(
    services: Services, client: Client, form: dict[str, str], field: str, message: str
) -> None:
    sign_in(client, ADMIN)

    response = add(client, **form)

    assert response.status_code == 400
    assert_error_links_resolve(response.text)
    error = re.search(rf'id="{field}-error"><span[^>]*>Error:</span> ([^<]*)<', response.text)
    assert error is not None
    assert message in error.group(1)
    assert len(services.accounts.maintainers()) == 2


def test_a_reviewers_key_reviews_and_an_admins_key_may_administer(
    services: Services, client: Client
) -> None:
    sign_in(client, ADMIN)
    reviewer_url = page_of(client, REVIEWER.name)
    admin_url = page_of(client, ADMIN.name)

    assert 'value="admin"' not in client.get(reviewer_url).text
    refused = issue(client, reviewer_url, scopes=["entries:review", "admin"])
    assert refused.status_code == 400
    assert "Only an admin" in refused.text
    none_chosen = issue(client, reviewer_url, label="no scope")
    assert none_chosen.status_code == 400
    assert 'id="scopes-error"' in none_chosen.text

    issued = issue(client, reviewer_url, scopes="entries:review", label="Review bot")
    assert issued.status_code == 200
    assert issued.headers["cache-control"] == "no-store"
    token = token_in(issued.text)
    assert token not in client.get(reviewer_url).text
    queue = client.get("/api/v1/entries?state=submitted", headers=bearer(token))
    assert queue.status_code == 200

    admin_token = token_in(issue(client, admin_url, scopes=["entries:review", "admin"]).text)
    principal = services.accounts.authenticate(admin_token)
    assert {s.value for s in principal.scopes} == {"entries:review", "admin"}
    assert (f"maintainer:{ADMIN.name}", "key.create") in actions(services)


def test_revoking_a_maintainers_key_stops_it_working(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)
    url = page_of(client, REVIEWER.name)
    token = token_in(issue(client, url, scopes="entries:review").text)
    key_id = token.split("_")[1]
    client.get("/api/v1/entries", headers=bearer(token))
    row = main(client.get(url).text).split('id="keys"')[1].split("</tr>")[1]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC</td>", row)  # its last use

    response = post_form(client, f"{url}/keys/{key_id}/revoke", {}, page=url)

    assert response.status_code == 303
    assert f"Revoked the key {key_id}" in client.get(url).text
    assert (f"maintainer:{ADMIN.name}", "key.revoke") in actions(services)
    assert client.get("/api/v1/entries?state=submitted", headers=bearer(token)).status_code == 401
    other = page_of(client, ADMIN.name)
    assert post_form(client, f"{other}/keys/{key_id}/revoke", {}, page=other).status_code == 404
    assert client.get("/admin/maintainers/9999").status_code == 404


def test_a_hostile_maintainer_name_is_inert(client: Client) -> None:
    sign_in(client, ADMIN)
    hostile = '<script>alert("x")</script>'

    response = add(client, name=hostile)

    assert response.status_code == 303
    for html in (client.get(response.headers["location"]).text, client.get(LIST).text):
        assert "<script>alert" not in html
        assert "&lt;script&gt;" in html
