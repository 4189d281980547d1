"""Moving through a page with the Tab key, and checking that focus can be seen."""

import io

from PIL import Image, ImageChops
from playwright.sync_api import FloatRect, Page

#: Enough Tab presses to cross the header, the facets and a page of results.
TAB_LIMIT = 150
_DESCRIBE = """e => {
    if (!e || e === document.body) return "(nothing)";
    const text = (e.innerText || e.value || e.getAttribute("aria-label") || "").trim();
    return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
        + (e.name ? `[name=${e.name}]` : "") + ` "${text.slice(0, 40)}"`;
}"""


def focused(page: Page) -> str:
    """A short description of the focused element, for assertion messages."""
    description: str = page.evaluate(f"() => ({_DESCRIBE})(document.activeElement)")
    return description


def focus_matches(page: Page, selector: str) -> bool:
    matches: bool = page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )
    return matches


def tab_to(page: Page, selector: str, limit: int = TAB_LIMIT) -> None:
    """Press Tab until the focused element matches `selector`."""
    visited = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focus_matches(page, selector):
            return
        visited.append(focused(page))
    raise AssertionError(
        f"{limit} presses of Tab never reached {selector}; they went through:\n  "
        + "\n  ".join(visited)
    )


def _changed_pixels(before: bytes, after: bytes) -> int:
    difference = ImageChops.difference(
        Image.open(io.BytesIO(before)).convert("RGB"), Image.open(io.BytesIO(after)).convert("RGB")
    )
    return difference.convert("L").point(lambda v: 255 if v else 0).histogram()[255]


def assert_focus_visible(page: Page) -> None:
    """The focused element is on screen, and looks different from when it is not focused:
    at least as many pixels change as a one-pixel ring around it would cover."""
    element = page.evaluate_handle("() => document.activeElement")
    description = focused(page)
    assert description != "(nothing)", "nothing has focus"
    x, y, width, height = element.evaluate(
        "e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }"
    )
    viewport = page.viewport_size
    assert viewport is not None
    on_screen = (
        width > 0
        and height > 0
        and x < viewport["width"]
        and y < viewport["height"]
        and x + width > 0
        and y + height > 0
    )
    assert on_screen, f"the focused element {description} is not on screen: {x, y, width, height}"
    # A margin round the element, for outlines and shadows drawn outside it.
    left, top = max(0.0, x - 8), max(0.0, y - 8)
    clip = FloatRect(
        x=left,
        y=top,
        width=min(viewport["width"] - left, width + 16),
        height=min(viewport["height"] - top, height + 16),
    )
    with_focus = page.screenshot(clip=clip, animations="disabled")
    element.evaluate("e => e.blur()")
    without_focus = page.screenshot(clip=clip, animations="disabled")
    element.evaluate("e => e.focus()")
    changed = _changed_pixels(with_focus, without_focus)
    assert changed >= 2 * (width + height), (
        f"the focused element {description} has no visible focus style "
        f"({changed} pixels change when it loses focus)"
    )
