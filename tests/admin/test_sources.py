"""/admin/sources: admins add sources, see runs with counts and errors, harvest now and
remove; items gone from a source show on the data-quality page."""

import json
from pathlib import Path

import pytest

from registry.auth import OPERATOR
from registry.settings import Settings
from registry.wiring import Services
from tests.admin.conftest import ADMIN, Client, assert_error_links_resolve, main, post_form, sign_in
from tests.harvesting import conftest as harvesting
from tests.harvesting.conftest import FILES, FileHost, add_source, shared

pytestmark = pytest.mark.usefixtures("maintainers")
# The local file server of the harvesting tests.
server = harvesting.server
host = harvesting.host
LIST = "/admin/sources"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        harvest_allow_hosts=("127.0.0.1",),
        harvest_scheduler=False,
        harvest_misses_before_deprecation=2,
    )


def test_an_admin_adds_a_source_and_sees_its_page(client: Client) -> None:
    sign_in(client, ADMIN)
    form = {
        "name": "nhs-apis",
        "format": "uk-api-catalogue",
        "urls": "https://example.org/a.json\r\nhttps://example.org/b.json",
        "interval": "60",
        "trust": "publish",
    }

    response = post_form(client, LIST, form, page=LIST)

    assert response.status_code == 303
    assert response.headers["location"] == f"{LIST}/nhs-apis"
    page = main(client.get(f"{LIST}/nhs-apis").text)
    assert "https://example.org/b.json" in page
    assert "60 minutes" in page
    assert "Not harvested yet." in page
    assert 'action="/admin/sources/nhs-apis/harvest"' in page


def test_a_form_with_problems_shows_each_next_to_its_field(client: Client) -> None:
    sign_in(client, ADMIN)
    form = {"name": "Nope!", "format": "uk-api-catalogue", "urls": "ftp://x", "interval": "1"}

    response = post_form(client, LIST, form, page=LIST)

    assert response.status_code == 400
    html = response.text
    assert_error_links_resolve(html)
    for field in ("name", "urls", "interval", "supplier"):
        assert f'id="{field}-error"' in html
    assert "URL on line 1: only http and https" in html
    assert services_free_of_sources(client)


def services_free_of_sources(client: Client) -> bool:
    return "There are no harvest sources yet." in client.get(LIST).text


def test_the_list_shows_last_run_next_run_counts_and_errors(
    client: Client, seeded: Services, host: FileHost
) -> None:
    add_source(seeded, "mixed", "dpg", [host.put("/n.json", shared(FILES["dpg"][0])),
                                        host.url("/missing.json")])  # fmt: skip
    seeded.sources.harvest("mixed", OPERATOR)
    sign_in(client, ADMIN)

    listing = main(client.get(LIST).text)
    detail = main(client.get(f"{LIST}/mixed").text)

    assert ": partial" in listing
    row = listing[listing.index("/admin/sources/mixed") :]
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">1</td>' in row
    assert "created: 1" in detail
    assert "HTTP 404 NOT FOUND" in detail
    assert host.url("/missing.json") in detail


def test_harvest_now_queues_the_source(client: Client, seeded: Services) -> None:
    add_source(seeded, "later", "dpg", ["https://example.org/n.json"], interval_minutes=1440)
    seeded.scheduler().tick()  # fails to fetch (not allowed), but is now scheduled tomorrow
    assert seeded.scheduler().due() == []
    sign_in(client, ADMIN)

    response = post_form(client, f"{LIST}/later/harvest", {}, page=f"{LIST}/later")

    assert response.status_code == 303
    assert seeded.scheduler().due() == ["later"]
    assert "due now" in client.get(f"{LIST}/later").text


def test_removing_a_source_keeps_its_entries(
    client: Client, seeded: Services, host: FileHost
) -> None:
    add_source(seeded, "dpg", "dpg", [host.put("/n.json", shared(FILES["dpg"][0]))])
    seeded.sources.harvest("dpg", OPERATOR)
    published = len(list(seeded.entries.published()))
    sign_in(client, ADMIN)

    response = post_form(client, f"{LIST}/dpg/remove", {}, page=f"{LIST}/dpg")

    assert response.status_code == 303
    assert services_free_of_sources(client)
    assert len(list(seeded.entries.published())) == published


def test_an_item_gone_from_its_source_is_on_the_quality_page(
    client: Client, seeded: Services, host: FileHost
) -> None:
    data = json.loads(shared(FILES["uk-api-catalogue"][0]))
    host.put("/apis.json", json.dumps(data).encode())
    add_source(seeded, "nhs", "uk-api-catalogue", [host.url("/apis.json")])
    seeded.sources.harvest("nhs", OPERATOR)
    del data["apis"][0]
    host.put("/apis.json", json.dumps(data).encode())
    seeded.sources.harvest("nhs", OPERATOR)
    sign_in(client, ADMIN)

    page = main(client.get("/admin/quality?kind=left-source").text)

    assert "Gone from its harvest source (1)" in page
    assert "Not in the source &#39;nhs&#39;" in page
    assert "deprecated after 2 harvests in a row without it" in page
