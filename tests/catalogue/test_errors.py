"""Error pages: a form whose CSRF token has expired says so and leads back to the form."""

import re

from litestar import Litestar

from catalogue.errors import form_page_for
from tests.admin.conftest import Client, csrf_token

PARAMETER = re.compile(r"\{(\w+):(\w+)\}")


def form_routes(app: Litestar) -> tuple[list[str], list[re.Pattern[str]]]:
    """Every page address that takes a form post, and a pattern for every page one can open."""
    posts, gets = [], []
    for route in app.routes:
        methods = getattr(route, "methods", ())
        if route.path.startswith("/api/") or route.path == "/health":
            continue
        if "POST" in methods:
            posts.append(route.path)
        if "GET" in methods:
            pattern = PARAMETER.sub(
                lambda m: r"\d+" if m.group(2) == "int" else "[^/]+", route.path
            )
            gets.append(re.compile(f"^{pattern}$"))
    return posts, gets


def concrete(path: str) -> str:
    return PARAMETER.sub(lambda m: "7" if m.group(2) == "int" else "some-thing", path)


def test_an_expired_form_says_so_and_links_back_to_the_form(client: Client) -> None:
    csrf_token(client)
    client.cookies.clear()  # the browser lost the form's cookie: the token is stale

    response = client.post(
        "/admin/login", data={"email": "a@example.nhs.uk", "password": "x", "_csrf_token": "old"}
    )

    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert "Nothing was saved" in response.text
    assert "permission" not in response.text
    assert '<a class="nhsuk-button" href="/admin/login">' in response.text


def test_an_expired_action_form_links_to_the_page_that_holds_it(client: Client) -> None:
    response = client.post("/admin/entries/some-tool/review/approve", data={})

    assert response.status_code == 403
    assert 'href="/admin/entries/some-tool/review"' in response.text


def test_every_form_post_leads_back_to_a_page_that_exists(app: Litestar) -> None:
    posts, gets = form_routes(app)

    assert len(posts) > 20
    for path in posts:
        target = form_page_for(concrete(path))
        assert any(pattern.match(target) for pattern in gets), (path, target)
