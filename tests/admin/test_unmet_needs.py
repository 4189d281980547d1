"""The unmet needs page: searches that found nothing, most frequent first."""

import pytest

from registry.decisions import DecisionService
from registry.wiring import Services
from tests.admin.conftest import REVIEWER, Client, main, sign_in

pytestmark = pytest.mark.usefixtures("maintainers")


def test_unmet_needs_are_counted_most_frequent_first(services: Services, client: Client) -> None:
    decisions = DecisionService(services.engine)
    decisions.record_search("wound photos", 0)
    for _ in range(3):
        decisions.record_search("Sign language interpreters", 0)
    sign_in(client, REVIEWER)

    html = main(client.get("/admin/unmet-needs").text)

    assert html.count("<h1>") == 1
    assert html.index("sign language interpreters") < html.index("wound photos")
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">3</td>' in html
    assert 'href="/search?q=sign+language+interpreters"' in html
    assert (
        'href="/reuse-check?need=sign+language+interpreters&amp;q=sign+language+interpreters"'
        in html
    )


def test_unmet_needs_page_says_when_there_are_none(client: Client) -> None:
    sign_in(client, REVIEWER)

    assert "No search has come up empty yet" in client.get("/admin/unmet-needs").text


def test_hostile_search_text_is_inert(services: Services, client: Client) -> None:
    DecisionService(services.engine).record_search('<img src=x onerror="alert(1)">', 0)
    sign_in(client, REVIEWER)

    html = client.get("/admin/unmet-needs").text

    assert "<img src=x" not in html
