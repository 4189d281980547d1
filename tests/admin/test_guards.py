"""Every admin route, enumerated from the app: anonymous visitors are sent to sign in and
reviewers are refused admin-only routes. A new route fails here until it is guarded (and,
if reviewers may use it, listed in REVIEWER_ROUTES)."""

import re

import httpx
import pytest
from litestar import Litestar
from sqlmodel import Session, func, select

from registry.models import AuditEvent
from registry.wiring import Services
from tests.admin.conftest import ADMIN, REVIEWER, Client, csrf_token, sign_in

#: Routes for everyone: signing in and out.
OPEN_ROUTES = {("GET", "/admin/login"), ("POST", "/admin/login"), ("POST", "/admin/logout")}
#: Routes a reviewer may use; every other admin route is for admins only.
REVIEWER_ROUTES = {
    ("GET", "/admin"),
    ("GET", "/admin/queue"),
    ("GET", "/admin/unmet-needs"),
    ("GET", "/admin/quality"),
    ("GET", "/admin/entries"),
    ("GET", "/admin/entries/new"),
    ("POST", "/admin/entries/new"),
    ("GET", "/admin/entries/{entry_id:str}/review"),
    ("POST", "/admin/entries/{entry_id:str}/review/{action:str}"),
    ("GET", "/admin/entries/{entry_id:str}/edit"),
    ("POST", "/admin/entries/{entry_id:str}/edit"),
    ("POST", "/admin/entries/{entry_id:str}/deprecate"),
    ("POST", "/admin/entries/{entry_id:str}/retire"),
    ("POST", "/admin/entries/{entry_id:str}/merge"),
    ("GET", "/admin/duplicates"),
    ("POST", "/admin/duplicates/refresh"),
    ("GET", "/admin/duplicates/{proposal_id:int}"),
    ("POST", "/admin/duplicates/{proposal_id:int}/approve"),
    ("POST", "/admin/duplicates/{proposal_id:int}/dismiss"),
}
PARAMETER = re.compile(r"\{(\w+):(\w+)\}")


def admin_routes(app: Litestar) -> list[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if route.path == "/admin" or route.path.startswith("/admin/"):
            for method in getattr(route, "methods", ()):
                if method not in ("HEAD", "OPTIONS"):
                    found.add((method, route.path))
    return sorted(found)


def concrete(path: str) -> str:
    return PARAMETER.sub(lambda m: "1" if m.group(2) == "int" else "no-such-thing", path)


def audit_rows(services: Services) -> int:
    with Session(services.engine) as session:
        return int(session.exec(select(func.count()).select_from(AuditEvent)).one())


def call(client: Client, method: str, path: str) -> httpx.Response:
    """The route with made-up path values and, for a form, a valid CSRF token."""
    if method == "GET":
        return client.get(concrete(path), follow_redirects=False)
    token = csrf_token(client)
    return client.request(
        method, concrete(path), data={"_csrf_token": token}, follow_redirects=False
    )


def test_the_enumeration_sees_every_kind_of_admin_route(app: Litestar) -> None:
    routes = admin_routes(app)

    assert set(routes) >= REVIEWER_ROUTES
    assert ("POST", "/admin/suppliers") in routes
    assert len(routes) >= len(REVIEWER_ROUTES) + len(OPEN_ROUTES) + 4


def test_every_admin_route_sends_anonymous_visitors_to_sign_in(
    app: Litestar, client: Client, services: Services
) -> None:
    before = audit_rows(services)
    for method, path in admin_routes(app):
        if (method, path) in OPEN_ROUTES:
            continue
        response = call(client, method, path)
        assert response.status_code == 303, (method, path, response.status_code)
        assert response.headers["location"] == "/admin/login", (method, path)
    assert audit_rows(services) == before


@pytest.mark.usefixtures("maintainers")
def test_reviewers_are_refused_every_route_not_listed_for_them(
    app: Litestar, client: Client, services: Services
) -> None:
    sign_in(client, REVIEWER)
    before = audit_rows(services)
    for method, path in admin_routes(app):
        if (method, path) in OPEN_ROUTES:
            continue
        status = call(client, method, path).status_code
        if (method, path) in REVIEWER_ROUTES:
            assert status != 403, (method, path)
            assert status < 500, (method, path, status)
        else:
            assert status == 403, (method, path, status)
    assert audit_rows(services) == before


@pytest.mark.usefixtures("maintainers")
def test_every_admin_form_refuses_a_post_without_the_csrf_token(
    app: Litestar, client: Client, services: Services
) -> None:
    sign_in(client, ADMIN)
    before = audit_rows(services)
    for method, path in admin_routes(app):
        if method == "GET" or (method, path) in OPEN_ROUTES:
            continue
        response = client.request(method, concrete(path), data={}, follow_redirects=False)
        assert response.status_code == 403, (method, path, response.status_code)
    assert audit_rows(services) == before
