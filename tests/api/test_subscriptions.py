"""The subscriptions API: who may do what, what is shown, and clear problems."""

import logging
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from registry.db import transaction
from registry.repository import Repository
from registry.settings import Settings
from registry.wiring import Services
from tests.builders import an_entry
from tests.conftest import Keys, bearer
from tests.webhooks.receiver import receiving

Client = TestClient[Litestar]
PATH = "/api/v1/subscriptions"
HOOK = "http://127.0.0.1:9/hook"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        webhooks=False,
        webhook_retry_seconds=(0.01,),
        webhook_allowed_networks=("127.0.0.1/32",),
    )


def create(client: Client, key: str, body: dict[str, Any]) -> Any:
    response = client.post(PATH, json=body, headers=bearer(key))
    assert response.status_code == 201, response.text
    return response.json()


def test_subscribing_shows_the_secret_once(client: Client, keys: Keys) -> None:
    made = create(client, keys.supplier, {"url": HOOK})

    shown = client.get(f"{PATH}/{made['id']}", headers=bearer(keys.supplier)).json()
    listed = client.get(PATH, headers=bearer(keys.supplier)).json()

    assert made["secret"].startswith("whsec_")
    assert "secret" not in shown
    assert made["secret"] not in str(shown) + str(listed)
    assert listed["items"][0]["id"] == made["id"]


def test_subscribing_answers_with_location_and_no_store(client: Client, keys: Keys) -> None:
    response = client.post(
        PATH,
        json={"url": HOOK, "filter": {"type": "kind", "value": "api"}},
        headers=bearer(keys.supplier),
    )

    assert response.headers["location"] == f"{PATH}/{response.json()['id']}"
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["filter"] == {"type": "kind", "value": "api"}
    assert response.json()["owner"] == "supplier:Acme Health"


def test_any_scope_may_subscribe(client: Client, keys: Keys) -> None:
    for key in (keys.supplier, keys.reviewer, keys.admin):
        create(client, key, {"url": HOOK})


def test_subscriptions_refuse_anonymous_callers(client: Client) -> None:
    for method, path in (
        ("POST", PATH),
        ("GET", PATH),
        ("GET", f"{PATH}/1"),
        ("DELETE", f"{PATH}/1"),
        ("GET", f"{PATH}/1/deliveries"),
        ("POST", f"{PATH}/1/enable"),
    ):
        response = client.request(method, path, json={"url": HOOK} if method == "POST" else None)
        assert response.status_code == 401, (method, path)
        assert response.headers["content-type"] == "application/problem+json"


def test_another_key_cannot_see_or_remove_a_subscription(client: Client, keys: Keys) -> None:
    made = create(client, keys.supplier, {"url": HOOK})
    other = bearer(keys.other_supplier)

    assert client.get(f"{PATH}/{made['id']}", headers=other).status_code == 404
    assert client.get(f"{PATH}/{made['id']}/deliveries", headers=other).status_code == 404
    assert client.delete(f"{PATH}/{made['id']}", headers=other).status_code == 404
    assert client.post(f"{PATH}/{made['id']}/enable", headers=other).status_code == 404
    assert client.get(PATH, headers=other).json()["total"] == 0
    assert client.get(f"{PATH}/{made['id']}", headers=bearer(keys.supplier)).status_code == 200


def test_reviewer_does_not_see_a_suppliers_subscription(client: Client, keys: Keys) -> None:
    made = create(client, keys.supplier, {"url": HOOK})

    response = client.get(f"{PATH}/{made['id']}", headers=bearer(keys.reviewer))

    assert response.status_code == 404


def test_admin_lists_and_removes_everyones_subscriptions(client: Client, keys: Keys) -> None:
    made = create(client, keys.supplier, {"url": HOOK})
    create(client, keys.other_supplier, {"url": HOOK})

    listed = client.get(PATH, headers=bearer(keys.admin)).json()
    removed = client.delete(f"{PATH}/{made['id']}", headers=bearer(keys.admin))

    assert listed["total"] == 2
    assert removed.status_code == 204
    assert client.get(f"{PATH}/{made['id']}", headers=bearer(keys.supplier)).status_code == 404


def test_owner_removes_their_subscription(client: Client, keys: Keys) -> None:
    made = create(client, keys.supplier, {"url": HOOK})

    response = client.delete(f"{PATH}/{made['id']}", headers=bearer(keys.supplier))

    assert response.status_code == 204
    assert client.get(PATH, headers=bearer(keys.supplier)).json()["total"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "ftp://example.org/hook",
        "file:///etc/passwd",
        "http://user:pass@127.0.0.1/hook",
        "not a url",
    ],
)
def test_subscribing_refuses_unsafe_callback_urls(client: Client, keys: Keys, url: str) -> None:
    response = client.post(PATH, json={"url": url}, headers=bearer(keys.supplier))

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["path"] for e in response.json()["errors"]] == ["/url"]
    assert client.get(PATH, headers=bearer(keys.supplier)).json()["total"] == 0


def test_subscribing_names_every_problem_with_its_pointer(client: Client, keys: Keys) -> None:
    response = client.post(
        PATH,
        json={"url": 5, "filter": {"type": "colour", "extra": 1}, "description": [], "x": 1},
        headers=bearer(keys.supplier),
    )

    assert response.status_code == 422
    assert sorted(e["path"] for e in response.json()["errors"]) == [
        "/description",
        "/filter/extra",
        "/url",
        "/x",
    ]


@pytest.mark.parametrize(
    ("chosen", "pointer"),
    [
        ({"type": "colour"}, "/filter/type"),
        ({"type": "entry"}, "/filter/value"),
        ({"type": "entry", "value": "Not An Id"}, "/filter/value"),
        ({"type": "kind", "value": "spaceship"}, "/filter/value"),
        ({"type": "supplier", "value": "Nobody Ltd"}, "/filter/value"),
        ({"type": "all", "value": "x"}, "/filter/value"),
        ("entry", "/filter"),
    ],
)
def test_subscribing_refuses_a_bad_filter(
    client: Client, keys: Keys, chosen: Any, pointer: str
) -> None:
    response = client.post(
        PATH, json={"url": HOOK, "filter": chosen}, headers=bearer(keys.supplier)
    )

    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == [pointer]


def test_subscribing_takes_a_supplier_that_exists(client: Client, keys: Keys) -> None:
    made = create(
        client, keys.supplier, {"url": HOOK, "filter": {"type": "supplier", "value": "Other Ltd"}}
    )

    assert made["filter"] == {"type": "supplier", "value": "Other Ltd"}


def test_subscribing_refuses_a_body_that_is_not_an_object(client: Client, keys: Keys) -> None:
    response = client.post(PATH, json=["http://127.0.0.1/"], headers=bearer(keys.supplier))

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_delivery_log_shows_attempts_to_the_owner(
    client: Client, services: Services, keys: Keys
) -> None:
    with receiving() as receiver:
        receiver.script = [500]
        made = create(client, keys.supplier, {"url": receiver.url})
        services.entries.create(
            an_entry(), services.accounts.authenticate(keys.admin), publish=True
        )
        services.webhooks.worker.run_once()
        log = client.get(f"{PATH}/{made['id']}/deliveries", headers=bearer(keys.supplier))

    assert log.status_code == 200
    [delivery] = log.json()["items"]
    assert delivery["type"] == "entry.published"
    assert delivery["entry"] == "example-tool"
    assert delivery["status"] == "pending"
    assert delivery["webhook_id"].startswith("msg_")
    assert [a["status_code"] for a in delivery["attempts"]] == [500]
    assert delivery["attempts"][0]["error"] == "HTTP 500"
    assert made["secret"] not in log.text


def test_secret_is_never_in_the_logs_or_the_audit_log(
    client: Client, services: Services, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with receiving() as receiver:
        receiver.script = [500]
        made = create(client, keys.admin, {"url": receiver.url})
        services.entries.create(
            an_entry(), services.accounts.authenticate(keys.admin), publish=True
        )
        services.webhooks.worker.run_once()
    with transaction(services.engine, write=False) as session:
        events, _ = Repository(session).audit_search(limit=100)
    assert any(e.action == "webhook.subscribe" for e in events)
    assert made["secret"] not in caplog.text
    assert made["secret"] not in str([e.detail for e in events])
    assert made["secret"].removeprefix("whsec_") not in caplog.text


def test_enable_turns_a_disabled_subscription_back_on(
    client: Client, services: Services, keys: Keys
) -> None:
    services.webhooks.worker.policy = type(services.webhooks.worker.policy)(
        retry_seconds=(0.01,), max_failures=1
    )
    with receiving() as receiver:
        receiver.script = [500]
        made = create(client, keys.supplier, {"url": receiver.url})
        services.entries.create(
            an_entry(), services.accounts.authenticate(keys.admin), publish=True
        )
        services.webhooks.worker.run_once()
        disabled = client.get(f"{PATH}/{made['id']}", headers=bearer(keys.supplier)).json()
        enabled = client.post(f"{PATH}/{made['id']}/enable", headers=bearer(keys.supplier))
        services.webhooks.worker.run_once()

        assert len(receiver.bodies()) == 2
    assert disabled["active"] is False
    assert "failed delivery attempts in a row" in disabled["disabled_reason"]
    assert enabled.status_code == 200
    assert enabled.json()["active"] is True
    assert enabled.json()["disabled_reason"] is None


def test_subscriptions_list_pages_with_link_headers(client: Client, keys: Keys) -> None:
    for _ in range(3):
        create(client, keys.supplier, {"url": HOOK})

    response = client.get(f"{PATH}?per_page=2&page=2", headers=bearer(keys.supplier))

    assert response.json()["total"] == 3
    assert len(response.json()["items"]) == 1
    assert 'rel="prev"' in response.headers["link"]


@pytest.mark.parametrize(
    "body",
    [
        {"url": "http://127.0.0.1:9/\u0000"},
        {"url": HOOK, "description": "a\u0000b"},
        {"url": HOOK, "filter": {"type": "supplier", "value": "Acme\u0000"}},
    ],
)
def test_subscribing_refuses_nul_and_control_characters(
    client: Client, keys: Keys, body: dict[str, Any]
) -> None:
    response = client.post(PATH, json=body, headers=bearer(keys.supplier))

    # NUL is refused where every body is read (one rule at the boundary): a 400 naming it.
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] in ("/url", "/description", "/filter/value")


@pytest.mark.parametrize(
    "body",
    [
        {"url": HOOK, "description": "a\u0007b"},
        {"url": HOOK, "filter": {"type": "supplier", "value": "Acme\u202e"}},
    ],
)
def test_subscribing_refuses_control_and_format_characters(
    client: Client, keys: Keys, body: dict[str, Any]
) -> None:
    response = client.post(PATH, json=body, headers=bearer(keys.supplier))

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] in ("/description", "/filter/value")


def test_subscription_numbers_beyond_the_database_are_a_400(client: Client, keys: Keys) -> None:
    response = client.get(f"{PATH}/99999999999999999999", headers=bearer(keys.supplier))

    assert response.status_code == 400
