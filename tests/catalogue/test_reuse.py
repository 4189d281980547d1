"""The reuse check: /reuse-check, saving a decision record, the record and its downloads;
and the unmet needs that searches finding nothing leave behind."""

import re
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from registry.decisions import DecisionService
from registry.wiring import Services
from tests.builders import an_entry
from tests.catalogue.test_compare import SCRIPT, hostile_entry, main, publish, publish_tools
from tests.conftest import Keys
from tests.test_services import who

Client = TestClient[Litestar]
NEED = "Book appointments in community clinics"
RECORD_PATH = re.compile(r"^/reuse-check/decisions/([A-Za-z0-9_-]{22,})$")


def csrf_token(client: Client, url: str = "/reuse-check?need=booking") -> str:
    """Open a form page (which sets the `rr_csrf` cookie) and read its hidden token."""
    html = client.get(url).text
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found is not None
    assert client.cookies.get("rr_csrf")
    return found.group(1)


def a_form(**overrides: Any) -> dict[str, Any]:
    """A filled-in decision form about tool-1 and tool-2; keyword arguments replace fields."""
    form: dict[str, Any] = {
        "need": NEED,
        "search": "booking",
        "candidate-0": "tool-1",
        "verdict-0": "could-reuse",
        "reason-0": "Does what we need",
        "candidate-1": "tool-2",
        "verdict-1": "not-suitable",
        "reason-1": "Only works in hospitals",
        "conclusion": "We will reuse Booking Tool 1.",
        "organisation": "Example Integrated Care Board",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def save(client: Client, form: dict[str, Any]) -> Any:
    token = csrf_token(client)
    return client.post(
        "/reuse-check/decisions", data={**form, "_csrf_token": token}, follow_redirects=False
    )


def saved_record(client: Client, form: dict[str, Any]) -> str:
    response = save(client, form)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def unmet(services: Services) -> dict[str, int]:
    return {n.query: n.count for n in DecisionService(services.engine).unmet_needs(100)}


# step 1 and step 2 -------------------------------------------------------------------------


def test_reuse_check_starts_with_a_get_form_for_the_need(client: Client) -> None:
    response = client.get("/reuse-check")

    html = main(response.text)
    assert response.status_code == 200
    assert '<form action="/reuse-check" method="get"' in html
    assert '<label class="nhsuk-label nhsuk-label--s" for="need">' in html
    assert '<textarea class="nhsuk-textarea" id="need" name="need"' in html
    assert 'for="q"' in html
    assert html.count("<h1>") == 1


def test_reuse_check_empty_need_shows_the_error_summary(client: Client) -> None:
    response = client.get("/reuse-check?need=++&q=")

    html = main(response.text)
    assert response.status_code == 400
    assert "nhsuk-error-summary" in html
    assert '<a href="#need">' in html
    assert 'id="need-error"' in html
    assert response.text.count("<title>Error: ") == 1


def test_reuse_check_lists_matching_entries_each_with_a_verdict_and_reason(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)

    response = client.get(f"/reuse-check?need={NEED}&q=booking")

    html = main(response.text)
    assert response.status_code == 200
    assert '<form action="/reuse-check/decisions" method="post"' in html
    assert 'name="_csrf_token"' in html
    for index in (0, 1):
        assert f'name="candidate-{index}"' in html
        assert html.count(f'name="verdict-{index}" type="radio"') == 3
        assert f'<label class="nhsuk-label" for="reason-{index}">' in html
    assert html.count('<fieldset class="nhsuk-fieldset">') == 2
    assert html.count("<legend") == 2
    for label in ("Could reuse", "Not suitable", "Not assessed"):
        assert label in html
    assert 'for="conclusion"' in html
    assert 'for="organisation"' in html


def test_reuse_check_lists_at_most_ten_entries(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 12)

    html = main(client.get("/reuse-check?need=booking+tool").text)

    assert len(re.findall(r'name="candidate-\d+"', html)) == 10
    assert "12 matches, the best 10 shown" in html


def test_reuse_check_searches_with_the_need_when_no_words_are_given(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 1)

    html = main(client.get("/reuse-check?need=Booking+Tool").text)

    assert "Searched for “Booking Tool”" in html
    assert 'value="tool-1"' in html


# saving --------------------------------------------------------------------------------------


def test_full_reuse_check_saves_a_record_at_an_unguessable_address(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)

    location = saved_record(client, a_form())
    response = client.get(location)

    match = RECORD_PATH.match(location)
    assert match is not None
    assert len(match.group(1)) >= 22
    html = main(response.text)
    assert response.status_code == 200
    assert response.headers["x-robots-tag"].startswith("noindex")
    assert NEED in html
    assert "Example Integrated Care Board" in html
    assert "Does what we need" in html
    assert "Only works in hospitals" in html
    assert "We will reuse Booking Tool 1." in html
    assert f'href="{location}.md"' in html
    assert f'href="{location}.json"' in html
    assert "<caption" in html


def test_markdown_download_has_need_candidates_verdicts_reasons_and_conclusion(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)
    location = saved_record(client, a_form())

    response = client.get(f"{location}.md")

    text = response.text
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["x-robots-tag"].startswith("noindex")
    assert NEED in text
    assert "### 1. Booking Tool 1" in text
    assert "**Verdict:** Could reuse" in text
    assert "**Reason:** Does what we need" in text
    assert "### 2. Booking Tool 2" in text
    assert "**Verdict:** Not suitable" in text
    assert "**Reason:** Only works in hospitals" in text
    assert "We will reuse Booking Tool 1." in text
    assert f"http://testserver.local{location}" in text


def test_json_download_has_need_candidates_verdicts_reasons_and_conclusion(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)
    location = saved_record(client, a_form())

    response = client.get(f"{location}.json")

    body = response.json()
    assert response.headers["x-robots-tag"].startswith("noindex")
    assert body["need"] == NEED
    assert body["search"] == "booking"
    assert body["organisation"] == "Example Integrated Care Board"
    assert body["conclusion"] == "We will reuse Booking Tool 1."
    assert body["url"] == f"http://testserver.local{location}"
    assert [(c["id"], c["verdict"], c["reason"]) for c in body["candidates"]] == [
        ("tool-1", "could-reuse", "Does what we need"),
        ("tool-2", "not-suitable", "Only works in hospitals"),
    ]
    assert body["candidates"][0]["licence"] == "MIT"
    assert body["candidates"][0]["status"] == "live"


def test_unanswered_verdict_is_saved_as_not_assessed(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)

    location = saved_record(client, a_form(**{"verdict-1": None, "reason-1": None}))

    body = client.get(f"{location}.json").json()
    assert body["candidates"][1]["verdict"] == "not-assessed"
    assert body["candidates"][1]["reason"] == ""


def test_record_with_no_candidates_can_be_saved(client: Client) -> None:
    form = {"need": NEED, "search": "nothing like this", "conclusion": "Nothing exists; we buy."}

    location = saved_record(client, form)

    assert "No entries were considered" in client.get(f"{location}.md").text


def test_record_keeps_the_entry_as_it_was_when_saved(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)
    location = saved_record(client, a_form())
    reviewer = who(services, keys.reviewer)
    current = services.entries.get("tool-1", None)
    changed = an_entry(id="tool-1", name="Renamed Tool", status="beta", licence="Apache-2.0")
    services.entries.update("tool-1", changed, reviewer, [current.etag])

    body = client.get(f"{location}.json").json()
    html = main(client.get(location).text)

    assert services.entries.get("tool-1", None).document["name"] == "Renamed Tool"
    assert body["candidates"][0]["name"] == "Booking Tool 1"
    assert body["candidates"][0]["licence"] == "MIT"
    assert body["candidates"][0]["status"] == "live"
    assert "Booking Tool 1" in html
    assert "Renamed Tool" not in html


def test_saving_without_a_csrf_token_is_refused(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)
    csrf_token(client)  # the cookie alone is not enough

    response = client.post("/reuse-check/decisions", data=a_form(), follow_redirects=False)

    assert response.status_code == 403
    assert not RECORD_PATH.match(response.headers.get("location", ""))


def test_saving_with_a_wrong_csrf_token_is_refused(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)
    csrf_token(client)

    response = client.post(
        "/reuse-check/decisions",
        data={**a_form(), "_csrf_token": "forged"},
        follow_redirects=False,
    )

    assert response.status_code == 403


def test_invalid_record_shows_errors_and_keeps_what_was_typed(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)
    long_reason = "r" * 1001
    form = a_form(
        need="",
        **{"reason-1": long_reason},
        conclusion="c" * 5001,
        organisation="Kept Org",
    )

    response = save(client, form)

    html = main(response.text)
    assert response.status_code == 400
    summary = html[: html.index("<h1>")]
    assert "nhsuk-error-summary" in summary
    links = re.findall(r'<a href="#([a-z0-9-]+)">', summary)
    assert links == ["need", "reason-1", "conclusion"]
    for field in ("need", "reason-1", "conclusion"):
        assert f'id="{field}-error"' in html
    assert f'value="{long_reason}"' in html
    assert 'value="Does what we need"' in html
    assert 'value="Kept Org"' in html
    assert "c" * 5001 in html
    assert 'value="could-reuse" checked' in html
    assert re.search(r'name="verdict-1" type="radio" value="not-suitable" checked', html)
    assert 'name="_csrf_token"' in html


def test_need_over_2000_characters_is_refused(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)

    response = save(client, a_form(need="n" * 2001))

    assert response.status_code == 400
    assert "2,000 characters or fewer" in response.text


def test_unknown_candidate_is_named_and_left_out(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)

    response = save(client, a_form(**{"candidate-1": "no-such-entry"}))

    html = main(response.text)
    assert response.status_code == 400
    assert '<a href="#candidates">' in html
    assert "no-such-entry" in html
    assert 'value="no-such-entry"' not in html
    assert 'name="candidate-0" value="tool-1"' in html


def test_more_than_ten_candidates_are_refused(
    services: Services, keys: Keys, client: Client
) -> None:
    ids = publish_tools(services, keys, 11)
    form = {"need": NEED, **{f"candidate-{n}": entry_id for n, entry_id in enumerate(ids)}}

    response = save(client, form)

    assert response.status_code == 400
    assert "at most 10 entries" in response.text


def test_unknown_or_malformed_record_addresses_are_not_found(client: Client) -> None:
    for path in (
        "/reuse-check/decisions/" + "A" * 32,
        "/reuse-check/decisions/short",
        "/reuse-check/decisions/" + "A" * 32 + ".pdf",
        "/reuse-check/decisions/" + "A" * 32 + ".md",
    ):
        assert client.get(path).status_code == 404, path


def test_hostile_entry_text_is_inert_on_every_reuse_check_page(
    services: Services, keys: Keys, client: Client
) -> None:
    hostile = hostile_entry(services, keys)
    step_two = client.get("/reuse-check?need=booking+appointments")
    hostile_need = f"Need {SCRIPT} [link](javascript:alert(1)) <img src=x onerror=alert(1)>"
    form = {
        "need": hostile_need,
        "search": SCRIPT,
        "candidate-0": hostile,
        "verdict-0": "not-suitable",
        "reason-0": SCRIPT,
        "conclusion": f"# Heading\n{SCRIPT}",
        "organisation": SCRIPT,
    }
    invalid = save(client, {**form, "reason-0": SCRIPT + "x" * 1000})
    location = saved_record(client, form)
    record = client.get(location)
    markdown = client.get(f"{location}.md").text
    body = client.get(f"{location}.json").json()

    assert f'value="{hostile}"' in step_two.text
    for response in (step_two, invalid, record):
        assert SCRIPT not in response.text
        assert "<img src=x" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in record.text
    # Every < is escaped for Markdown, except in the autolinks the record writes itself.
    assert re.findall(r"(?<!\\)<(?!http://testserver\.local/)", markdown) == []
    assert "\\<script\\>" in markdown
    assert "\\[link\\](javascript:" in markdown  # brackets escaped: no link
    assert "\n# Heading" not in markdown
    assert body["need"] == hostile_need
    assert body["candidates"][0]["name"] == f"{SCRIPT} Booking"


# unmet needs ----------------------------------------------------------------------------------


def test_search_page_counts_a_search_that_finds_nothing_once(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 1)

    client.get("/search?q=Teleporter++Maintenance")
    client.get("/search?q=booking")
    client.get("/search")
    client.get("/search?q=+++")

    assert unmet(services) == {"teleporter maintenance": 1}


def test_search_page_counts_a_need_its_results_match_only_a_little_of(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)

    page = client.get("/search?q=teleporter+maintenance+booking")
    client.get("/search?q=booking+tool")

    assert "Booking Tool 1" in page.text  # the partial matches are still shown
    assert unmet(services) == {"teleporter maintenance booking": 1}


def test_reuse_check_counts_a_need_its_candidates_match_only_a_little_of(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)

    client.get("/reuse-check?need=x&q=warp+drive+booking")

    assert unmet(services) == {"warp drive booking": 1}


def test_repeated_searches_that_find_nothing_add_up(client: Client, services: Services) -> None:
    client.get("/search?q=teleporter")
    client.get("/search?q=TELEPORTER")

    assert unmet(services) == {"teleporter": 2}


def test_api_searches_are_not_counted(client: Client, services: Services) -> None:
    response = client.get("/api/v1/search?q=teleporter")

    assert response.status_code == 200
    assert response.json()["total"] == 0
    assert unmet(services) == {}


def test_reuse_check_that_finds_nothing_counts_once(
    services: Services, keys: Keys, client: Client
) -> None:
    publish(services, keys, an_entry(id="tool-1", name="Booking Tool"))

    client.get("/reuse-check?need=We+need+a+teleporter&q=teleporter")
    client.get("/reuse-check?need=Booking")
    client.get("/reuse-check")
    token = csrf_token(client, "/reuse-check?need=x&q=warp+drive")
    client.post(
        "/reuse-check/decisions",
        data={"need": "x", "search": "teleporter", "_csrf_token": token},
        follow_redirects=False,
    )

    assert unmet(services) == {"teleporter": 1, "warp drive": 1}
