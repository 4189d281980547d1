"""The maintainers' admin pages in a real browser: a reviewer signs in, approves a
submission and finds it published and searchable, edits it, asks for changes on another,
merges a duplicate and follows its old address; axe-core finds no WCAG 2.2 A/AA
violations on the admin pages."""

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import describe, violations
from tests.browser.catalogue import visit
from tests.browser.conftest import registry_command
from tests.builders import an_entry

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery staple"
REVIEWER = "rita.browser@example.nhs.uk"
ADMIN = "ada.browser@example.nhs.uk"


@dataclass(frozen=True)
class Supplier:
    """A supplier's API client on the test server."""

    site: str
    token: str

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.site, headers={"Authorization": f"Bearer {self.token}"}, timeout=30
        )

    def submit(self, **fields: Any) -> str:
        """Create an entry and submit it for review; its id."""
        document = an_entry(**fields)
        with self.client() as api:
            created = api.post("/api/v1/entries", json=document)
            assert created.status_code == 201, created.text
            submitted = api.post(f"/api/v1/entries/{document['id']}/actions/submit")
            assert submitted.status_code == 200, submitted.text
        return str(document["id"])

    def entry(self, entry_id: str) -> dict[str, Any]:
        with self.client() as api:
            found: dict[str, Any] = api.get(f"/api/v1/entries/{entry_id}").json()
            return found

    def revisions(self, entry_id: str) -> list[dict[str, Any]]:
        with self.client() as api:
            found: list[dict[str, Any]] = api.get(f"/api/v1/entries/{entry_id}/revisions").json()[
                "items"
            ]
            return found


@pytest.fixture(scope="module")
def supplier(site: str, site_env: dict[str, str]) -> Supplier:
    """A reviewer and an admin who can sign in, and a supplier with an API key."""
    for email, role, name in ((REVIEWER, "reviewer", "Rita Browser"), (ADMIN, "admin", "Ada")):
        registry_command(
            site_env, "maintainers", "create", "--email", email, "--role", role,
            "--name", name, "--password", PASSWORD,
        )  # fmt: skip
    output = registry_command(
        site_env, "keys", "create", "--supplier", "Kestrel Digital", "--scope", "entries:submit"
    )
    token = next(line for line in output.splitlines() if line.startswith("rr_"))
    return Supplier(site, token)


def sign_in(page: Page, email: str) -> None:
    visit(page, "/admin/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Admin")


def open_review(page: Page, name: str) -> None:
    visit(page, "/admin/queue")
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review {name}")


def approve(page: Page, name: str) -> None:
    open_review(page, name)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text(f"Approved {name}: it is now published")).to_be_visible()


def test_a_reviewer_approves_requests_changes_and_merges(page: Page, supplier: Supplier) -> None:
    first = supplier.submit(
        id="kestrel-clinic-rota",
        name="Kestrel Clinic Rota",
        summary="Plans staff rotas for community clinics.",
    )
    duplicate = supplier.submit(
        id="kestrel-rota", name="Kestrel Rota", summary="Staff rotas for clinics."
    )
    changes = supplier.submit(
        id="heron-referrals", name="Heron Referrals", summary="Tracks referrals."
    )
    sign_in(page, REVIEWER)

    # Approve: published in the public catalogue and found by search.
    approve(page, "Kestrel Clinic Rota")
    visit(page, f"/entries/{first}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kestrel Clinic Rota")
    visit(page, "/search?q=kestrel+clinic")
    expect(page.get_by_role("link", name="Kestrel Clinic Rota")).to_be_visible()

    # Curate: an edit in the form is published at once, paragraphs and all.
    visit(page, f"/admin/entries/{first}/edit")
    page.get_by_label("Description (optional)").fill("Plans rotas.\n\nSends reminders to staff.")
    page.get_by_label("Why are you making this change?").fill("Description from the supplier.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved your changes to Kestrel Clinic Rota")).to_be_visible()
    visit(page, f"/entries/{first}")
    expect(page.get_by_text("Sends reminders to staff.", exact=True)).to_be_visible()

    # Request changes: the reason is required, and reaches the supplier through the API.
    open_review(page, "Heron Referrals")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a reason")
    page.locator("#request-changes-reason").fill("Add a link to the documentation.")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_text("Asked the supplier to change Heron Referrals")).to_be_visible()
    assert supplier.entry(changes)["state"] == "changes_requested"
    assert supplier.revisions(changes)[-1]["reason"] == "Add a link to the documentation."

    # Merge a duplicate: its old address leads to the entry kept.
    approve(page, "Kestrel Rota")
    visit(page, "/admin/entries?q=kestrel")
    page.get_by_role("link", name="Kestrel Rota", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Kestrel Rota")
    page.get_by_label("Id of the entry to keep").fill(first)
    page.locator("#merge-reason").fill("The same product, submitted twice.")
    page.get_by_role("button", name="Merge Kestrel Rota into another entry").click()
    expect(page.get_by_text(f"Merged {duplicate} into {first}")).to_be_visible()
    visit(page, f"/entries/{duplicate}")
    assert page.url.endswith(f"/entries/{first}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kestrel Clinic Rota")


ADMIN_PAGES = [
    "/admin",
    "/admin/queue",
    "/admin/entries",
    "/admin/entries?q=fhir",
    "/admin/entries/new",
    "/admin/entries/hapi-fhir/edit",
    "/admin/duplicates",
    "/admin/quality",
    "/admin/unmet-needs",
    "/admin/audit",
    "/admin/suppliers",
    "/admin/sources",
    "/admin/maintainers",
    "/admin/vocabularies",
    "/admin/vocabularies/categories",
    "/admin/vocabularies/standards",
    "/admin/vocabularies/synonyms",
    "/admin/webhooks",
]


def assert_no_violations(page: Page, where: str) -> None:
    found = violations(page)
    assert not found, f"axe-core found WCAG A/AA violations on {where}:\n{describe(found)}"


def test_admin_pages_have_no_wcag_violations(
    page: Page, supplier: Supplier, site_env: dict[str, str]
) -> None:
    waiting = supplier.submit(id="osprey-forms", name="Osprey Forms", summary="Builds forms.")
    with supplier.client() as api:
        # Port 9 (discard) has no listener here: its deliveries fail, so the webhooks page
        # shows attempts with errors.
        subscribed = api.post("/api/v1/subscriptions", json={"url": "http://127.0.0.1:9/hook"})
        assert subscribed.status_code == 201, subscribed.text
    docs = {"documentation": "https://example.org/docs/egret"}
    # One product listed twice (names differing only in case): a merge proposal.
    pair = {"egret-notes": "Egret Notes", "egret-notes-copy": "Egret notes"}
    for entry_id, name in pair.items():
        supplier.submit(id=entry_id, name=name, summary="Keeps notes.", urls=docs)
    visit(page, "/admin/login")
    assert_no_violations(page, "the sign-in page")
    sign_in(page, ADMIN)
    for name in pair.values():
        approve(page, name)
    registry_command(site_env, "duplicates", "--refresh")
    visit(page, "/admin/duplicates")
    page.get_by_role("link", name="compare them").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Possible duplicate")
    proposal = "/admin/" + page.url.split("/admin/", 1)[1]

    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in [*ADMIN_PAGES, f"/admin/entries/{waiting}/review", proposal]:
            visit(page, path)
            assert_no_violations(page, f"{path} at {width} px")

    # Pages showing problems: a review decision without a reason, an edit that fails.
    open_review(page, "Osprey Forms")
    page.get_by_role("button", name="Reject").click()
    assert_no_violations(page, "the review page with an error")
    visit(page, "/admin/entries/hapi-fhir/edit")
    page.get_by_label("Summary").fill("")
    page.get_by_label("Licence").fill("Not-A-Licence")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_no_violations(page, "the edit page with errors")
    visit(page, "/admin/suppliers")
    page.get_by_role("link", name="Kestrel Digital").click()
    assert_no_violations(page, "a supplier's page")
    for vocabulary in ("categories", "synonyms"):
        visit(page, f"/admin/vocabularies/{vocabulary}")
        page.get_by_role("link", name="Change").first.click()
        assert_no_violations(page, f"a {vocabulary} term or group's page ({page.url})")
    visit(page, "/admin/sources")
    page.get_by_role("button", name="Add source").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_no_violations(page, "the sources page with errors")
    page.get_by_label("Name").fill("osprey-publiccode")
    page.get_by_label("URLs, one a line").fill("https://example.org/osprey/publiccode.yml")
    page.get_by_label("Publish directly (the owner attests the source)").check()
    page.get_by_role("button", name="Add source").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("osprey-publiccode")
    assert_no_violations(page, "a harvest source's page")
    visit(page, proposal)
    page.get_by_role("button", name="Keep both").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why")
    assert_no_violations(page, "a merge proposal with an error")
    visit(page, "/admin/maintainers")
    page.get_by_role("link", name="Rita Browser").click()
    page.get_by_role("button", name="Issue a key").click()
    expect(page.get_by_text("Store this key now")).to_be_visible()
    assert_no_violations(page, "a maintainer's page with a key just issued")
