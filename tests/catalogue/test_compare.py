"""GET /compare: up to four entries side by side."""

import re
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from registry.wiring import Services
from tests.builders import a_full_entry, a_standard, an_entry
from tests.conftest import Keys
from tests.test_services import who

Client = TestClient[Litestar]
SCRIPT = "<script>alert(1)</script>"


def publish(services: Services, keys: Keys, document: dict[str, Any]) -> str:
    """Create, submit and approve the document as the first supplier; return its id."""
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    view = services.entries.create(document, supplier)
    services.entries.act(view.id, "submit", supplier)
    services.entries.act(view.id, "approve", reviewer)
    return view.id


def publish_tools(services: Services, keys: Keys, count: int) -> list[str]:
    return [
        publish(services, keys, an_entry(id=f"tool-{n}", name=f"Booking Tool {n}"))
        for n in range(1, count + 1)
    ]


def hostile_entry(services: Services, keys: Keys) -> str:
    """A published entry whose every text field carries markup."""
    return publish(
        services,
        keys,
        an_entry(
            id="hostile-tool",
            name=f"{SCRIPT} Booking",
            summary=f"Books appointments {SCRIPT}",
            description=f"Longer {SCRIPT} text",
            owner={"name": f"{SCRIPT} Trust"},
            used_by=[{"name": f"{SCRIPT} Hospital"}],
        ),
    )


def main(html: str) -> str:
    """The page's main content (the layout around it is the same everywhere)."""
    return html[html.index('<main class="nhsuk-main-wrapper"') : html.index("</main>")]


def column_headings(html: str) -> list[str]:
    return re.findall(r'<th class="nhsuk-table__header" scope="col">\s*<a href="([^"]+)"', html)


def test_compare_shows_entries_side_by_side_in_a_table(
    services: Services, keys: Keys, client: Client
) -> None:
    publish(services, keys, a_standard())
    publish(services, keys, a_full_entry(categories=None, care_settings=None))
    publish(services, keys, an_entry(id="other-tool", name="Other Tool"))

    response = client.get("/compare?ids=example-tool,other-tool")

    html = main(response.text)
    assert response.status_code == 200
    assert "<caption" in html
    assert column_headings(html) == ["/entries/example-tool", "/entries/other-tool"]
    for label in ("Licence", "Status", "Standards", "Assurance", "Maintenance", "Adopters"):
        assert f'scope="row">{label}</th>' in html
    assert 'scope="row">Access</th>' in html
    assert '<a href="/standards/hl7-fhir-r4">HL7 FHIR R4 (UK Core)</a>' in html
    assert "Example Hospital" in html
    assert "DTAC: Passed" in html


def test_compare_remove_link_drops_only_that_entry(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 3)

    html = main(client.get("/compare?ids=tool-1,tool-2,tool-3").text)

    assert 'href="/compare?ids=tool-2,tool-3">Remove' in html
    assert 'href="/compare?ids=tool-1,tool-3">Remove' in html
    assert 'href="/compare?ids=tool-1,tool-2">Remove' in html


def test_compare_accepts_comma_separated_and_repeated_ids(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 3)

    commas = main(client.get("/compare?ids=tool-1,tool-2&ids=tool-3").text)
    repeated = main(client.get("/compare?ids=tool-1&ids=tool-2&ids=tool-3&ids=tool-1").text)

    expected = ["/entries/tool-1", "/entries/tool-2", "/entries/tool-3"]
    assert column_headings(commas) == expected
    assert column_headings(repeated) == expected


def test_compare_more_than_four_shows_the_first_four_and_says_so(
    services: Services, keys: Keys, client: Client
) -> None:
    ids = publish_tools(services, keys, 5)

    html = main(client.get("/compare?ids=" + ",".join(ids)).text)

    assert column_headings(html) == [f"/entries/{i}" for i in ids[:4]]
    assert "up to 4 entries at a time" in html
    assert '<a href="/entries/tool-5">Booking Tool 5</a>' in html
    assert "Add another entry" not in html


def test_compare_names_the_ids_not_found(services: Services, keys: Keys, client: Client) -> None:
    publish_tools(services, keys, 2)
    draft = services.entries.create(an_entry(id="draft-tool"), who(services, keys.supplier))

    html = main(client.get(f"/compare?ids=tool-1,no-such-thing,tool-2,{draft.id},Bad%20Id").text)

    assert column_headings(html) == ["/entries/tool-1", "/entries/tool-2"]
    assert "not found" in html
    for missing in ("no-such-thing", "draft-tool", "Bad Id"):
        assert f"<code>{missing}</code>" in html


def test_compare_with_one_entry_offers_a_search_that_keeps_it(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)

    page = main(client.get("/compare?ids=tool-1").text)
    found = main(client.get("/compare?ids=tool-1&q=booking").text)

    assert 'action="/compare" method="get"' in page
    assert '<input type="hidden" name="ids" value="tool-1">' in page
    assert '<label class="nhsuk-label" for="compare-q">' in page
    assert 'href="/compare?ids=tool-1,tool-2">Add' in found
    assert 'href="/compare?ids=tool-1,tool-1"' not in found


def test_compare_with_no_ids_explains_how_to_choose(client: Client) -> None:
    response = client.get("/compare")

    html = main(response.text)
    assert response.status_code == 200
    assert "<table" not in html
    assert 'href="/search"' in html
    assert 'name="q"' in html


def test_compare_renders_hostile_entry_text_inert(
    services: Services, keys: Keys, client: Client
) -> None:
    hostile = hostile_entry(services, keys)
    publish_tools(services, keys, 1)

    response = client.get(f"/compare?ids={hostile},tool-1&q=booking")

    assert SCRIPT not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_compare_page_sends_a_fresh_csp_nonce(client: Client) -> None:
    first = client.get("/compare").headers["content-security-policy"]
    second = client.get("/compare").headers["content-security-policy"]

    assert "'nonce-" in first
    assert first != second
