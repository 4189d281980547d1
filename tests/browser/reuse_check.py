"""Reaching each step of the reuse check (need → candidates → saved decision record)."""

import re

from playwright.sync_api import Page, expect

from tests.browser.catalogue import visit

SUBMIT = "main form button[type=submit]"
CANDIDATES_HEADING = "What the registry has for your need"
RECORD_URL = re.compile(r"/reuse-check/decisions/[A-Za-z0-9_-]{22,64}$")


def candidates_step(page: Page, need: str) -> None:
    """The reuse check with `need` entered and its candidates listed."""
    visit(page, "/reuse-check")
    page.locator("textarea#need").fill(need)
    with page.expect_navigation():
        page.locator(SUBMIT).click()
    expect(page.locator("h1")).to_have_text(CANDIDATES_HEADING)
    expect(page.locator("main input[type=radio]").first).to_be_visible()


def saved_record(page: Page, need: str) -> None:
    """A decision record saved from the candidates step, with a verdict and a reason for
    the first candidate and a conclusion."""
    candidates_step(page, need)
    page.locator("input[name=verdict-0]").first.check()
    page.locator("input[name=reason-0]").fill("It already does this.")
    page.locator("textarea#conclusion").fill("We will reuse the first candidate.")
    with page.expect_navigation():
        page.locator(SUBMIT).click()
    assert RECORD_URL.search(page.url), page.url
    expect(page.locator("h1")).to_have_text("Reuse decision record")
