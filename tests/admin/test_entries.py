"""Curation pages: find, edit, add, deprecate, retire and merge entries."""

import re
from datetime import date, timedelta
from html import unescape
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from registry.auth import OPERATOR
from registry.errors import NotFound
from registry.models import AuditEvent, Revision
from registry.wiring import Services
from tests.admin.conftest import (
    ADMIN,
    REVIEWER,
    Client,
    assert_error_links_resolve,
    main,
    post_form,
    sign_in,
)
from tests.admin.test_review import proposed, submitted
from tests.catalogue.test_compare import SCRIPT
from tests.conftest import Keys
from tests.test_services import published, who

pytestmark = pytest.mark.usefixtures("maintainers")


def edit_page(client: Client, entry_id: str) -> str:
    response = client.get(f"/admin/entries/{entry_id}/edit")
    assert response.status_code == 200, response.text
    return response.text


def form_values(html: str) -> dict[str, Any]:
    """What the edit form would post as it stands: inputs, textareas, selects, checkboxes."""
    start = html.index('action="/admin/entries/')
    form = html[start : html.index("</form>", start)]
    values: dict[str, Any] = {}
    for tag in re.finditer(r"<input [^>]*>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag.group(0)))
        if "name" not in attrs:
            continue
        if attrs.get("type") == "checkbox":
            if " checked" in tag.group(0):
                values.setdefault(attrs["name"], []).append(attrs["value"])
        else:
            values[attrs["name"]] = unescape(attrs.get("value", ""))
    for name, text in re.findall(
        r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S
    ):
        values[name] = unescape(text)
    for name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


def save(client: Client, entry_id: str, **changes: Any) -> httpx.Response:
    values = form_values(edit_page(client, entry_id))
    values.update(changes)
    return post_form(
        client, f"/admin/entries/{entry_id}/edit", values, page=f"/admin/entries/{entry_id}/edit"
    )


def revisions(services: Services, entry_id: str) -> list[Revision]:
    with Session(services.engine) as session:
        found = session.exec(
            select(Revision).where(Revision.entry_id == entry_id).order_by(Revision.number)  # type: ignore[arg-type]
        ).all()
        return list(found)


def audit(services: Services, action: str) -> list[AuditEvent]:
    with Session(services.engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def document(services: Services, entry_id: str) -> dict[str, Any]:
    return services.entries.get(entry_id, OPERATOR).document


def field_error(html: str, name: str) -> str:
    found = re.search(rf'id="{re.escape(name)}-error"><span[^>]*>Error:</span> ([^<]*)<', html)
    assert found is not None, f"no error next to {name}"
    return found.group(1)


# finding -----------------------------------------------------------------------------
def test_the_finder_lists_entries_in_every_state_by_id_or_name(
    services: Services, keys: Keys, client: Client
) -> None:
    published(services, keys, id="blood-tracker", name="Blood Tracker")
    submitted(services, keys, id="bloodless-form", name="Form Builder")
    published(services, keys, id="other-thing", name="Other Thing")
    sign_in(client, REVIEWER)

    html = main(client.get("/admin/entries?q=BLOOD").text)

    assert "2 entries found" in html
    assert '<a href="/admin/entries/blood-tracker/edit">Blood Tracker</a>' in html
    assert '<a href="/admin/entries/bloodless-form/edit">Form Builder</a>' in html
    assert "/admin/entries/bloodless-form/review" in html  # waiting for review
    assert "Other Thing" not in html
    only_submitted = main(client.get("/admin/entries?q=blood&state=submitted").text)
    assert "1 entry found" in only_submitted
    assert "Blood Tracker" not in only_submitted


def test_the_finder_treats_like_wildcards_as_text(
    services: Services, keys: Keys, client: Client
) -> None:
    published(services, keys, id="plain-tool", name="Plain Tool")
    sign_in(client, REVIEWER)

    assert "0 entries found" in main(client.get("/admin/entries?q=%25").text)
    assert "0 entries found" in main(client.get("/admin/entries?q=_lain").text)


# editing -----------------------------------------------------------------------------
def test_the_edit_form_shows_the_entry_in_labelled_fields(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(
        services, keys, id="form-tool", name="Form Tool", urls={"homepage": "https://e.org"}
    )
    sign_in(client, REVIEWER)

    html = edit_page(client, entry_id)
    values = form_values(html)

    assert values["name"] == "Form Tool"
    assert values["status"] == "live"
    assert values["urls-homepage"] == "https://e.org"
    assert "owner:" in values["other"]
    assert "Example NHS Trust" in values["other"]
    for name in ("name", "summary", "licence", "reason", "other", "urls-homepage"):
        assert re.search(rf'<label class="nhsuk-label[^"]*" for="{name}">', html), name
    assert html.count('name="_csrf_token"') >= 3  # edit, lifecycle and merge forms


def test_saving_publishes_a_revision_with_the_maintainer_and_reason(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="save-tool", name="Save Tool")
    sign_in(client, REVIEWER)

    response = save(
        client,
        entry_id,
        summary="Books and reminds appointments for community clinics.",
        reason="Clearer summary from the supplier's website",
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/entries/save-tool/edit"
    after = document(services, entry_id)
    assert after["summary"] == "Books and reminds appointments for community clinics."
    assert after["owner"] == {"name": "Example NHS Trust", "url": "https://example.nhs.uk"}
    last = revisions(services, entry_id)[-1]
    assert (last.action, last.author, last.reason) == (
        "update",
        f"maintainer:{REVIEWER.name}",
        "Clearer summary from the supplier's website",
    )
    row = audit(services, "entry.update")[-1]
    assert row.actor == f"maintainer:{REVIEWER.name}"
    assert row.entry_id == entry_id
    assert "Saved your changes to Save Tool" in client.get(response.headers["location"]).text


def test_problems_are_shown_next_to_their_fields_and_nothing_is_saved(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="bad-tool", name="Bad Tool")
    before = len(revisions(services, entry_id))
    sign_in(client, REVIEWER)

    response = save(
        client,
        entry_id,
        summary="",
        licence="Not-A-Licence",
        **{"urls-documentation": "not a url", "reason": "Tidy up"},
    )

    assert response.status_code == 400
    html = response.text
    assert_error_links_resolve(html)
    assert "<title>Error: " in html
    assert "required" in field_error(html, "summary")
    assert "Not-A-Licence" in field_error(html, "licence")
    assert field_error(html, "urls-documentation")
    assert 'href="#summary"' in html  # the error summary links to the field
    assert 'aria-describedby="summary-hint summary-error"' in html
    assert 'value="Not-A-Licence"' in html  # what was typed is kept
    assert len(revisions(services, entry_id)) == before


def test_problems_inside_the_yaml_box_name_their_path(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="yaml-tool", name="Yaml Tool")
    sign_in(client, REVIEWER)

    broken = save(client, entry_id, other="owner: [unclosed", reason="Try")
    wrong = save(client, entry_id, other="owner:\n  name: X\n  url: nope\nname: Y", reason="Try")

    assert broken.status_code == 400
    assert "not valid YAML" in field_error(broken.text, "other")
    assert wrong.status_code == 400
    assert "Change &#39;name&#39; in its own field" in wrong.text
    assert document(services, entry_id)["owner"]["url"] == "https://example.nhs.uk"


def test_a_yaml_error_names_the_line_and_column_not_a_placeholder(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="where-tool", name="Where Tool")
    sign_in(client, REVIEWER)

    broken = save(client, entry_id, other="owner:\n  name: X\n   url: [", reason="Try")

    message = field_error(broken.text, "other")
    assert "&lt;text&gt;" not in broken.text
    assert "<text>" not in message
    assert message.startswith("The other fields are not valid YAML (at line 3, column")


def test_broken_yaml_does_not_hide_the_other_problems_on_the_form(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="many-tool", name="Many Tool")
    sign_in(client, REVIEWER)
    before = len(revisions(services, entry_id))

    response = save(
        client, entry_id, other="owner: [unclosed", licence="Not-A-Licence", summary="", reason=""
    )

    assert response.status_code == 400
    assert "not valid YAML" in field_error(response.text, "other")
    assert "Not-A-Licence" in field_error(response.text, "licence")
    assert "required" in field_error(response.text, "summary")
    assert "Enter a reason" in field_error(response.text, "reason")
    assert "&#39;owner&#39; is required" not in response.text  # it is in the unread YAML
    assert len(revisions(services, entry_id)) == before


def test_a_reason_is_required(services: Services, keys: Keys, client: Client) -> None:
    entry_id = published(services, keys, id="why-tool", name="Why Tool")
    sign_in(client, REVIEWER)

    response = save(client, entry_id, summary="Something else entirely.", reason=" ")

    assert response.status_code == 400
    assert "Enter a reason" in field_error(response.text, "reason")
    assert document(services, entry_id)["summary"] != "Something else entirely."


def test_a_missing_reason_does_not_hide_the_documents_problems(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="all-tool", name="All Tool")
    sign_in(client, REVIEWER)

    response = save(client, entry_id, licence="Nope-1", reason="")

    assert "Enter a reason" in field_error(response.text, "reason")
    assert "Nope-1" in field_error(response.text, "licence")


def test_an_edit_based_on_an_old_version_does_not_overwrite_a_newer_one(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="race-tool", name="Race Tool")
    sign_in(client, REVIEWER)
    values = form_values(edit_page(client, entry_id))
    # Someone else saves first.
    other = services.entries.get(entry_id, OPERATOR)
    services.entries.update(
        entry_id,
        {**other.document, "summary": "Changed by someone else."},
        OPERATOR,
        [other.etag],
        "Their change",
    )

    response = post_form(
        client,
        f"/admin/entries/{entry_id}/edit",
        {**values, "name": "My New Name", "reason": "Mine"},
        page=f"/admin/entries/{entry_id}/edit",
    )

    assert response.status_code == 400
    assert "Someone else changed this entry" in response.text
    assert 'id="changed-since"' in response.text
    assert "Changed by someone else." in response.text
    assert 'value="My New Name"' in response.text
    assert document(services, entry_id)["name"] == "Race Tool"
    # Saving again from this page (which now carries the current version) works.
    again = post_form(
        client,
        f"/admin/entries/{entry_id}/edit",
        form_values(response.text) | {"reason": "Mine, checked"},
        page=f"/admin/entries/{entry_id}/edit",
    )
    assert again.status_code == 303
    assert document(services, entry_id)["name"] == "My New Name"
    assert document(services, entry_id)["summary"] == "Changed by someone else."  # kept


def test_hostile_text_is_shown_as_text(services: Services, keys: Keys, client: Client) -> None:
    entry_id = published(services, keys, id="script-tool", name=f"Tool {SCRIPT}")
    sign_in(client, REVIEWER)

    html = edit_page(client, entry_id)

    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_an_entry_waiting_for_review_or_retired_cannot_be_edited_here(
    services: Services, keys: Keys, client: Client
) -> None:
    waiting = proposed(services, keys, summary="A proposed summary.")
    retired = published(services, keys, id="old-tool", name="Old Tool")
    services.entries.act(retired, "retire", OPERATOR, "Gone")
    sign_in(client, REVIEWER)

    waiting_html = main(edit_page(client, waiting))
    retired_html = main(edit_page(client, retired))

    assert "waiting for review" in waiting_html
    assert f'action="/admin/entries/{waiting}/edit"' not in waiting_html
    assert "retired: it can no longer be edited" in retired_html
    assert 'action="/admin/entries/old-tool/edit"' not in retired_html
    assert 'action="/admin/entries/old-tool/merge"' not in retired_html


def test_an_unknown_entry_is_not_found(client: Client) -> None:
    sign_in(client, REVIEWER)

    assert client.get("/admin/entries/no-such-entry/edit").status_code == 404


# adding ------------------------------------------------------------------------------
def new_entry_form(**changes: Any) -> dict[str, Any]:
    return {
        "id": "new-standard",
        "name": "New Standard",
        "kind": "standard",
        "summary": "A standard for exchanging appointment data.",
        "status": "live",
        "licence": "CC0-1.0",
        "other": "owner:\n  name: Standards Body\n",
        "reason": "Asked for by three suppliers",
        **changes,
    }


def test_a_maintainer_adds_a_published_entry_such_as_a_standard(
    services: Services, client: Client
) -> None:
    sign_in(client, REVIEWER)
    page = client.get("/admin/entries/new?kind=standard").text
    assert '<option value="standard" selected>' in page

    response = post_form(client, "/admin/entries/new", new_entry_form(), page="/admin/entries/new")

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/entries/new-standard/edit"
    view = services.entries.get("new-standard", None)
    assert view.state == "published"
    first = revisions(services, "new-standard")[0]
    assert (first.action, first.author, first.reason) == (
        "create",
        f"maintainer:{REVIEWER.name}",
        "Asked for by three suppliers",
    )
    standards = services.entries.vocabulary("standards").ids()
    assert "new-standard" in standards
    assert client.get("/entries/new-standard").status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id": "Not An Id"}, "id", "lower-case letters"),
        ({"id": ""}, "id", "lower-case letters"),
        ({"name": ""}, "name", "required"),
        ({"reason": ""}, "reason", "Enter a reason"),
        ({"categories": ["no-such-category"]}, "categories", "no-such-category"),
    ],
)
def test_adding_shows_problems_next_to_fields(
    services: Services, client: Client, changes: dict[str, Any], field: str, message: str
) -> None:
    sign_in(client, REVIEWER)

    response = post_form(
        client, "/admin/entries/new", new_entry_form(**changes), page="/admin/entries/new"
    )

    assert response.status_code == 400
    assert message in field_error(response.text, field)
    with pytest.raises(NotFound):
        services.entries.get("new-standard", OPERATOR)


def test_adding_an_existing_id_is_refused(services: Services, keys: Keys, client: Client) -> None:
    published(services, keys, id="new-standard", name="Taken")
    sign_in(client, REVIEWER)

    response = post_form(client, "/admin/entries/new", new_entry_form(), page="/admin/entries/new")

    assert response.status_code == 400
    assert "not available" in field_error(response.text, "id")
    assert document(services, "new-standard")["name"] == "Taken"


# deprecating and retiring -------------------------------------------------------------
def lifecycle(client: Client, entry_id: str, action: str, **form: str) -> httpx.Response:
    html = edit_page(client, entry_id)
    etag = re.search(
        rf'/{action}" method="post" novalidate>.*?name="etag" value="([^"]+)"', html, re.S
    )
    assert etag is not None
    return post_form(
        client,
        f"/admin/entries/{entry_id}/{action}",
        {"etag": etag.group(1).replace("&#34;", '"'), **form},
        page=f"/admin/entries/{entry_id}/edit",
    )


def test_deprecate_then_retire_with_dates_and_reasons(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="ageing-tool", name="Ageing Tool")
    sign_in(client, REVIEWER)

    deprecated = lifecycle(
        client, entry_id, "deprecate", effective="2026-01-15", reason="Replaced by NHS login"
    )
    assert deprecated.status_code == 303
    view = services.entries.get(entry_id, None)
    assert view.state == "deprecated"
    assert view.document["status"] == "deprecated"
    assert view.document["status_dates"]["deprecated"] == "2026-01-15"
    assert (revisions(services, entry_id)[-1].reason, revisions(services, entry_id)[-1].author) == (
        "Replaced by NHS login",
        f"maintainer:{REVIEWER.name}",
    )
    assert (
        "Deprecated Ageing Tool, from 2026-01-15"
        in client.get("/admin/entries/ageing-tool/edit").text
    )

    retired = lifecycle(client, entry_id, "retire", effective="", reason="Switched off")
    assert retired.status_code == 303
    view = services.entries.get(entry_id, None)
    assert view.state == "retired"
    assert view.document["status_dates"]["retired"] == date.today().isoformat()
    assert audit(services, "entry.retire")[-1].detail["reason"] == "Switched off"


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"effective": "15/01/2026", "reason": "x"}, "deprecate-effective", "year-month-day"),
        (
            {"effective": (date.today() + timedelta(days=2)).isoformat(), "reason": "x"},
            "deprecate-effective",
            "future",
        ),
        ({"effective": "", "reason": ""}, "deprecate-reason", "Enter a reason"),
    ],
)
def test_deprecation_problems_are_shown_next_to_the_fields(
    services: Services, keys: Keys, client: Client, form: dict[str, str], field: str, message: str
) -> None:
    entry_id = published(services, keys, id="kept-tool", name="Kept Tool")
    sign_in(client, REVIEWER)

    response = lifecycle(client, entry_id, "deprecate", **form)

    assert response.status_code == 400
    assert_error_links_resolve(response.text)
    assert message in field_error(response.text, field)
    assert services.entries.get(entry_id, None).state == "published"


# merging -----------------------------------------------------------------------------
def test_merging_a_duplicate_redirects_its_address_and_keeps_its_history(
    services: Services, keys: Keys, client: Client
) -> None:
    keep = published(services, keys, id="keep-tool", name="Keep Tool")
    duplicate = published(services, keys, id="dupe-tool", name="Keep Tool Copy")
    sign_in(client, REVIEWER)

    response = post_form(
        client,
        f"/admin/entries/{duplicate}/merge",
        {"into": keep, "reason": "Same product, entered twice"},
        page=f"/admin/entries/{duplicate}/edit",
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/entries/keep-tool/edit"
    assert "Merged dupe-tool into keep-tool" in client.get(response.headers["location"]).text
    public = client.get("/entries/dupe-tool", follow_redirects=False)
    assert public.status_code == 301
    assert public.headers["location"] == "/entries/keep-tool"
    admin = client.get("/admin/entries/dupe-tool/edit", follow_redirects=False)
    assert admin.headers["location"] == "/admin/entries/keep-tool/edit"
    merge_row = audit(services, "entry.merge")[-1]
    redirect_row = audit(services, "entry.redirect")[-1]
    assert merge_row.actor == redirect_row.actor == f"maintainer:{REVIEWER.name}"
    assert redirect_row.detail == {"into": keep}
    history = revisions(services, duplicate)
    assert history[-1].action == "merge"
    assert history[-1].author == f"maintainer:{REVIEWER.name}"
    assert "Same product, entered twice" in history[-1].reason
    assert len(history) >= 3  # create, submit, approve, merge: nothing lost


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"into": "", "reason": "x"}, "merge-into", "Enter the id"),
        ({"into": "no-such-entry", "reason": "x"}, "merge-into", "not a published entry"),
        ({"into": "merge-me", "reason": "x"}, "merge-into", "into itself"),
        ({"into": "other-tool", "reason": ""}, "merge-reason", "Enter a reason"),
    ],
)
def test_merge_problems_are_shown_next_to_the_fields(
    services: Services, keys: Keys, client: Client, form: dict[str, str], field: str, message: str
) -> None:
    entry_id = published(services, keys, id="merge-me", name="Merge Me")
    published(services, keys, id="other-tool", name="Other Tool")
    sign_in(client, REVIEWER)

    response = post_form(
        client, f"/admin/entries/{entry_id}/merge", form, page=f"/admin/entries/{entry_id}/edit"
    )

    assert response.status_code == 400
    assert message in field_error(response.text, field)
    assert services.entries.get(entry_id, None).state == "published"


def test_admins_can_curate_too(services: Services, keys: Keys, client: Client) -> None:
    entry_id = published(services, keys, id="admin-tool", name="Admin Tool")
    sign_in(client, ADMIN)

    response = save(client, entry_id, name="Admin Tool Renamed", reason="Official name")

    assert response.status_code == 303
    assert revisions(services, entry_id)[-1].author == f"maintainer:{ADMIN.name}"


def test_both_maintainers_changes_survive_a_conflict_on_different_fields(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="both-tool", name="Both Tool")
    sign_in(client, REVIEWER)
    values = form_values(edit_page(client, entry_id))
    other = services.entries.get(entry_id, OPERATOR)
    changed = {**other.document, "summary": "Theirs.", "name": "Their Name"}
    services.entries.update(entry_id, changed, OPERATOR, [other.etag], "Theirs")

    response = post_form(
        client,
        f"/admin/entries/{entry_id}/edit",
        {**values, "licence": "Apache-2.0", "name": "My Name", "reason": "Mine"},
        page=f"/admin/entries/{entry_id}/edit",
    )

    assert response.status_code == 400
    assert "You both changed name: the form shows your version" in response.text
    merged = form_values(response.text)
    assert (merged["summary"], merged["licence"], merged["name"]) == (
        "Theirs.",
        "Apache-2.0",
        "My Name",
    )


def test_line_breaks_from_a_browser_keep_the_paragraphs(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="crlf-tool", name="Crlf Tool")
    sign_in(client, REVIEWER)

    response = save(
        client,
        entry_id,
        description="First paragraph.\r\n\r\nSecond paragraph.",
        reason="Two\r\nlines",
    )

    assert response.status_code == 303
    assert document(services, entry_id)["description"] == "First paragraph.\n\nSecond paragraph."
    assert revisions(services, entry_id)[-1].reason == "Two\nlines"
    public = client.get(f"/entries/{entry_id}").text
    assert "<p>First paragraph.</p>" in public
    assert "<p>Second paragraph.</p>" in public


def test_the_status_cannot_skip_the_deprecate_and_retire_actions(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="status-tool", name="Status Tool")
    sign_in(client, REVIEWER)
    html = edit_page(client, entry_id)
    assert '<option value="retired"' not in html
    assert '<option value="deprecated"' not in html

    response = save(client, entry_id, status="retired", reason="Shortcut")

    assert response.status_code == 400
    assert "deprecate or retire the entry instead" in field_error(response.text, "status")
    assert services.entries.get(entry_id, None).state == "published"
    assert document(services, entry_id)["status"] == "live"
    services.entries.act(entry_id, "deprecate", OPERATOR, "Old")
    deprecated_page = edit_page(client, entry_id)
    assert '<option value="live"' not in deprecated_page
    assert save(client, entry_id, status="live", reason="Back").status_code == 400


def test_a_form_for_a_merged_entry_leads_to_the_entry_kept(
    services: Services, keys: Keys, client: Client
) -> None:
    published(services, keys, id="kept-entry", name="Kept Entry")
    old = published(services, keys, id="gone-entry", name="Gone Entry")
    sign_in(client, REVIEWER)
    values = form_values(edit_page(client, old))
    services.entries.merge(old, "kept-entry", OPERATOR, "Duplicate")

    for url, form in (
        (f"/admin/entries/{old}/edit", {**values, "reason": "Late"}),
        (f"/admin/entries/{old}/deprecate", {"reason": "Late"}),
        (f"/admin/entries/{old}/merge", {"into": "kept-entry", "reason": "Late"}),
    ):
        response = post_form(client, url, form, page="/admin/entries")
        assert response.status_code == 303, url
        assert response.headers["location"] == "/admin/entries/kept-entry/edit"
    page = client.get("/admin/entries/kept-entry/edit").text
    assert "gone-entry was merged into kept-entry, so your change was not made" in page


def test_a_problem_for_a_form_no_longer_shown_is_shown_at_the_top(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="late-tool", name="Late Tool")
    sign_in(client, REVIEWER)
    html = edit_page(client, entry_id)
    services.entries.act(entry_id, "retire", OPERATOR, "Retired meanwhile")
    etag = re.search(
        r'/retire" method="post" novalidate>.*?name="etag" value="([^"]+)"', html, re.S
    )
    assert etag is not None

    response = post_form(
        client,
        f"/admin/entries/{entry_id}/retire",
        {"etag": unescape(etag.group(1)), "reason": "Me too"},
        page=f"/admin/entries/{entry_id}/edit",
    )

    assert response.status_code == 400
    assert_error_links_resolve(response.text)
    assert 'id="page"' in response.text
    assert "Someone else changed this entry" in field_error(response.text, "page")


def test_a_retirement_cannot_be_dated_before_the_deprecation(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="dated-tool", name="Dated Tool")
    services.entries.act(entry_id, "deprecate", OPERATOR, "Old", effective=date(2026, 3, 1))
    sign_in(client, REVIEWER)

    response = lifecycle(client, entry_id, "retire", effective="2026-02-01", reason="Gone")

    assert response.status_code == 400
    assert "before the entry was deprecated, on 2026-03-01" in field_error(
        response.text, "retire-effective"
    )
    assert services.entries.get(entry_id, None).state == "deprecated"


def test_an_id_longer_than_the_schema_allows_is_an_error_at_the_id(client: Client) -> None:
    sign_in(client, REVIEWER)

    response = post_form(
        client, "/admin/entries/new", new_entry_form(id="a" * 64), page="/admin/entries/new"
    )

    assert response.status_code == 400
    assert "2 to 63" in field_error(response.text, "id")


def test_reviewers_are_not_offered_the_admins_audit_log(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="audit-tool", name="Audit Tool")
    sign_in(client, REVIEWER)

    assert "Audit log for this entry" not in edit_page(client, entry_id)


def test_a_conflict_is_merged_against_the_published_version_not_a_pending_proposal(
    services: Services, keys: Keys, client: Client
) -> None:
    entry_id = published(services, keys, id="draft-tool", name="Draft Tool")
    supplier = who(services, keys.supplier)
    view = services.entries.get(entry_id, supplier)
    services.entries.update(
        entry_id, {**view.document, "summary": "Proposed."}, supplier, [view.etag]
    )  # a proposal the supplier has not submitted yet
    sign_in(client, REVIEWER)
    values = form_values(edit_page(client, entry_id))
    other = services.entries.get(entry_id, OPERATOR)
    services.entries.update(
        entry_id, {**other.document, "summary": "Theirs."}, OPERATOR, [other.etag], "Theirs"
    )

    response = post_form(
        client,
        f"/admin/entries/{entry_id}/edit",
        {**values, "name": "My Name", "reason": "Mine"},
        page=f"/admin/entries/{entry_id}/edit",
    )

    merged = form_values(response.text)
    assert (merged["summary"], merged["name"]) == ("Theirs.", "My Name")
