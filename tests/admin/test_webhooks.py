"""The webhooks page (admins only): every subscription and delivery, with attempts."""

from pathlib import Path

import pytest

from registry.settings import Settings
from registry.wiring import Services
from tests.admin.conftest import ADMIN, REVIEWER, Client, main, sign_in
from tests.builders import an_entry
from tests.conftest import Keys
from tests.webhooks.conftest import subscribe, who
from tests.webhooks.receiver import receiving

pytestmark = pytest.mark.usefixtures("maintainers")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        webhooks=False,
        webhook_retry_seconds=(60.0,),
        webhook_max_failures=1,
        webhook_allowed_networks=("127.0.0.1/32",),
    )


def test_webhooks_page_lists_subscriptions_and_attempts(
    services: Services, client: Client, keys: Keys
) -> None:
    with receiving() as receiver:
        receiver.script = [500]
        made, secret = subscribe(services, keys.supplier, receiver.url, "kind", "software")
        services.entries.create(an_entry(), who(services, keys.admin), publish=True)
        services.webhooks.worker.run_once()
    sign_in(client, ADMIN)

    response = client.get("/admin/webhooks")
    html = main(response.text)

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert html.count("<h1>") == 1
    assert receiver.url in html
    assert "supplier:Acme Health" in html
    assert "kind <code>software</code>" in html
    assert "disabled" in html
    assert "HTTP 500" in html
    assert "entry.published" in html
    assert f'href="/admin/webhooks?subscription={made.id}"' in html
    assert secret not in response.text


def test_webhooks_page_shows_one_subscriptions_deliveries(
    services: Services, client: Client, keys: Keys
) -> None:
    with receiving() as receiver:
        first, _ = subscribe(services, keys.supplier, receiver.url, "entry", "example-tool")
        subscribe(services, keys.other_supplier, receiver.url, "entry", "other-tool")
        admin = who(services, keys.admin)
        services.entries.create(an_entry(), admin, publish=True)
        services.entries.create(an_entry(id="other-tool", name="Other"), admin, publish=True)
        services.webhooks.worker.run_once()
    sign_in(client, ADMIN)

    html = main(client.get(f"/admin/webhooks?subscription={first.id}").text)
    deliveries = html[html.index('id="deliveries"') :]

    assert f"Deliveries of subscription {first.id} (1)" in deliveries
    assert 'href="/entries/example-tool"' in deliveries
    assert 'href="/entries/other-tool"' not in deliveries


def test_webhooks_page_answers_404_for_an_unknown_subscription(client: Client) -> None:
    sign_in(client, ADMIN)

    response = client.get("/admin/webhooks?subscription=999")

    assert response.status_code == 404
    assert "No such subscription" in response.text


def test_webhooks_page_is_for_admins_only(client: Client) -> None:
    sign_in(client, REVIEWER)

    assert client.get("/admin/webhooks").status_code == 403


def test_admin_navigation_links_to_the_webhooks_page(client: Client) -> None:
    sign_in(client, ADMIN)

    assert 'href="/admin/webhooks"' in client.get("/admin").text
