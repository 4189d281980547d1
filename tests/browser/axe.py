"""Running axe-core in a page and describing what it finds."""

from functools import cache
from typing import Any

from playwright.sync_api import Page

from registry.settings import PROJECT_ROOT

AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def _script() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG A and AA violations on the page as it is now. The page's context
    must bypass the CSP, which would otherwise refuse the injected script."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=_script())
    result: dict[str, Any] = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    found: list[dict[str, Any]] = result["violations"]
    return found


def describe(found: list[dict[str, Any]]) -> str:
    """One paragraph per rule: id, impact, what it means, where, and where to read more."""
    paragraphs = []
    for rule in found:
        targets = "\n".join(
            f"    {' '.join(map(str, node['target']))}" for node in rule["nodes"][:10]
        )
        more = len(rule["nodes"]) - 10
        paragraphs.append(
            f"{rule['id']} ({rule['impact']}): {rule['help']}\n{targets}"
            + (f"\n    … and {more} more" if more > 0 else "")
            + f"\n    {rule['helpUrl']}"
        )
    return "\n".join(paragraphs)
