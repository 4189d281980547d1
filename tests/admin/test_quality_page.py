"""The data quality page: any signed-in maintainer sees published entries with problems."""

import pytest

from registry.auth import OPERATOR
from registry.wiring import Services
from tests.admin.conftest import REVIEWER, Client, main, sign_in
from tests.builders import an_entry

pytestmark = pytest.mark.usefixtures("maintainers")


def publish(services: Services, document: dict[str, object]) -> None:
    services.entries.create(document, OPERATOR)
    for action in ("submit", "approve"):
        services.entries.act(str(document["id"]), action, OPERATOR)


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/admin/quality", follow_redirects=False)

    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/admin/login")


def test_a_reviewer_sees_the_page_grouped_by_kind_with_counts(client: Client) -> None:
    sign_in(client, REVIEWER)

    response = client.get("/admin/quality")

    html = main(response.text)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert html.count("<h1>") == 1
    assert "<h1>Data quality</h1>" in html
    assert '<label class="nhsuk-label" for="kind">Kind of problem</label>' in html
    assert "No published entry has a problem." in html


def test_the_seeded_data_shows_its_real_problems(seeded: Services, client: Client) -> None:
    sign_in(client, REVIEWER)

    html = main(client.get("/admin/quality").text)

    # Orthanc (seed/entries/open-source.yaml) has a homepage but no documentation link.
    assert '<a href="/admin/entries/orthanc/edit">Orthanc</a>' in html
    assert "No documentation link (22)" in html
    # Many NHS APIs say NOASSERTION, but APIs need not assert a licence.
    assert "No licence asserted (0)" in html
    assert 'id="no-licence"' not in html


def test_the_filter_shows_one_kind_only(services: Services, client: Client) -> None:
    publish(services, an_entry(id="old-gpl", name="Old GPL", licence="GPL-2.0"))
    publish(
        services,
        an_entry(
            id="documented",
            name="Documented",
            urls={"documentation": "https://example.org/docs"},
            depends_on=[{"name": "Gone", "id": "gone-tool", "open_source": True}],
        ),
    )
    sign_in(client, REVIEWER)

    everything = main(client.get("/admin/quality").text)
    licences = main(client.get("/admin/quality?kind=deprecated-licence").text)
    nonsense = client.get("/admin/quality?kind=<script>")

    assert 'id="deprecated-licence"' in everything
    assert 'id="broken-reference"' in everything
    assert "2 published entries have problems" in everything
    assert "&#39;GPL-2.0-only&#39;" in licences
    assert 'id="deprecated-licence"' in licences
    assert 'id="broken-reference"' not in licences
    assert 'id="no-documentation"' not in licences
    assert '<option value="deprecated-licence" selected>' in licences
    assert nonsense.status_code == 200
    assert "<script>" not in main(nonsense.text)


def test_a_hostile_entry_name_is_inert(services: Services, client: Client) -> None:
    publish(services, an_entry(id="hostile", name='<script>alert("x")</script>'))
    sign_in(client, REVIEWER)

    html = main(client.get("/admin/quality").text)

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_the_report_is_made_once_until_the_registry_changes(
    services: Services, client: Client
) -> None:
    sign_in(client, REVIEWER)
    publish(services, an_entry(id="old-gpl", name="Old GPL", licence="GPL-2.0"))
    made = services.quality.made

    for _ in range(3):
        assert "Old GPL" in main(client.get("/admin/quality").text)
    assert services.quality.made == made + 1

    publish(services, an_entry(id="older-gpl", name="Older GPL", licence="GPL-2.0"))
    assert "Older GPL" in main(client.get("/admin/quality").text)
    assert services.quality.made == made + 2


def test_one_kind_is_shown_a_page_at_a_time(services: Services, client: Client) -> None:
    for n in range(23):
        publish(services, an_entry(id=f"undocumented-{n:02d}", name=f"Undocumented {n:02d}"))
    sign_in(client, REVIEWER)

    everything = main(client.get("/admin/quality").text)
    assert everything.count("/admin/entries/undocumented-") == 20
    assert 'href="/admin/quality?kind=no-documentation&amp;page=1"' in everything

    first = main(client.get("/admin/quality?kind=no-documentation").text)
    assert "Page 1 of 1" not in first  # 23 rows fit on one page of 50
    assert first.count("/admin/entries/undocumented-") == 23
    past_the_end = main(client.get("/admin/quality?kind=no-documentation&page=9").text)
    assert past_the_end.count("/admin/entries/undocumented-") == 23
