"""Atom feeds per entry and per standard, announced by the entry and standard pages."""

import xml.etree.ElementTree as ET

from litestar import Litestar
from litestar.testing import TestClient

from registry.wiring import Services
from tests.builders import a_standard, an_entry
from tests.conftest import Keys
from tests.test_services import who

Client = TestClient[Litestar]
A = "{http://www.w3.org/2005/Atom}"
BASE = "http://testserver.local"


def parse(client: Client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - the app's own output, under test


def titles(root: ET.Element) -> list[str]:
    return [e.findtext(f"{A}title") or "" for e in root.findall(f"{A}entry")]


def test_entry_feed_has_an_item_per_published_step_newest_first(
    services: Services, keys: Keys, client: Client
) -> None:
    reviewer = who(services, keys.reviewer)
    services.entries.create(an_entry(), reviewer, publish=True)
    etag = services.entries.get("example-tool", reviewer).etag
    services.entries.update(
        "example-tool", an_entry(summary="Now also cancels."), reviewer, [etag], "Cancelling"
    )
    services.entries.act("example-tool", "deprecate", reviewer, "Replaced by a national service")

    root = parse(client, "/entries/example-tool/feed.atom")

    assert root.findtext(f"{A}id") == f"{BASE}/entries/example-tool/feed.atom"
    assert titles(root) == [
        "Example Tool deprecated",
        "Example Tool updated",
        "Example Tool published",
    ]
    summaries = [e.findtext(f"{A}summary") for e in root.findall(f"{A}entry")]
    assert summaries[0] == "Replaced by a national service"
    ids = [e.findtext(f"{A}id") for e in root.findall(f"{A}entry")]
    assert len(set(ids)) == 3
    assert all(i and i.startswith("urn:uuid:") for i in ids)
    assert root.findtext(f"{A}updated") == root.findall(f"{A}entry")[0].findtext(f"{A}updated")


def test_entry_feed_leaves_out_a_pending_proposal(
    services: Services, keys: Keys, client: Client
) -> None:
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    services.entries.create(an_entry(), supplier)
    services.entries.act("example-tool", "submit", supplier)
    services.entries.act("example-tool", "approve", reviewer)
    etag = services.entries.get("example-tool", supplier).etag
    services.entries.update("example-tool", an_entry(summary="Secret plan."), supplier, [etag])
    services.entries.act("example-tool", "submit", supplier)

    response = client.get("/entries/example-tool/feed.atom")

    assert titles(parse(client, "/entries/example-tool/feed.atom")) == ["Example Tool published"]
    assert b"Secret plan" not in response.content


def test_draft_has_no_feed(services: Services, keys: Keys, client: Client) -> None:
    services.entries.create(an_entry(), who(services, keys.supplier))

    assert client.get("/entries/example-tool/feed.atom").status_code == 404


def test_merged_entrys_feed_redirects_to_the_survivors(
    services: Services, keys: Keys, client: Client
) -> None:
    reviewer = who(services, keys.reviewer)
    services.entries.create(an_entry(), reviewer, publish=True)
    services.entries.create(an_entry(id="kept-tool", name="Kept"), reviewer, publish=True)
    services.entries.merge("example-tool", "kept-tool", reviewer, "Duplicate")

    response = client.get("/entries/example-tool/feed.atom", follow_redirects=False)

    assert response.status_code == 301
    assert response.headers["location"] == "/entries/kept-tool/feed.atom"


def test_standard_feed_lists_the_standard_and_its_implementers(
    services: Services, keys: Keys, client: Client
) -> None:
    reviewer = who(services, keys.reviewer)
    services.entries.create(a_standard(), reviewer, publish=True)
    services.entries.create(
        an_entry(id="fhir-tool", name="FHIR Tool", standards=[{"id": "hl7-fhir-r4"}]),
        reviewer,
        publish=True,
    )
    services.entries.create(an_entry(id="plain-tool", name="Plain Tool"), reviewer, publish=True)

    root = parse(client, "/standards/hl7-fhir-r4/feed.atom")

    assert root.findtext(f"{A}id") == f"{BASE}/standards/hl7-fhir-r4/feed.atom"
    assert sorted(titles(root)) == ["FHIR Tool", "HL7 FHIR R4"]


def test_standard_feed_is_404_for_an_entry_that_is_not_a_standard(
    services: Services, keys: Keys, client: Client
) -> None:
    services.entries.create(an_entry(), who(services, keys.reviewer), publish=True)

    assert client.get("/standards/example-tool/feed.atom").status_code == 404


def test_entry_and_standard_pages_announce_their_feeds(
    services: Services, keys: Keys, client: Client
) -> None:
    reviewer = who(services, keys.reviewer)
    services.entries.create(a_standard(), reviewer, publish=True)
    services.entries.create(an_entry(), reviewer, publish=True)

    entry_page = client.get("/entries/example-tool").text
    standard_page = client.get("/standards/hl7-fhir-r4").text

    assert (
        '<link rel="alternate" type="application/atom+xml" title="Changes to Example Tool" '
        'href="/entries/example-tool/feed.atom">' in entry_page
    )
    assert 'href="/standards/hl7-fhir-r4/feed.atom"' in standard_page
    assert 'href="/standards/hl7-fhir-r4/feed.atom"' not in entry_page


def test_entry_feed_escapes_hostile_text(services: Services, keys: Keys, client: Client) -> None:
    hostile = "<script>alert(1)</script> & \x01"
    services.entries.create(an_entry(name="Tool <b>"), who(services, keys.reviewer), publish=True)
    reviewer = who(services, keys.reviewer)
    services.entries.act("example-tool", "deprecate", reviewer, hostile)

    root = parse(client, "/entries/example-tool/feed.atom")

    assert root.findall(f"{A}entry")[0].findtext(f"{A}summary") == "<script>alert(1)</script> & "
