"""Signing in to and out of the admin pages; the guards on every admin page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlmodel import Session, select

from registry.accounts import maintainer_principal
from registry.app import create_app
from registry.models import AdminSession, AuditEvent, Maintainer, SignInThrottle
from registry.settings import Settings
from registry.wiring import Services, build_services
from tests.admin.conftest import ADMIN, REVIEWER, Client, csrf_token, main, sign_in, try_sign_in

ADMIN_PAGES = [
    "/admin",
    "/admin/queue",
    "/admin/unmet-needs",
    "/admin/audit",
    "/admin/audit.csv",
    "/admin/vocabularies",
    "/admin/vocabularies/standards",
    "/admin/vocabularies/synonyms",
    "/admin/vocabularies/categories",
    "/admin/vocabularies/care-settings/terms/pharmacy",
]


def audit_actions(services: Services) -> list[tuple[str, str]]:
    with Session(services.engine) as session:
        rows = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
        return [(r.actor, r.action) for r in rows]


def account(services: Services, email: str) -> Maintainer:
    with Session(services.engine) as session:
        found = session.exec(select(Maintainer).where(Maintainer.email == email)).one()
        session.expunge(found)
        return found


def test_login_page_is_a_form_with_labels_and_csrf(client: Client) -> None:
    response = client.get("/admin/login")

    html = main(response.text)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert '<form action="/admin/login" method="post"' in html
    assert 'name="_csrf_token"' in html
    assert '<label class="nhsuk-label" for="email">' in html
    assert '<label class="nhsuk-label" for="password">' in html
    assert html.count("<h1>") == 1


@pytest.mark.usefixtures("maintainers")
def test_sign_in_sets_a_strict_httponly_session_cookie(client: Client) -> None:
    response = try_sign_in(client, REVIEWER.email, REVIEWER.password)

    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("rr_admin="))
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    assert "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # plain HTTP here
    assert REVIEWER.email not in cookie  # encrypted
    home = client.get("/admin")
    assert home.status_code == 200
    assert "Signed in as Rita Reviewer" in home.text


@pytest.mark.usefixtures("maintainers")
def test_session_cookie_is_secure_over_https(app: Litestar) -> None:
    with TestClient(app, base_url="https://testserver.local") as client:
        response = try_sign_in(client, REVIEWER.email, REVIEWER.password)

    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("rr_admin="))
    assert "Secure" in cookie


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_send_anonymous_visitors_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"


def test_review_page_sends_anonymous_visitors_to_sign_in(client: Client) -> None:
    response = client.get("/admin/entries/anything/review", follow_redirects=False)

    assert response.headers["location"] == "/admin/login"


def test_a_forged_session_cookie_is_not_a_sign_in(client: Client) -> None:
    client.cookies.set("rr_admin", "bm90IGEgcmVhbCBzZXNzaW9u", path="/admin")

    response = client.get("/admin", follow_redirects=False)

    assert response.status_code == 303


@pytest.mark.usefixtures("maintainers")
def test_wrong_password_gets_one_generic_message(client: Client, services: Services) -> None:
    wrong = try_sign_in(client, REVIEWER.email, "not the password at all")
    unknown = try_sign_in(client, "nobody@example.nhs.uk", "not the password at all")

    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "The email or password is wrong" in response.text
        assert "try again later" not in response.text.lower()
        assert 'class="nhsuk-error-summary' in response.text
        assert '<a href="#email">' in response.text
    assert main(wrong.text).replace("not the password at all", "") == main(unknown.text).replace(
        "nobody@example.nhs.uk", REVIEWER.email
    ).replace("not the password at all", "")
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_empty_fields_are_asked_for(client: Client) -> None:
    response = try_sign_in(client, "", "")

    assert response.status_code == 400
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text


def test_sign_in_without_csrf_token_is_refused(client: Client) -> None:
    client.get("/admin/login")

    response = client.post(
        "/admin/login", data={"email": REVIEWER.email, "password": REVIEWER.password}
    )

    assert response.status_code == 403


def let_waits_end(services: Services) -> None:
    """As if the client waited as long as it was told to."""
    with Session(services.engine) as session:
        for row in session.exec(select(SignInThrottle)).all():
            row.blocked_until = None
            session.add(row)
        session.commit()


def forget_failures(services: Services) -> None:
    with Session(services.engine) as session:
        for row in session.exec(select(SignInThrottle)).all():
            session.delete(row)
        session.commit()


@pytest.mark.usefixtures("maintainers")
def test_known_and_unknown_emails_get_the_same_pages_after_many_failures(
    client: Client, services: Services
) -> None:
    def attempts(email: str) -> list[str]:
        pages = []
        for number in range(14):
            if number % 3 == 2:
                let_waits_end(services)
            html = main(try_sign_in(client, email, "not the password at all").text)
            # How long to wait depends on the machine's speed, not on the email.
            pages.append(re.sub(r"\d+ (second|minute)s?", "N", html.replace(email, "EMAIL")))
        return pages

    known = attempts(ADMIN.email)
    forget_failures(services)
    unknown = attempts("nobody@example.nhs.uk")

    assert known == unknown
    assert any("Wait" in page for page in known)


@pytest.mark.usefixtures("maintainers")
def test_repeated_failures_ask_the_client_to_wait(client: Client) -> None:
    for _ in range(2):
        assert "Wait" not in try_sign_in(client, ADMIN.email, "wrong password!!").text

    third = try_sign_in(client, ADMIN.email, "wrong password!!")
    right_too_soon = try_sign_in(client, ADMIN.email, ADMIN.password)

    assert "The email or password is wrong. Wait 1 second before trying again" in third.text
    assert right_too_soon.status_code == 400
    assert "Too many wrong attempts to sign in from here. Wait" in right_too_soon.text


@pytest.mark.usefixtures("maintainers")
def test_sign_in_works_once_the_wait_is_over(client: Client, services: Services) -> None:
    for _ in range(6):
        try_sign_in(client, ADMIN.email, "wrong password!!")
        let_waits_end(services)

    sign_in(client, ADMIN)


@pytest.mark.usefixtures("maintainers")
def test_sign_in_and_failures_are_audited(client: Client, services: Services) -> None:
    try_sign_in(client, REVIEWER.email, "wrong password!!")
    sign_in(client, REVIEWER)

    rows = audit_actions(services)
    assert ("anonymous", "maintainer.sign-in-failed") in rows
    assert ("maintainer:Rita Reviewer", "maintainer.sign-in") in rows


@pytest.mark.usefixtures("maintainers")
def test_sign_in_email_ignores_case_and_spaces(client: Client) -> None:
    response = try_sign_in(client, "  RITA@Example.NHS.uk ", REVIEWER.password)

    assert response.status_code == 303


@pytest.mark.usefixtures("maintainers")
def test_sign_out_clears_the_session(client: Client, services: Services) -> None:
    sign_in(client, REVIEWER)
    token = csrf_token(client, "/admin")

    response = client.post("/admin/logout", data={"_csrf_token": token}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"
    assert client.get("/admin", follow_redirects=False).status_code == 303
    assert ("maintainer:Rita Reviewer", "maintainer.sign-out") in audit_actions(services)


@pytest.mark.usefixtures("maintainers")
def test_sign_out_without_csrf_token_is_refused(client: Client) -> None:
    sign_in(client, REVIEWER)

    response = client.post("/admin/logout", follow_redirects=False)

    assert response.status_code == 403
    assert client.get("/admin", follow_redirects=False).status_code == 200


@pytest.mark.usefixtures("maintainers")
def test_admin_pages_have_the_sub_navigation_and_a_sign_out_button(client: Client) -> None:
    sign_in(client, REVIEWER)

    html = client.get("/admin").text

    assert 'aria-label="Admin pages"' in html
    assert '<a href="/admin/queue">Review queue</a>' in html
    assert '<form class="rr-admin-nav__signout" action="/admin/logout" method="post">' in html
    assert "/admin/audit" not in html  # reviewers do not see the admin-only page


@pytest.mark.usefixtures("maintainers")
def test_reviewer_cannot_see_the_audit_log(client: Client) -> None:
    sign_in(client, REVIEWER)

    page = client.get("/admin/audit")
    export = client.get("/admin/audit.csv")

    assert page.status_code == 403
    assert page.headers["content-type"].startswith("text/html")
    assert "You cannot see this page" in page.text
    assert export.status_code == 403


def test_session_key_is_derived_from_the_secret(settings: Settings) -> None:
    from catalogue.admin.session import session_key

    assert len(session_key("a")) == 32
    assert session_key("a") != session_key("b")
    assert session_key("a") != b"a".ljust(32, b"\0")


@pytest.mark.usefixtures("maintainers")
def test_a_session_ends_8_hours_after_sign_in(client: Client, services: Services) -> None:
    sign_in(client, REVIEWER)
    with Session(services.engine) as session:
        row = session.exec(select(AdminSession)).one()
        created = row.created_at.replace(tzinfo=row.created_at.tzinfo or UTC)
        expires = row.expires_at.replace(tzinfo=row.expires_at.tzinfo or UTC)
        assert expires - created == timedelta(hours=8)
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.add(row)
        session.commit()

    assert client.get("/admin", follow_redirects=False).headers["location"] == "/admin/login"


def copied_cookie(client: Client) -> str:
    value = client.cookies.get("rr_admin")
    assert value
    return value


def holding(client: Client, cookie: str) -> Client:
    """The client as another browser (or an attacker) holding a copy of a session cookie."""
    client.cookies.clear()
    client.cookies.set("rr_admin", cookie, path="/admin")
    return client


def sign_out(client: Client) -> None:
    token = csrf_token(client, "/admin")
    response = client.post("/admin/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303


@pytest.mark.usefixtures("maintainers")
def test_a_copied_cookie_stops_working_after_sign_out(client: Client) -> None:
    sign_in(client, REVIEWER)
    stolen = copied_cookie(client)
    assert holding(client, stolen).get("/admin", follow_redirects=False).status_code == 200
    sign_in(client, REVIEWER)

    sign_out(holding(client, stolen))

    assert holding(client, stolen).get("/admin", follow_redirects=False).status_code == 303


@pytest.mark.usefixtures("maintainers")
def test_signing_out_ends_only_that_session(client: Client) -> None:
    sign_in(client, REVIEWER)
    laptop = copied_cookie(client)
    client.cookies.clear()
    sign_in(client, REVIEWER)

    sign_out(client)

    assert holding(client, laptop).get("/admin", follow_redirects=False).status_code == 200


def maintainer_id(services: Services, email: str) -> int:
    found = account(services, email).id
    assert found is not None
    return found


@pytest.mark.usefixtures("maintainers")
@pytest.mark.parametrize("change", ["password", "role", "removal"])
def test_account_changes_end_the_maintainers_sessions(
    client: Client, services: Services, change: str
) -> None:
    sign_in(client, REVIEWER)
    stolen = copied_cookie(client)
    actor = maintainer_principal(account(services, ADMIN.email))
    target = maintainer_id(services, REVIEWER.email)

    if change == "password":
        services.accounts.set_password(target, "a brand new password", actor)
    elif change == "role":
        services.accounts.change_role(target, "admin", actor)
    else:
        services.accounts.remove_access(target, actor)

    assert client.get("/admin", follow_redirects=False).status_code == 303
    assert holding(client, stolen).get("/admin", follow_redirects=False).status_code == 303


@pytest.mark.usefixtures("maintainers")
def test_a_session_ended_on_one_instance_ends_on_another(
    settings: Settings, services: Services, client: Client
) -> None:
    sign_in(client, REVIEWER)
    stolen = copied_cookie(client)
    second = create_app(settings, build_services(settings, services.engine))
    with TestClient(second) as other_instance:
        holding(other_instance, stolen)
        assert other_instance.get("/admin", follow_redirects=False).status_code == 200

        sign_out(client)

        assert other_instance.get("/admin", follow_redirects=False).status_code == 303


@pytest.mark.usefixtures("maintainers")
def test_a_session_ends_when_the_account_is_removed(client: Client, services: Services) -> None:
    sign_in(client, REVIEWER)
    with Session(services.engine) as session:
        person = session.exec(select(Maintainer).where(Maintainer.email == REVIEWER.email)).one()
        person.password_hash = None
        session.add(person)
        session.commit()

    assert client.get("/admin", follow_redirects=False).status_code == 303
