"""The public pages over HTTP: content, escaping, security headers, errors, assets."""

import logging
import re
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from catalogue.assets import load_assets
from registry.auth import OPERATOR
from registry.wiring import Services
from tests.builders import an_entry

Client = TestClient[Litestar]
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


@pytest.fixture
def hostile(seeded: Services, client: Client) -> Client:
    """The seed plus one published entry whose every text field is hostile markup."""
    document = an_entry(
        id="hostile-entry",
        name=f"Hostile {HOSTILE}",
        summary=f"Summary {HOSTILE}"[:200].replace("\n", " "),
        description=f'Description {HOSTILE}\n\n"quoted" & more',
        features=[f"Feature {HOSTILE}"],
        tags=["fhir"],
        owner={"name": f"Owner {HOSTILE}", "url": "https://example.org/a'onmouseover=alert(1)"},
        urls={"homepage": "https://example.org/?q=%3Cscript%3E"},
    )
    from registry.seeding import SeedSource

    seeded.seeder.load(SeedSource([], [("test", document)]), OPERATOR)
    return client


def assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "onerror=alert" not in html or "onerror=alert(1)&gt;" in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all("nonce=" in s or "src=" in s for s in scripts), scripts


def test_home_has_search_counts_and_recent_entries(site: Client) -> None:
    response = site.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<form action="/search" method="get" role="search"' in html
    assert re.search(r'href="/browse/kind/api">API</a> \(\d+\)', html)
    assert "Recently published" in html
    # Each recent entry is a link with its name as text.
    assert not re.search(r'<a href="/entries/[^"]+"></a>', html)
    assert "/standards/hl7-fhir-r4" in html


def test_search_page_shows_results_facets_and_state_in_the_url(site: Client) -> None:
    html = site.get("/search?q=prescription&kind=api").text

    assert "electronic-prescription-service-fhir" in html
    assert "<mark>" in html
    assert 'name="kind" type="checkbox" value="api" checked' in html
    assert "Remove filter: API" in html
    assert 'href="/search?q=prescription"' in html  # removing the filter keeps the query


def test_search_page_offers_did_you_mean(site: Client) -> None:
    html = site.get("/search?q=openmrss").text

    assert "Did you mean" in html
    assert "/entries/openmrs" in html


def test_search_page_with_nothing_found_points_to_the_reuse_check(site: Client) -> None:
    html = site.get("/search?q=zzqqxxyy").text

    assert "0 results" in html
    assert "/reuse-check?need=zzqqxxyy" in html


def test_search_page_tolerates_bad_parameters(site: Client) -> None:
    for query in ("page=abc", "sort=zzz", "page=-4", "q=" + "x" * 5000, "kind=%3Cscript%3E"):
        response = site.get(f"/search?{query}")
        assert response.status_code == 200, query
        assert_inert(response.text)


def test_entry_page_lays_out_what_a_commissioner_needs(site: Client) -> None:
    html = site.get("/entries/personal-demographics-service-fhir").text

    assert "<h1>Personal Demographics Service - FHIR API</h1>" in html
    for heading in (
        "What it does",
        "Standards",
        "Assurance",
        "Who uses it",
        "Similar entries",
        "Download this entry",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert 'href="/standards/hl7-fhir-r4"' in html
    assert "Licence not stated" in html
    assert re.search(r"<ul><li>[^<]+</li><li>", html)  # the description's bullet list
    assert "?format=json" in html
    assert "?format=yaml" in html


def test_open_source_licence_is_said_in_words(site: Client) -> None:
    assert "Open source (Apache-2.0)" in site.get("/entries/hapi-fhir").text


def test_deprecated_entry_carries_a_warning(site: Client, seeded: Services) -> None:
    deprecated = next(
        e.id for e in seeded.entries.published() if e.document["status"] == "deprecated"
    )

    html = site.get(f"/entries/{deprecated}").text

    assert "nhsuk-warning-callout" in html
    assert "Deprecated" in html


def test_standard_page_lists_the_entries_that_implement_it(site: Client) -> None:
    html = site.get("/standards/hl7-fhir-r4").text

    assert "<h1>HL7 FHIR Release 4</h1>" in html
    assert "/entries/hapi-fhir" in html
    assert "/entries/personal-demographics-service-fhir" in html


def test_a_non_standard_is_not_a_standard_page(site: Client) -> None:
    assert site.get("/standards/hapi-fhir").status_code == 404


def test_browse_lists_kinds_categories_and_care_settings(site: Client) -> None:
    html = site.get("/browse").text

    assert 'href="/browse/kind/api"' in html
    assert 'href="/browse/category/' in html
    assert 'href="/browse/care-setting/' in html


def test_browse_links_open_the_filtered_search(site: Client) -> None:
    response = site.get("/browse/care-setting/primary-care", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/search?care_setting=primary-care"


def test_hostile_entry_text_is_rendered_inert(hostile: Client) -> None:
    for path in ("/entries/hostile-entry", "/search?q=hostile", "/", "/search?q=feature"):
        html = hostile.get(path).text
        assert_inert(html)
    entry = hostile.get("/entries/hostile-entry").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in entry


def test_pages_send_a_strict_csp_with_a_fresh_nonce(site: Client) -> None:
    first = site.get("/")
    second = site.get("/")

    csp = first.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None
    assert f'nonce="{nonce.group(1)}"' in first.text
    assert nonce.group(1) not in second.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "https:" not in csp
    assert "http:" not in csp
    assert first.headers["x-content-type-options"] == "nosniff"
    assert first.headers["x-frame-options"] == "DENY"


def test_pages_make_no_third_party_requests(site: Client) -> None:
    for path in ("/", "/search?q=fhir", "/entries/hapi-fhir"):
        html = site.get(path).text
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
            # Only links the person follows may leave the site; nothing is loaded from elsewhere.
            assert not re.search(rf'(?:src)="{re.escape(url)}"', html), url
        assert '<link rel="stylesheet" href="/assets/' in html
    css = site.get("/assets/catalogue.css").text
    assert "assets.nhs.uk" not in css
    assert "@font-face" not in css


def test_unknown_page_is_a_friendly_404(site: Client) -> None:
    response = site.get("/no/such/page")

    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "<h1>Page not found</h1>" in response.text


def test_unknown_entry_is_a_friendly_404(site: Client) -> None:
    response = site.get("/entries/no-such-entry")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text


def test_api_errors_stay_problem_json(site: Client) -> None:
    response = site.get("/api/v1/entries/no-such-entry")

    assert response.headers["content-type"].startswith("application/problem+json")


def test_design_system_images_are_served_and_paths_are_refused(site: Client) -> None:
    assert (
        site.get("/assets/images/favicon.svg").headers["content-type"].startswith("image/svg+xml")
    )
    assert site.get("/assets/images/..%2F..%2Fpackage.json").status_code == 404
    assert site.get("/assets/images/manifest.json").status_code == 404


def test_missing_npm_assets_fall_back_to_plain_html_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="catalogue.assets"):
        assets = load_assets(tmp_path / "nothing-here")

    assert assets.available is False
    assert "npm ci" in caplog.text
    assert "font-family" in assets.css


def section(html: str, heading: str) -> str:
    start = html.index(f"<h2>{heading}</h2>")
    return html[start : html.index("</div>", start)]


def test_home_recently_updated_lists_only_entries_changed_after_publication(
    seeded: Services, client: Client
) -> None:
    before = client.get("/").text
    view = seeded.entries.get("personal-demographics-service-fhir", OPERATOR)
    changed = {**view.document, "summary": "Changed after publication for this test."}
    seeded.entries.update(view.id, changed, OPERATOR, [view.etag], "test")

    after = client.get("/").text

    assert "No entry has changed since it was published." in section(before, "Recently updated")
    updated = section(after, "Recently updated")
    assert re.findall(r'href="/entries/([^"]+)"', updated) == [view.id]
    assert view.id not in section(after, "Recently published")


def test_search_page_beyond_the_last_shows_the_last(site: Client) -> None:
    html = site.get("/search?q=fhir&page=999").text

    found = re.search(r"[Pp]age (\d+) of (\d+)", html)
    assert found is not None
    assert found.group(1) == found.group(2)
    assert "page=999" not in html
    assert "page=998" not in html


def test_licence_facet_uses_the_words_of_the_results(site: Client) -> None:
    html = site.get("/search?q=").text
    text = re.sub(r"<[^>]+>", " ", html)  # what a reader sees, not the form's values

    assert 'value="NOASSERTION"' in html  # the seed has entries whose licence is not stated
    assert "NOASSERTION" not in text
    assert "Licence not stated" in text


def test_search_page_shows_linked_listings_once_with_also_listed_as(
    services: Services, client: Client
) -> None:
    from registry.seeding import SeedSource

    docs = {"documentation": "https://example.org/docs/kestrel"}
    pair = [
        an_entry(id=entry_id, kind=kind, name="Kestrel Rota", urls=docs)
        for entry_id, kind in (("kestrel-rota", "software"), ("kestrel-rota-api", "api"))
    ]
    services.seeder.load(SeedSource([], [("test", d) for d in pair]), OPERATOR)
    services.proposals.refresh(OPERATOR)

    html = client.get("/search?q=kestrel").text

    assert len(re.findall(r'<li class="rr-result">', html)) == 1
    assert re.search(r"Also listed as <a href=\"/entries/kestrel-rota(-api)?\">Kestrel Rota", html)


@pytest.mark.parametrize(
    ("path", "current"),
    [("/search", "Search"), ("/browse", "Browse"), ("/standards", "Standards")],
)
def test_the_header_marks_the_section_of_the_page(site: Client, path: str, current: str) -> None:
    page = site.get(path).text
    header = page[page.index("<header") : page.index("</header>")]

    marked = re.findall(r'aria-current="page">(?:<[^>]+>)*\s*([^<]+?)\s*<', header)
    assert marked == [current]
    assert 'aria-current="page"' not in site.get("/entries/tool-1").text.split("</header>")[0]
