"""Full-page screenshots of the main pages on a phone and a desktop, kept as test artefacts
in test-artifacts/screenshots/; the pages must be styled and must not scroll sideways.

With REGISTRY_UPDATE_SCREENSHOTS=1 (`make screenshots`) the README's screenshots in
docs/screenshots/ are written too.
"""

import os
import shutil
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import ConsoleMessage, Page, Response

from registry.settings import PROJECT_ROOT
from tests.browser.catalogue import NEED, PAGES, visit
from tests.browser.conftest import ContextFactory
from tests.browser.reuse_check import candidates_step

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
DOCS = PROJECT_ROOT / "docs" / "screenshots"
WIDTHS = [375, 1280]
#: The README's pictures: the top of the page, small enough to keep in the repository.
README_PICTURES = {"search": "search.png", "entry": "entry.png"}
README_HEIGHT = 1600
NHS_BLUE = "rgb(0, 94, 184)"


@dataclass
class Screen:
    """A page as a person gets it (JavaScript on, the CSP enforced), and what went wrong
    while it loaded: script errors, CSP refusals, failed requests."""

    page: Page
    problems: list[str] = field(default_factory=list)

    def watch(self) -> "Screen":
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("response", self._response)
        return self

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} for {response.url}")


@pytest.fixture
def screen(new_context: ContextFactory) -> Screen:
    return Screen(new_context().new_page()).watch()


def show(page: Page, name: str) -> None:
    if name == "reuse-check":
        candidates_step(page, NEED)
    else:
        visit(page, PAGES[name])


def assert_styled_without_sideways_scrolling(page: Page, width: int) -> None:
    header = page.evaluate(
        "() => getComputedStyle(document.querySelector('.nhsuk-header')).backgroundColor"
    )
    assert header == NHS_BLUE, f"the NHS.UK styles are not applied (header is {header})"
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width} px wide in a {width} px window"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_full_page_screenshot(screen: Screen, name: str, width: int) -> None:
    screen.page.set_viewport_size({"width": width, "height": 900})
    show(screen.page, name)

    target = SCREENSHOTS / f"{name}-{width}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    screen.page.screenshot(path=target, full_page=True)

    assert not screen.problems, f"{name} did not load cleanly: {screen.problems}"
    assert_styled_without_sideways_scrolling(screen.page, width)
    assert target.stat().st_size > 10_000


@pytest.mark.parametrize(("name", "file_name"), README_PICTURES.items())
def test_readme_screenshot(screen: Screen, name: str, file_name: str) -> None:
    show(screen.page, name)
    height = min(README_HEIGHT, screen.page.evaluate("() => document.documentElement.scrollHeight"))

    target = SCREENSHOTS / f"readme-{file_name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    screen.page.screenshot(
        path=target, full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": height}
    )

    assert 20_000 < target.stat().st_size < 600_000
    if os.environ.get("REGISTRY_UPDATE_SCREENSHOTS", "") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, DOCS / file_name)
