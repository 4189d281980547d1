"""Maintainers and their keys: admins add maintainers and issue keys with review or admin
scopes (shown once), revoke them, and see their last use."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlmodel import Session, select

from registry.errors import Unauthenticated
from registry.models import AuditEvent, SignInThrottle
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

    assert 'name="scopes" type="checkbox" value="admin"' not in client.get(reviewer_url).text
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


def post_to(client: Client, url: str, action: str, **form: str) -> httpx.Response:
    return post_form(client, f"{url}/{action}", form, page=url)


@contextmanager
def signed_in_as(client: Client, cookies: httpx.Cookies) -> Iterator[None]:
    """Requests with another person's session cookies, then back to the client's own."""
    own = httpx.Cookies(client.cookies)
    client.cookies = cookies
    try:
        yield
    finally:
        client.cookies = own


def session_of(client: Client, person: Person) -> httpx.Cookies:
    """A signed-in session of `person`, leaving the client signed out."""
    sign_in(client, person)
    cookies = httpx.Cookies(client.cookies)
    client.cookies.clear()
    return cookies


def test_an_admin_changes_a_role_and_the_maintainer_signs_in_again_in_it(
    services: Services, client: Client
) -> None:
    rita = session_of(client, REVIEWER)
    sign_in(client, ADMIN)
    url = page_of(client, REVIEWER.name)
    with signed_in_as(client, rita):
        assert client.get(LIST).status_code == 403

    promoted = post_to(client, url, "role", role="admin")
    assert promoted.status_code == 303
    assert f"{REVIEWER.name} is now an admin" in client.get(url).text
    with signed_in_as(client, rita):
        assert client.get(LIST, follow_redirects=False).headers["location"] == "/admin/login"
    with signed_in_as(client, session_of(client, REVIEWER)):
        assert client.get(LIST).status_code == 200
    sign_in(client, ADMIN)
    admin_key = token_in(issue(client, url, scopes=["entries:review", "admin"]).text)

    demoted = post_to(client, url, "role", role="reviewer")
    assert demoted.status_code == 303
    with signed_in_as(client, session_of(client, REVIEWER)):
        assert client.get(LIST).status_code == 403
    with pytest.raises(Unauthenticated):
        services.accounts.authenticate(admin_key)  # keys carry scopes: it was revoked
    assert (f"maintainer:{ADMIN.name}", "maintainer.role") in actions(services)


def test_an_admin_cannot_change_their_own_account(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)
    url = page_of(client, ADMIN.name)
    assert "This is your own account" in client.get(url).text

    for action, form in (("role", {"role": "reviewer"}), ("remove-access", {})):
        response = post_to(client, url, action, **form)
        assert response.status_code == 400
        assert "You cannot change your own account" in response.text
    assert client.get(LIST).status_code == 200


def make_wait(client: Client, services: Services, email: str) -> None:
    """Wrong passwords for `email` until the next attempt must wait half a minute."""
    for _ in range(8):
        with Session(services.engine) as session:
            for row in session.exec(select(SignInThrottle)).all():
                row.blocked_until = None
                session.add(row)
            session.commit()
        try_sign_in(client, email, "wrong password!!")
    assert "Wait" in try_sign_in(client, email, "wrong password!!").text


def test_a_new_password_from_an_admin_clears_the_wait(services: Services, client: Client) -> None:
    make_wait(client, services, REVIEWER.email)
    sign_in(client, ADMIN)
    url = page_of(client, REVIEWER.name)
    assert "Must wait until" in client.get(url).text

    short = post_to(client, url, "password", password="short")
    assert short.status_code == 400
    assert "At least 12 characters" in short.text or "at least 12 characters" in short.text
    done = post_to(client, url, "password", password="a brand new passphrase")
    assert done.status_code == 303
    assert (f"maintainer:{ADMIN.name}", "maintainer.password") in actions(services)
    client.post("/admin/logout", data={"_csrf_token": csrf_token(client, "/admin")})
    sign_in(client, Person(REVIEWER.email, REVIEWER.name, "a brand new passphrase"))


def test_unlock_lets_a_waiting_maintainer_sign_in_again(services: Services, client: Client) -> None:
    make_wait(client, services, REVIEWER.email)
    sign_in(client, ADMIN)
    url = page_of(client, REVIEWER.name)

    assert post_to(client, url, "unlock").status_code == 303

    assert (f"maintainer:{ADMIN.name}", "maintainer.unlock") in actions(services)
    client.post("/admin/logout", data={"_csrf_token": csrf_token(client, "/admin")})
    sign_in(client, REVIEWER)


def test_removing_access_ends_the_session_and_revokes_every_key(
    services: Services, client: Client
) -> None:
    rita = session_of(client, REVIEWER)
    sign_in(client, ADMIN)
    url = page_of(client, REVIEWER.name)
    token = token_in(issue(client, url, scopes="entries:review").text)

    response = post_to(client, url, "remove-access")

    assert response.status_code == 303
    with signed_in_as(client, rita):
        gone = client.get("/admin/queue", follow_redirects=False)
        assert gone.headers["location"] == "/admin/login"
    assert client.get("/api/v1/entries", headers=bearer(token)).status_code == 401
    assert "No access" in main(client.get(LIST).text)
    assert (f"maintainer:{ADMIN.name}", "maintainer.access.remove") in actions(services)
    client.cookies.clear()
    assert try_sign_in(client, REVIEWER.email, REVIEWER.password).status_code == 400
