"""With the keyboard alone and JavaScript off, a person can search, filter, compare and
record a reuse decision, and can always see where the focus is."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.catalogue import NEED, PAGES, visit
from tests.browser.conftest import ContextFactory
from tests.browser.keyboard import assert_focus_visible, focus_matches, focused, tab_to
from tests.browser.reuse_check import CANDIDATES_HEADING, RECORD_URL

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SKIP_LINK = "a.nhsuk-skip-link"
FACET_FORM = ".rr-facets form"
COMPARE_BOXES = 'form[action="/compare"] input[name="ids"]'
CHECKED_BY_KEYBOARD = 2
REUSE_SUBMIT = "main form button[type=submit]"


def result_names(page: Page) -> list[str]:
    return page.locator(".rr-result h2").all_inner_texts()


@pytest.mark.parametrize("name", list(PAGES))
def test_skip_link_is_the_first_tab_stop_without_javascript(keyboard_page: Page, name: str) -> None:
    visit(keyboard_page, PAGES[name])

    keyboard_page.keyboard.press("Tab")

    assert focus_matches(keyboard_page, SKIP_LINK), f"first Tab stop is {focused(keyboard_page)}"
    expect(keyboard_page.locator(SKIP_LINK)).to_have_text("Skip to main content")
    assert_focus_visible(keyboard_page)


@pytest.mark.parametrize("name", ["home", "entry"])
def test_skip_link_moves_focus_into_main_without_javascript(keyboard_page: Page, name: str) -> None:
    visit(keyboard_page, PAGES[name])
    keyboard_page.keyboard.press("Tab")

    keyboard_page.keyboard.press("Enter")
    keyboard_page.keyboard.press("Tab")

    assert keyboard_page.url.endswith("#maincontent")
    assert focus_matches(keyboard_page, "main#maincontent *"), (
        f"after the skip link, Tab went to {focused(keyboard_page)}, outside the main content"
    )


def test_skip_link_focuses_main_with_javascript(new_context: ContextFactory) -> None:
    page = new_context().new_page()
    visit(page, PAGES["entry"])
    page.keyboard.press("Tab")

    page.keyboard.press("Enter")

    assert focus_matches(page, "main#maincontent"), f"focus is on {focused(page)}"


def test_search_from_the_home_page_by_keyboard(keyboard_page: Page) -> None:
    visit(keyboard_page, "/")
    tab_to(keyboard_page, "main input[name=q]")
    assert_focus_visible(keyboard_page)

    keyboard_page.keyboard.type("fhir")
    keyboard_page.keyboard.press("Enter")

    keyboard_page.wait_for_url(re.compile(r"/search\?q=fhir$"))
    expect(keyboard_page.locator("h1")).to_have_text("Search results for “fhir”")
    expect(keyboard_page.locator("main [role=status]")).to_contain_text(re.compile(r"\d+ results"))
    assert any("FHIR" in name for name in result_names(keyboard_page))


def test_filter_search_results_by_keyboard(keyboard_page: Page) -> None:
    visit(keyboard_page, "/search?q=fhir")
    tab_to(keyboard_page, f'{FACET_FORM} input[name="kind"][value="api"]')
    assert_focus_visible(keyboard_page)

    keyboard_page.keyboard.press("Space")
    tab_to(keyboard_page, f"{FACET_FORM} button[type=submit]")
    expect(keyboard_page.locator(":focus")).to_have_text("Apply filters")
    keyboard_page.keyboard.press("Enter")

    keyboard_page.wait_for_url(re.compile(r"kind=api"))
    expect(
        keyboard_page.get_by_role("link", name=re.compile("^Remove filter: API"))
    ).to_be_visible()
    kinds = keyboard_page.locator(".rr-result .rr-meta").all_inner_texts()
    assert kinds, "no results after filtering by API"
    assert all(meta.startswith("API ·") for meta in kinds), kinds


def test_compare_two_results_by_keyboard(keyboard_page: Page) -> None:
    visit(keyboard_page, PAGES["search"])
    expected = result_names(keyboard_page)[:CHECKED_BY_KEYBOARD]

    for _ in expected:
        tab_to(keyboard_page, f"{COMPARE_BOXES}:not(:checked)")
        keyboard_page.keyboard.press("Space")
    assert_focus_visible(keyboard_page)
    tab_to(keyboard_page, 'form[action="/compare"] button[type=submit]')
    expect(keyboard_page.locator(":focus")).to_contain_text("Compare selected")
    keyboard_page.keyboard.press("Enter")

    keyboard_page.wait_for_url(re.compile(r"/compare\?"))
    table = keyboard_page.locator("main table")
    expect(table).to_be_visible()
    for name in expected:
        expect(table).to_contain_text(name)
    keyboard_page.keyboard.press("Tab")
    assert_focus_visible(keyboard_page)


def candidate_name(page: Page, index: int) -> str:
    heading = page.locator("main li.rr-result h3").nth(index).inner_text()
    return heading.replace("(opens in a new tab)", "").strip()


def test_save_a_reuse_decision_record_by_keyboard(keyboard_page: Page) -> None:
    visit(keyboard_page, PAGES["reuse-check"])
    tab_to(keyboard_page, "textarea#need")
    assert_focus_visible(keyboard_page)
    keyboard_page.keyboard.type(NEED)
    tab_to(keyboard_page, REUSE_SUBMIT)
    keyboard_page.keyboard.press("Enter")
    expect(keyboard_page.locator("h1")).to_have_text(CANDIDATES_HEADING)
    first, second = candidate_name(keyboard_page, 0), candidate_name(keyboard_page, 1)

    tab_to(keyboard_page, "input[name=verdict-0]")
    assert_focus_visible(keyboard_page)
    keyboard_page.keyboard.press("Space")
    tab_to(keyboard_page, "input[name=reason-0]")
    keyboard_page.keyboard.type("Already does patient look-ups by NHS number.")
    tab_to(keyboard_page, "input[name=verdict-1]")
    keyboard_page.keyboard.press("ArrowRight")
    tab_to(keyboard_page, "input[name=reason-1]")
    keyboard_page.keyboard.type("Does not cover our care setting.")
    tab_to(keyboard_page, "textarea#conclusion")
    keyboard_page.keyboard.type("We will reuse the first candidate.")
    tab_to(keyboard_page, REUSE_SUBMIT)
    expect(keyboard_page.locator(":focus")).to_have_text("Save the decision record")
    keyboard_page.keyboard.press("Enter")

    keyboard_page.wait_for_url(RECORD_URL)
    expect(keyboard_page.locator("h1")).to_have_text("Reuse decision record")
    main = keyboard_page.locator("main")
    expect(main).to_contain_text(NEED)
    rows = keyboard_page.locator("main table tbody tr")
    expect(rows.filter(has_text=first)).to_contain_text("Could reuse")
    expect(rows.filter(has_text=first)).to_contain_text("Already does patient look-ups")
    expect(rows.filter(has_text=second)).to_contain_text("Not suitable")
    expect(rows.filter(has_text=second)).to_contain_text("Does not cover our care setting.")
    expect(main).to_contain_text("We will reuse the first candidate.")
    keyboard_page.keyboard.press("Tab")
    assert_focus_visible(keyboard_page)
