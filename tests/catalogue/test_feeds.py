"""/feed.atom, /sitemap.xml and /robots.txt."""

import xml.etree.ElementTree as ET
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

from catalogue.feeds import atom_feed, xml_text
from registry.app import create_app
from registry.settings import Settings
from registry.views import EntryView
from registry.wiring import Services, build_services
from tests.builders import a_standard, an_entry
from tests.catalogue.test_compare import SCRIPT, hostile_entry, publish, publish_tools
from tests.conftest import Keys
from tests.test_services import who

Client = TestClient[Litestar]
A = "{http://www.w3.org/2005/Atom}"
S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://testserver.local"


def parse(document: bytes) -> ET.Element:
    return ET.fromstring(document)  # noqa: S314 - the app's own output, under test


def feed(client: Client) -> ET.Element:
    response = client.get("/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    return parse(response.content)


def test_feed_is_atom_with_id_title_updated_and_self_link(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)

    root = feed(client)

    assert root.tag == f"{A}feed"
    assert root.findtext(f"{A}id") == f"{BASE}/feed.atom"
    assert root.findtext(f"{A}title")
    assert root.findtext(f"{A}author/{A}name")
    self_link = [link for link in root.findall(f"{A}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_link] == [f"{BASE}/feed.atom"]
    entries = root.findall(f"{A}entry")
    assert root.findtext(f"{A}updated") == entries[0].findtext(f"{A}updated")


def test_feed_lists_published_entries_newest_first_with_links_and_summaries(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)
    services.entries.create(an_entry(id="draft-tool"), who(services, keys.supplier))

    entries = feed(client).findall(f"{A}entry")

    assert [e.findtext(f"{A}title") for e in entries] == ["Booking Tool 2", "Booking Tool 1"]
    first = entries[0]
    assert first.findtext(f"{A}id", "").startswith("urn:uuid:")
    assert first.findtext(f"{A}updated")
    assert first.findtext(f"{A}summary") == "Books appointments for community clinics."
    link = first.find(f"{A}link")
    assert link is not None
    assert link.get("href") == f"{BASE}/entries/tool-2"


def test_feed_moves_a_changed_entry_to_the_top_and_keeps_its_id(
    services: Services, keys: Keys, client: Client
) -> None:
    publish_tools(services, keys, 2)
    before = {e.findtext(f"{A}title"): e.findtext(f"{A}id") for e in feed(client)}
    current = services.entries.get("tool-1", None)
    changed = an_entry(id="tool-1", name="Booking Tool 1", summary="Now with reminders.")
    services.entries.update("tool-1", changed, who(services, keys.reviewer), [current.etag])

    entries = feed(client).findall(f"{A}entry")

    assert entries[0].findtext(f"{A}title") == "Booking Tool 1"
    assert entries[0].findtext(f"{A}summary") == "Now with reminders."
    assert entries[0].findtext(f"{A}id") == before["Booking Tool 1"]


def test_feed_has_at_most_fifty_entries(seeded: Services, client: Client) -> None:
    entries = feed(client).findall(f"{A}entry")

    assert len(entries) == 50
    ids = [e.findtext(f"{A}id") for e in entries]
    assert len(set(ids)) == 50


def test_feed_escapes_hostile_entry_text(services: Services, keys: Keys, client: Client) -> None:
    hostile_entry(services, keys)

    response = client.get("/feed.atom")

    assert SCRIPT not in response.text
    entry = parse(response.content).find(f"{A}entry")
    assert entry is not None
    assert entry.findtext(f"{A}title") == f"{SCRIPT} Booking"
    assert entry.findtext(f"{A}summary") == f"Books appointments {SCRIPT}"


def test_feed_of_an_empty_registry_is_still_valid(client: Client) -> None:
    root = feed(client)

    assert root.findall(f"{A}entry") == []
    assert root.findtext(f"{A}updated")


def test_characters_xml_cannot_carry_are_dropped() -> None:
    view = EntryView(
        id="odd-tool",
        state="published",
        revision=1,
        published_revision=1,
        etag='"odd-tool-1"',
        open_source=True,
        licence_canonical="MIT",
        supplier=None,
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
        published_at="2026-01-01T00:00:00Z",
        document=an_entry(id="odd-tool", name="Odd\x01 \x0bTool", summary="A & B < C"),
    )

    root = parse(atom_feed([view], BASE))

    assert root.findtext(f"{A}entry/{A}title") == "Odd Tool"
    assert root.findtext(f"{A}entry/{A}summary") == "A & B < C"
    assert xml_text("tab\tand\nnewline") == "tab\tand\nnewline"


def test_robots_txt_allows_all_points_to_the_sitemap_and_hides_records(client: Client) -> None:
    response = client.get("/robots.txt")

    lines = response.text.splitlines()
    assert response.headers["content-type"].startswith("text/plain")
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    assert "Disallow: /admin" in lines
    assert "Disallow: /reuse-check/decisions/" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def test_sitemap_lists_the_main_pages_entries_and_standards(
    services: Services, keys: Keys, client: Client
) -> None:
    publish(services, keys, a_standard())
    publish_tools(services, keys, 1)
    services.entries.create(an_entry(id="draft-tool"), who(services, keys.supplier))

    response = client.get("/sitemap.xml")

    root = parse(response.content)
    assert root.tag == f"{S}urlset"
    locations = [u.findtext(f"{S}loc") for u in root.findall(f"{S}url")]
    assert locations == [
        f"{BASE}/",
        f"{BASE}/search",
        f"{BASE}/browse",
        f"{BASE}/standards",
        f"{BASE}/entries/hl7-fhir-r4",
        f"{BASE}/standards/hl7-fhir-r4",
        f"{BASE}/entries/tool-1",
    ]
    assert root.findtext(f"{S}url[5]/{S}lastmod", "").count("-") == 2


def test_sitemap_covers_the_seed_content(seeded: Services, client: Client) -> None:
    root = parse(client.get("/sitemap.xml").content)

    locations = {u.findtext(f"{S}loc") for u in root.findall(f"{S}url")}
    assert f"{BASE}/entries/openmrs" in locations
    assert f"{BASE}/standards/hl7-fhir-r4" in locations
    assert len(locations) > 50


def test_a_configured_base_url_is_used_whatever_the_host_header(
    services: Services, keys: Keys, tmp_path: Path
) -> None:
    publish_tools(services, keys, 1)
    settings = Settings(data_dir=tmp_path / "data", base_url="https://registry.example.org")
    app = create_app(settings, build_services(settings, services.engine))

    with TestClient(app) as client:
        headers = {"Host": "evil.example.com"}
        root = parse(client.get("/feed.atom", headers=headers).content)
        sitemap = client.get("/sitemap.xml", headers=headers).text
        robots = client.get("/robots.txt", headers=headers).text

    assert root.findtext(f"{A}id") == "https://registry.example.org/feed.atom"
    assert "evil.example.com" not in sitemap
    assert "<loc>https://registry.example.org/</loc>" in sitemap
    assert "Sitemap: https://registry.example.org/sitemap.xml" in robots
