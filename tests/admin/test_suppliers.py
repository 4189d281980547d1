"""Suppliers and keys: admins add suppliers, issue keys (shown once) and revoke them."""

import re

import httpx
import pytest
from sqlmodel import Session, select

from registry.models import AuditEvent
from registry.wiring import Services
from tests.admin.conftest import ADMIN, REVIEWER, Client, csrf_token, main, post_form, sign_in
from tests.builders import an_entry
from tests.conftest import bearer

pytestmark = pytest.mark.usefixtures("maintainers")

LIST = "/admin/suppliers"


def add_supplier(client: Client, name: str) -> httpx.Response:
    return post_form(client, LIST, {"name": name}, page=LIST)


def supplier_url(client: Client, name: str) -> str:
    response = add_supplier(client, name)
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    assert re.fullmatch(r"/admin/suppliers/\d+", location)
    return location


def issue(client: Client, url: str, **form: str) -> httpx.Response:
    return post_form(client, f"{url}/keys", form, page=url)


def token_in(html: str) -> str:
    found = re.search(r'<code id="token">([^<]+)</code>', html)
    assert found is not None, html
    return found.group(1)


def submit_entry(client: Client, token: str) -> httpx.Response:
    return client.post("/api/v1/entries", json=an_entry(), headers=bearer(token))


def actions(services: Services) -> list[tuple[str, str]]:
    with Session(services.engine) as session:
        return [(e.actor, e.action) for e in session.exec(select(AuditEvent)).all()]


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(LIST, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"


def test_reviewers_are_refused(client: Client) -> None:
    sign_in(client, REVIEWER)

    assert client.get(LIST).status_code == 403
    token = csrf_token(client, "/admin/queue")
    response = client.post(LIST, data={"name": "Sneaky Ltd", "_csrf_token": token})
    assert response.status_code == 403
    assert "Sneaky Ltd" not in client.get("/admin").text
    assert 'href="/admin/suppliers"' not in main(client.get("/admin").text)


def test_a_form_without_the_csrf_token_is_refused(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)
    client.get(LIST)

    response = client.post(LIST, data={"name": "Forged Ltd"}, follow_redirects=False)

    assert response.status_code == 403
    assert services.accounts.suppliers() == []


def test_admin_adds_a_supplier_and_a_duplicate_name_is_an_error(
    services: Services, client: Client
) -> None:
    sign_in(client, ADMIN)
    assert 'href="/admin/suppliers"' in main(client.get("/admin").text)

    url = supplier_url(client, "Acme Health")
    page = client.get(url)
    assert "Added the supplier Acme Health" in page.text
    assert page.headers["cache-control"] == "no-store"

    listing = main(client.get(LIST).text)
    assert f'<a href="{url}">Acme Health</a>' in listing
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">0</td>' in listing
    assert any(
        ADMIN.name in actor and action == "supplier.create" for actor, action in actions(services)
    )

    duplicate = add_supplier(client, "  Acme Health ")
    assert duplicate.status_code == 400
    assert 'id="name-error"' in duplicate.text
    assert "There is already a supplier with this name" in duplicate.text
    assert len(services.accounts.suppliers()) == 1

    empty = add_supplier(client, "   ")
    assert empty.status_code == 400
    assert "Enter the supplier" in empty.text
    too_long = add_supplier(client, "x" * 201)
    assert too_long.status_code == 400
    assert "200 characters or fewer" in too_long.text


def test_an_issued_key_is_shown_once_and_works(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)
    url = supplier_url(client, "Acme Health")

    response = issue(client, url, label="CI pipeline", expires_in_days="30")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "Store this key now" in response.text
    token = token_in(response.text)
    assert token not in response.headers.get("location", "")
    # shown once: never on the page again
    again = client.get(url).text
    assert token not in again
    assert "CI pipeline" in again
    assert "entries:submit" in again
    assert "Never" in again  # not used yet
    assert any(
        ADMIN.name in actor and action == "key.create" for actor, action in actions(services)
    )

    with Session(services.engine) as session:
        stored = [str(e.detail) for e in session.exec(select(AuditEvent)).all()]
    assert not any(token in detail for detail in stored)

    assert submit_entry(client, token).status_code != 401
    listing = main(client.get(LIST).text)
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">1</td>' in listing


def test_bad_key_forms_are_errors(client: Client) -> None:
    sign_in(client, ADMIN)
    url = supplier_url(client, "Acme Health")

    for days in ("0", "3651", "ten", "-1"):
        response = issue(client, url, expires_in_days=days)
        assert response.status_code == 400
        assert 'id="expires_in_days-error"' in response.text
        assert 'id="token"' not in response.text
    assert "This supplier has no keys yet" in client.get(url).text
    missing = post_form(client, "/admin/suppliers/9999/keys", {"label": "x"}, page=LIST)
    assert missing.status_code == 404


def test_revoking_a_key_stops_it_working(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)
    url = supplier_url(client, "Acme Health")
    token = token_in(issue(client, url, label="to revoke").text)
    key_id = re.search(r"<code>([^<]+)</code>", main(client.get(url).text).split('id="keys"')[1])
    assert key_id is not None

    response = post_form(client, f"{url}/keys/{key_id.group(1)}/revoke", {}, page=url)

    assert response.status_code == 303
    assert response.headers["location"] == url
    page = client.get(url).text
    assert f"Revoked the key {key_id.group(1)}" in page
    assert "Revoked " in page
    assert submit_entry(client, token).status_code == 401
    assert any(
        ADMIN.name in actor and action == "key.revoke" for actor, action in actions(services)
    )
    # a key of another supplier cannot be revoked through this supplier's page
    other = supplier_url(client, "Other Ltd")
    refused = post_form(client, f"{other}/keys/{key_id.group(1)}/revoke", {}, page=other)
    assert refused.status_code == 404


def test_the_last_use_is_shown_after_the_key_is_used(client: Client) -> None:
    sign_in(client, ADMIN)
    url = supplier_url(client, "Acme Health")
    token = token_in(issue(client, url).text)
    assert "Never" in main(client.get(url).text).split('id="keys"')[1].split("</tr>")[1]

    submit_entry(client, token)

    row = main(client.get(url).text).split('id="keys"')[1].split("</tr>")[1]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC</td>\s*<td[^>]*>\s*Active", row), row


def test_a_hostile_supplier_name_is_inert(client: Client) -> None:
    sign_in(client, ADMIN)
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    url = supplier_url(client, hostile)

    for html in (client.get(url).text, client.get(LIST).text, issue(client, url).text):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html
