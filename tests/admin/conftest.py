"""Maintainers who sign in to the admin pages, and helpers to sign in and post forms."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from registry import accounts
from registry.auth import OPERATOR
from registry.wiring import Services

Client = TestClient[Litestar]
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    password: str = PASSWORD


REVIEWER = Person("rita@example.nhs.uk", "Rita Reviewer")
ADMIN = Person("ada@example.nhs.uk", "Ada Admin")


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Sign-in sees one moment, so a wait never ends by itself however slow the machine."""
    now = datetime.now(UTC)
    monkeypatch.setattr(accounts, "utcnow", lambda: now)
    return now


@pytest.fixture
def maintainers(services: Services) -> None:
    """A reviewer and an admin who can sign in."""
    for person, role in ((REVIEWER, "reviewer"), (ADMIN, "admin")):
        services.accounts.create_maintainer(
            email=person.email,
            role=role,
            name=person.name,
            password=person.password,
            actor=OPERATOR,
        )


def csrf_token(client: Client, url: str = "/admin/login") -> str:
    """Open a page with a form (setting the `rr_csrf` cookie) and read its hidden token."""
    html = client.get(url).text
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found is not None, html
    return found.group(1)


def post_form(
    client: Client, url: str, form: dict[str, Any], page: str = "/admin/login"
) -> httpx.Response:
    token = csrf_token(client, page)
    return client.post(url, data={**form, "_csrf_token": token}, follow_redirects=False)


def try_sign_in(client: Client, email: str, password: str) -> httpx.Response:
    return post_form(client, "/admin/login", {"email": email, "password": password})


def sign_in(client: Client, person: Person) -> None:
    response = try_sign_in(client, person.email, person.password)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/admin"


def main(html: str) -> str:
    """The page's main content, and the admin sub-navigation before it."""
    return html[html.index('<div class="nhsuk-width-container') : html.index("</main>")]


def assert_error_links_resolve(html: str) -> None:
    """Every link in the error summary leads to an element on the page."""
    summary = html[html.index("nhsuk-error-summary") :]
    summary = summary[: summary.index("</div>")]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets, "the error summary links to nothing"
    for target in targets:
        assert f'id="{target}"' in html, f"the error summary links to #{target}, not on the page"
