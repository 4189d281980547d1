"""The vocabulary pages: admins add, edit and remove category and care-setting terms and
synonym groups, see the standards, and a change shows in search and on the pages."""

import re
from typing import Any

import httpx
import pytest
from sqlmodel import Session, col, select

from registry.models import AuditEvent
from registry.wiring import Services
from tests.admin.conftest import ADMIN, REVIEWER, Client, csrf_token, main, post_form, sign_in

pytestmark = pytest.mark.usefixtures("maintainers")

ROOT = "/admin/vocabularies"
CATEGORIES = f"{ROOT}/categories"
SYNONYMS = f"{ROOT}/synonyms"
PAGES = [
    ROOT,
    f"{ROOT}/standards",
    SYNONYMS,
    CATEGORIES,
    f"{ROOT}/care-settings",
    f"{CATEGORIES}/terms/terminology",
]
#: Every form on the pages, with a valid change.
FORMS: list[tuple[str, dict[str, str]]] = [
    (f"{CATEGORIES}/terms", {"id": "care-homes", "label": "Care homes"}),
    (f"{CATEGORIES}/terms/terminology", {"label": "Renamed"}),
    (f"{CATEGORIES}/terms/terminology/remove", {}),
    (SYNONYMS, {"terms": "zebra\nhorse"}),
    (f"{SYNONYMS}/store", {}),
    (f"{SYNONYMS}/1", {"terms": "zebra\nhorse"}),
    (f"{SYNONYMS}/1/remove", {}),
]


def audit(services: Services, prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
    with Session(services.engine) as session:
        rows = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        return [(r.actor, r.action, r.detail) for r in rows if r.action.startswith(prefix)]


def labels(services: Services, name: str = "categories") -> dict[str, str]:
    return {t.id: t.label for t in services.entries.vocabulary(name).terms}


def add_term(client: Client, **form: str) -> httpx.Response:
    return post_form(client, f"{CATEGORIES}/terms", form, page=CATEGORIES)


def add_group(client: Client, *terms: str) -> httpx.Response:
    return post_form(client, SYNONYMS, {"terms": "\n".join(terms)}, page=SYNONYMS)


def group_id(services: Services, term: str) -> int:
    return next(g.id for g in services.vocabularies.synonym_groups().groups if term in g.terms)


def search_total(client: Client, text: str) -> int:
    total: int = client.get("/api/v1/search", params={"q": text}).json()["total"]
    return total


def assert_field_error(response: httpx.Response, field: str, message: str) -> None:
    assert response.status_code == 400
    html = main(response.text)
    assert "There is a problem" in html
    assert f'href="#{field}"' in html
    error = re.search(
        rf'<span class="nhsuk-error-message" id="{field}-error">(.*?)</span>\s*<', html
    )
    assert error is not None, html
    assert message in error.group(0)
    group = html[: html.index(f'id="{field}-error"')].rsplit('<div class="nhsuk-form-group', 1)[1]
    assert group.startswith(" nhsuk-form-group--error")
    assert f'aria-describedby="{field}-hint {field}-error"' in html


# who may use the pages ---------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"


@pytest.mark.usefixtures("seeded")
def test_reviewers_are_refused_every_page_and_form(services: Services, client: Client) -> None:
    sign_in(client, REVIEWER)
    token = csrf_token(client, "/admin/queue")

    for path in PAGES:
        assert client.get(path).status_code == 403, path
    for path, form in FORMS:
        response = client.post(path, data={**form, "_csrf_token": token})
        assert response.status_code == 403, path
    assert audit(services, "vocabulary.term") == audit(services, "synonyms.group") == []
    assert labels(services)["terminology"] == "Terminology"


@pytest.mark.usefixtures("seeded")
def test_a_form_without_the_csrf_token_is_refused(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)
    client.get(CATEGORIES)

    for path, form in FORMS:
        response = client.post(path, data=form, follow_redirects=False)
        assert response.status_code == 403, path
    assert "care-homes" not in labels(services)
    assert audit(services, "vocabulary.term") == []
    assert [action for _, action, _ in audit(services, "synonyms")] == ["synonyms.seed"]


# the overview and the standards -------------------------------------------------------------
@pytest.mark.usefixtures("seeded")
def test_the_overview_links_the_four_vocabularies(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)

    response = client.get(ROOT)

    html = main(response.text)
    assert response.headers["cache-control"] == "no-store"
    for href, title in [
        (CATEGORIES, "Categories"),
        (f"{ROOT}/care-settings", "Care settings"),
        (f"{ROOT}/standards", "Standards"),
        (SYNONYMS, "Search synonyms"),
    ]:
        assert f'<a href="{href}">{title}</a>' in html
    assert f"{len(labels(services))} terms" in html
    assert f"{len(services.vocabularies.synonym_groups().groups)} groups" in html


@pytest.mark.usefixtures("seeded")
def test_the_standards_page_links_each_standard_to_the_entry_form(
    services: Services, client: Client
) -> None:
    sign_in(client, ADMIN)

    html = main(client.get(f"{ROOT}/standards").text)

    standards = services.entries.vocabulary("standards").terms
    assert len(standards) > 5
    for standard in standards:
        assert f'<a href="/entries/{standard.id}">{standard.label}</a>' in html
        assert f'href="/admin/entries/{standard.id}/edit"' in html
    assert 'href="/admin/entries/new?kind=standard"' in html


# terms -------------------------------------------------------------------------------------
@pytest.mark.usefixtures("seeded")
def test_admin_adds_a_term(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)

    response = add_term(client, id="care-homes", label="Care homes", description="Nursing homes.")

    assert response.status_code == 303
    assert response.headers["location"] == CATEGORIES
    page = main(client.get(CATEGORIES).text)
    assert "Added the term Care homes (care-homes)" in page
    assert '<tr class="nhsuk-table__row" id="term-care-homes">' in page
    assert labels(services)["care-homes"] == "Care homes"
    public = client.get("/api/v1/vocabularies/categories").json()["terms"]
    assert public[-1] == {
        "id": "care-homes",
        "label": "Care homes",
        "description": "Nursing homes.",
    }
    assert audit(services, "vocabulary.term") == [
        (
            f"maintainer:{ADMIN.name}",
            "vocabulary.term.add",
            {
                "vocabulary": "categories",
                "id": "care-homes",
                "label": "Care homes",
                "description": "Nursing homes.",
            },
        )
    ]


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"id": "", "label": "Care homes"}, "id", "Enter an id"),
        ({"id": "Care Homes", "label": "Care homes"}, "id", "lower-case letters"),
        ({"id": "terminology", "label": "Care homes"}, "id", "already a term with the id"),
        ({"id": "care-homes", "label": "  "}, "label", "Enter a label"),
        ({"id": "care-homes", "label": "x" * 201}, "label", "200 characters or fewer"),
        (
            {"id": "care-homes", "label": "Care", "description": "x" * 1001},
            "description",
            "1000 characters or fewer",
        ),
    ],
)
@pytest.mark.usefixtures("seeded")
def test_an_invalid_term_is_shown_next_to_its_field_and_not_stored(
    services: Services, client: Client, form: dict[str, str], field: str, message: str
) -> None:
    sign_in(client, ADMIN)
    before = labels(services)

    response = add_term(client, **form)

    assert_field_error(response, field, message)
    assert response.headers["cache-control"] == "no-store"
    assert f'value="{form["id"]}"' in response.text  # what was typed stays
    assert labels(services) == before
    assert audit(services, "vocabulary.term") == []


@pytest.mark.usefixtures("seeded")
def test_a_new_label_shows_at_once_on_entry_and_search_pages(
    services: Services, client: Client
) -> None:
    sign_in(client, ADMIN)
    url = f"{CATEGORIES}/terms/public-health-surveillance"
    assert "Outbreak watch" not in client.get("/entries/sormas").text

    response = post_form(
        client, url, {"label": "Outbreak watch", "description": "Spotting outbreaks."}, page=url
    )

    assert response.status_code == 303
    assert response.headers["location"] == CATEGORIES
    assert (
        "Saved the term Outbreak watch (public-health-surveillance)" in client.get(CATEGORIES).text
    )
    assert labels(services)["public-health-surveillance"] == "Outbreak watch"
    # Pages read labels from the vocabulary as they render; the index holds only the ids.
    assert "Outbreak watch" in client.get("/entries/sormas").text
    assert "Outbreak watch" in client.get("/search", params={"q": "sormas"}).text
    assert "Outbreak watch" in client.get("/browse").text
    [(actor, action, detail)] = audit(services, "vocabulary.term")
    assert (actor, action) == (f"maintainer:{ADMIN.name}", "vocabulary.term.update")
    assert detail["after"] == {"label": "Outbreak watch", "description": "Spotting outbreaks."}


@pytest.mark.usefixtures("seeded")
def test_an_invalid_label_is_shown_on_the_term_page(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)
    url = f"{CATEGORIES}/terms/terminology"

    response = post_form(client, url, {"label": "", "description": ""}, page=url)

    assert_field_error(response, "label", "Enter a label")
    assert labels(services)["terminology"] == "Terminology"


@pytest.mark.usefixtures("seeded")
def test_an_unused_term_is_removed(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)
    add_term(client, id="care-homes", label="Care homes")
    url = f"{CATEGORIES}/terms/care-homes"
    assert "No entry uses this term" in client.get(url).text

    response = post_form(client, f"{url}/remove", {}, page=url)

    assert response.status_code == 303
    assert "Removed the term Care homes (care-homes)" in client.get(CATEGORIES).text
    assert "care-homes" not in labels(services)
    assert client.get(url).status_code == 404
    assert [a for _, a, _ in audit(services, "vocabulary.term")] == [
        "vocabulary.term.add",
        "vocabulary.term.remove",
    ]


@pytest.mark.usefixtures("seeded")
def test_a_term_in_use_is_not_removed(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)
    used = next(u for u in services.vocabularies.terms("categories") if u.entries > 1)
    url = f"{CATEGORIES}/terms/{used.term.id}"
    listing = main(client.get(CATEGORIES).text)
    row = listing.split(f'id="term-{used.term.id}"')[1].split("</tr>")[0]
    assert f">{used.entries}</td>" in row
    assert "so it cannot be removed" in client.get(url).text

    response = post_form(client, f"{url}/remove", {}, page=url)

    assert response.status_code == 409
    assert f"{used.entries} entries use it" in main(response.text)
    assert 'href="#remove"' in response.text
    assert used.term.id in labels(services)
    assert audit(services, "vocabulary.term") == []


@pytest.mark.usefixtures("seeded")
def test_unknown_vocabularies_and_terms_are_not_found(client: Client) -> None:
    sign_in(client, ADMIN)

    assert client.get(f"{ROOT}/nope").status_code == 404
    assert client.get(f"{CATEGORIES}/terms/no-such-term").status_code == 404
    missing = post_form(client, f"{CATEGORIES}/terms/no-such-term", {"label": "X"}, page=ROOT)
    assert missing.status_code == 404
    assert client.get(f"{SYNONYMS}/9999").status_code == 404


@pytest.mark.usefixtures("seeded")
def test_a_hostile_label_is_inert(client: Client) -> None:
    sign_in(client, ADMIN)
    hostile = '<script>alert("x")</script>'

    add_term(client, id="hostile", label=hostile)

    for path in (CATEGORIES, f"{CATEGORIES}/terms/hostile"):
        html = client.get(path).text
        assert "<script>alert" not in html
        assert "&lt;script&gt;" in html


# synonym groups ----------------------------------------------------------------------------
@pytest.mark.usefixtures("seeded")
def test_an_added_group_finds_entries_by_the_new_term_until_removed(
    services: Services, client: Client
) -> None:
    sign_in(client, ADMIN)
    assert search_total(client, "zubrowka") == 0

    response = add_group(client, "Zubrowka", "sormas")

    assert response.status_code == 303
    assert response.headers["location"] == SYNONYMS
    assert "Added the synonym group zubrowka, sormas" in client.get(SYNONYMS).text
    found = client.get("/api/v1/search", params={"q": "zubrowka"}).json()
    assert [hit["id"] for hit in found["items"]] == ["sormas"]
    assert "SORMAS" in client.get("/search", params={"q": "zubrowka"}).text
    group = group_id(services, "zubrowka")

    removed = post_form(client, f"{SYNONYMS}/{group}/remove", {}, page=SYNONYMS)

    assert removed.status_code == 303
    assert "Removed the synonym group zubrowka, sormas" in client.get(SYNONYMS).text
    assert search_total(client, "zubrowka") == 0
    assert [(actor, action) for actor, action, _ in audit(services, "synonyms.group")] == [
        (f"maintainer:{ADMIN.name}", "synonyms.group.add"),
        (f"maintainer:{ADMIN.name}", "synonyms.group.remove"),
    ]


@pytest.mark.usefixtures("seeded")
def test_an_edited_group_changes_what_search_finds(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)
    add_group(client, "zubrowka", "sormas")
    url = f"{SYNONYMS}/{group_id(services, 'zubrowka')}"
    assert "zubrowka\nsormas</textarea>" in client.get(url).text

    response = post_form(client, url, {"terms": "flibbertigibbet\nsormas"}, page=url)

    assert response.status_code == 303
    assert "Saved the synonym group flibbertigibbet, sormas" in client.get(SYNONYMS).text
    assert search_total(client, "zubrowka") == 0
    assert search_total(client, "flibbertigibbet") == 1
    [(_, _, detail)] = audit(services, "synonyms.group.update")
    assert detail["after"] == ["flibbertigibbet", "sormas"]


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("zebra", "A group needs at least two terms"),
        ("zebra\n" + "x" * 101, "longer than 100 characters"),
        ("zebra\nGP", "The term &#39;gp&#39; is already in the group gp, general practice"),
    ],
)
@pytest.mark.usefixtures("seeded")
def test_an_invalid_group_is_shown_next_to_the_field_and_not_stored(
    services: Services, client: Client, terms: str, message: str
) -> None:
    sign_in(client, ADMIN)
    before = services.vocabularies.synonym_groups()

    response = add_group(client, *terms.split("\n"))

    assert_field_error(response, "terms", message)
    assert "zebra" in response.text.split('id="terms"')[1]  # what was typed stays
    assert services.vocabularies.synonym_groups() == before
    assert audit(services, "synonyms.group") == []


@pytest.mark.usefixtures("seeded")
def test_an_edit_taking_another_groups_term_is_shown_and_not_stored(
    services: Services, client: Client
) -> None:
    sign_in(client, ADMIN)
    add_group(client, "zebra", "horse")
    url = f"{SYNONYMS}/{group_id(services, 'zebra')}"

    response = post_form(client, url, {"terms": "zebra\na&e"}, page=url)

    assert_field_error(response, "terms", "already in the group a&amp;e")
    assert ("zebra", "horse") in [g.terms for g in services.vocabularies.synonym_groups().groups]


@pytest.mark.usefixtures("seeded")
def test_spellings_are_shown_read_only(client: Client) -> None:
    sign_in(client, ADMIN)

    html = main(client.get(SYNONYMS).text)

    spellings = html.split("<h2>Spelling variants</h2>")[1]
    assert "cannot be changed here" in spellings
    assert (
        '<td class="nhsuk-table__cell">paediatric</td><td class="nhsuk-table__cell">pediatric</td>'
        in spellings
    )
    assert "<form" not in spellings


def test_groups_never_stored_are_the_files_until_stored(services: Services, client: Client) -> None:
    sign_in(client, ADMIN)
    page = main(client.get(SYNONYMS).text)
    assert "not yet stored" in page
    assert "<li>a&amp;e, emergency department, accident and emergency</li>" in page

    response = post_form(client, f"{SYNONYMS}/store", {}, page=SYNONYMS)

    assert response.status_code == 303
    stored = services.vocabularies.synonym_groups()
    assert stored.stored
    page = main(client.get(SYNONYMS).text)
    assert f"Stored {len(stored.groups)} synonym groups" in page
    assert "not yet stored" not in page
    assert f'href="{SYNONYMS}/{stored.groups[0].id}"' in page
    assert [a for _, a, _ in audit(services, "synonyms")] == ["synonyms.seed"]


@pytest.mark.usefixtures("seeded")
def test_pages_have_labelled_fields_captioned_tables_and_no_positive_tabindex(
    services: Services, client: Client
) -> None:
    sign_in(client, ADMIN)
    add_group(client, "zebra", "horse")
    pages = [*PAGES, f"{SYNONYMS}/{group_id(services, 'zebra')}"]

    for path in pages:
        html = main(client.get(path).text)
        assert not re.search(r'tabindex="[1-9]', html), path
        assert html.count("<table") == html.count("<caption"), path
        for field in re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', html):
            assert f'<label class="nhsuk-label" for="{field}">' in html, (path, field)
        assert html.count("<fieldset") == html.count("<legend"), path
