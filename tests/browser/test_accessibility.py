"""axe-core finds no WCAG 2.0, 2.1 or 2.2 A or AA failures on the public pages, on a phone
and on a desktop, at each step of the reuse check."""

import pytest
from playwright.sync_api import Page

from tests.browser.axe import describe, violations
from tests.browser.catalogue import NEED, PAGES, visit
from tests.browser.reuse_check import candidates_step, saved_record

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = [375, 1280]
OTHER_PAGES = {
    "search-start": "/search",
    "search-nothing-found": "/search?q=zzxqv+nothing+matches",
    "standards": "/standards",
    "browse": "/browse",
}


def assert_no_violations(page: Page, where: str) -> None:
    found = violations(page)
    assert not found, f"axe-core found WCAG A/AA violations on {where}:\n{describe(found)}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path", [*PAGES.values(), *OTHER_PAGES.values()], ids=[*PAGES, *OTHER_PAGES]
)
def test_page_has_no_wcag_violations(page: Page, path: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    visit(page, path)

    assert_no_violations(page, f"{path} at {width} px")


def test_not_found_page_has_no_wcag_violations(page: Page) -> None:
    visit(page, "/entries/no-such-entry", status=404)

    assert_no_violations(page, "the not-found page")


def test_reuse_check_candidates_have_no_wcag_violations(page: Page) -> None:
    candidates_step(page, NEED)

    assert_no_violations(page, f"the reuse check's candidates ({page.url})")


def test_saved_decision_record_has_no_wcag_violations(page: Page) -> None:
    saved_record(page, NEED)

    assert_no_violations(page, f"the saved decision record ({page.url})")
