"""Deliveries reach a real receiver on 127.0.0.1, signed, retried, and logged."""

import base64
import hashlib
import hmac
import socket
import threading
import time
from dataclasses import replace
from typing import Any

import pytest
from standardwebhooks.webhooks import WebhookVerificationError

from registry.webhooks.addresses import AddressGuard
from registry.wiring import Services
from tests.builders import a_standard, an_entry
from tests.conftest import Keys
from tests.webhooks.conftest import publish, subscribe, who
from tests.webhooks.receiver import Received, receiving


def deliver(services: Services, rounds: int = 1, pause: float = 0.0) -> None:
    for _ in range(rounds):
        services.webhooks.worker.run_once()
        time.sleep(pause)


def types(received: list[Received], secret: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for item in received:
        body: Any = item.verified(secret)
        found.append((body["type"], body["data"]["id"]))
    return found


def test_delivery_verifies_with_the_standard_webhooks_library(
    services: Services, keys: Keys
) -> None:
    with receiving() as receiver:
        subscription, secret = subscribe(services, keys.supplier, receiver.url)
        publish(services, keys)
        deliver(services)

        [item] = receiver.bodies()
    body: Any = item.verified(secret)
    assert body["type"] == "entry.published"
    assert body["data"]["id"] == "example-tool"
    assert body["data"]["supplier"] == "Acme Health"
    assert item.headers["webhook-id"].startswith("msg_")
    assert secret.startswith("whsec_")
    assert subscription.active


def test_delivery_signature_is_the_raw_hmac_of_id_timestamp_and_body(
    services: Services, keys: Keys
) -> None:
    with receiving() as receiver:
        _, secret = subscribe(services, keys.supplier, receiver.url)
        publish(services, keys)
        deliver(services)
        [item] = receiver.bodies()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{item.headers['webhook-id']}.{item.headers['webhook-timestamp']}.".encode()
    expected = base64.b64encode(hmac.new(key, signed + item.body, hashlib.sha256).digest())
    assert item.headers["webhook-signature"] == f"v1,{expected.decode()}"


def test_delivery_does_not_verify_with_another_subscriptions_secret(
    services: Services, keys: Keys
) -> None:
    with receiving() as receiver:
        subscribe(services, keys.supplier, receiver.url)
        _, other_secret = subscribe(services, keys.other_supplier, receiver.url + "/other")
        publish(services, keys)
        deliver(services)
        mine = [r for r in receiver.bodies() if r.path == "/hook"]
    with pytest.raises(WebhookVerificationError):
        mine[0].verified(other_secret)


def test_drafts_submissions_and_rejections_are_never_delivered(
    services: Services, keys: Keys
) -> None:
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    with receiving() as receiver:
        subscribe(services, keys.admin, receiver.url)
        services.entries.create(an_entry(id="draft-only"), supplier)
        services.entries.create(an_entry(id="sent-back"), supplier)
        services.entries.act("sent-back", "submit", supplier)
        services.entries.act("sent-back", "request-changes", reviewer, "More detail")
        services.entries.create(an_entry(id="turned-down"), supplier)
        services.entries.act("turned-down", "submit", supplier)
        services.entries.act("turned-down", "reject", reviewer, "Not a product")
        deliver(services)

        assert receiver.bodies() == []


def test_a_pending_proposal_is_not_delivered_until_approved(services: Services, keys: Keys) -> None:
    entry_id = publish(services, keys)
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    with receiving() as receiver:
        _, secret = subscribe(services, keys.supplier, receiver.url)
        etag = services.entries.get(entry_id, supplier).etag
        services.entries.update(
            entry_id, an_entry(summary="Books and cancels appointments."), supplier, [etag]
        )
        services.entries.act(entry_id, "submit", supplier)
        deliver(services)
        assert receiver.bodies() == []

        services.entries.act(entry_id, "approve", reviewer)
        deliver(services)
        assert types(receiver.bodies(), secret) == [("entry.updated", entry_id)]


def test_lifecycle_steps_are_delivered_with_their_types(services: Services, keys: Keys) -> None:
    reviewer = who(services, keys.reviewer)
    publish(services, keys, id="survivor", name="Survivor")
    with receiving() as receiver:
        _, secret = subscribe(services, keys.admin, receiver.url)
        publish(services, keys)
        services.entries.act("example-tool", "deprecate", reviewer, "Replaced")
        services.entries.act("example-tool", "retire", reviewer, "Switched off")
        publish(services, keys, id="duplicate-tool", name="Duplicate Tool")
        services.entries.merge("duplicate-tool", "survivor", reviewer, "Same product")
        deliver(services)

        received = receiver.bodies()
    assert types(received, secret) == [
        ("entry.published", "example-tool"),
        ("entry.deprecated", "example-tool"),
        ("entry.retired", "example-tool"),
        ("entry.published", "duplicate-tool"),
        ("entry.merged", "duplicate-tool"),
    ]
    merged: Any = received[-1].verified(secret)
    assert merged["data"]["merged_into"] == "survivor"


def test_changes_before_the_subscription_are_not_sent(services: Services, keys: Keys) -> None:
    publish(services, keys, id="older-tool", name="Older Tool")
    with receiving() as receiver:
        _, secret = subscribe(services, keys.supplier, receiver.url)
        publish(services, keys)
        deliver(services)

        assert types(receiver.bodies(), secret) == [("entry.published", "example-tool")]


def test_receiver_sees_a_retry_after_answering_500(services: Services, keys: Keys) -> None:
    with receiving() as receiver:
        receiver.script = [500]
        subscription, secret = subscribe(services, keys.supplier, receiver.url)
        publish(services, keys)
        deliver(services, rounds=3, pause=0.1)

        received = receiver.bodies()
    assert len(received) == 2
    assert received[0].headers["webhook-id"] == received[1].headers["webhook-id"]
    assert received[0].body == received[1].body
    received[1].verified(secret)
    log = services.webhooks.subscriptions.deliveries(subscription.id, who(services, keys.supplier))
    [delivery] = log.items
    assert delivery.status == "succeeded"
    assert [a.status_code for a in delivery.attempts] == [500, 204]
    assert delivery.attempts[0].error == "HTTP 500"
    assert all(a.duration_ms >= 0 and a.attempted_at for a in delivery.attempts)


def test_delivery_is_given_up_after_the_last_retry(services: Services, keys: Keys) -> None:
    supplier = who(services, keys.supplier)
    worker = services.webhooks.worker
    worker.policy = replace(worker.policy, max_failures=10)
    with receiving() as receiver:
        receiver.default = 503
        subscription, _ = subscribe(services, keys.supplier, receiver.url)
        publish(services, keys)
        deliver(services, rounds=6, pause=0.1)
        # One try and three retries (the schedule's length), then no more.
        assert len(receiver.bodies()) == 4
    [delivery] = services.webhooks.subscriptions.deliveries(subscription.id, supplier).items
    assert delivery.status == "failed"
    assert len(delivery.attempts) == 4


def test_subscription_that_keeps_failing_is_disabled_with_a_reason(
    services: Services, keys: Keys
) -> None:
    supplier = who(services, keys.supplier)
    with receiving() as receiver:
        receiver.default = 500
        subscription, _ = subscribe(services, keys.supplier, receiver.url)
        publish(services, keys)
        deliver(services, rounds=6, pause=0.1)
        # max_failures is 3: the third failure disables it; nothing is sent after that.
        assert len(receiver.bodies()) == 3

        publish(services, keys, id="later-tool", name="Later Tool")
        deliver(services, rounds=2, pause=0.1)
        assert len(receiver.bodies()) == 3

    seen = services.webhooks.subscriptions.get(subscription.id or 0, supplier)
    assert not seen.active
    assert "3 failed delivery attempts in a row" in seen.disabled_reason
    assert "HTTP 500" in seen.disabled_reason
    assert seen.disabled_at is not None


def test_enabling_a_disabled_subscription_sends_what_waited(services: Services, keys: Keys) -> None:
    supplier = who(services, keys.supplier)
    with receiving() as receiver:
        receiver.script = [500, 500, 500]
        subscription, secret = subscribe(services, keys.supplier, receiver.url)
        publish(services, keys)
        deliver(services, rounds=4, pause=0.1)
        assert not services.webhooks.subscriptions.get(subscription.id, supplier).active

        services.webhooks.subscriptions.enable(subscription.id, supplier)
        deliver(services)

        last = receiver.bodies()[-1]
    assert len(receiver.bodies()) == 4
    last.verified(secret)
    assert services.webhooks.subscriptions.get(subscription.id, supplier).active


def test_a_success_resets_the_count_of_failures(services: Services, keys: Keys) -> None:
    supplier = who(services, keys.supplier)
    with receiving() as receiver:
        receiver.script = [500, 500]
        subscription, _ = subscribe(services, keys.supplier, receiver.url)
        publish(services, keys)
        deliver(services, rounds=4, pause=0.1)
        publish(services, keys, id="second-tool", name="Second Tool")
        receiver.script = [500, 500]
        deliver(services, rounds=4, pause=0.1)

    seen = services.webhooks.subscriptions.get(subscription.id, supplier)
    assert seen.active
    assert seen.deliveries == {"succeeded": 2}


def test_a_redirect_is_not_followed_and_counts_as_a_failure(services: Services, keys: Keys) -> None:
    supplier = who(services, keys.supplier)
    with receiving() as receiver:
        receiver.script = [307]
        receiver.redirect_to = "http://169.254.169.254/latest/meta-data/"
        subscription, _ = subscribe(services, keys.supplier, receiver.url)
        publish(services, keys)
        deliver(services)

        assert [r.path for r in receiver.bodies()] == ["/hook"]
    [delivery] = services.webhooks.subscriptions.deliveries(subscription.id, supplier).items
    assert delivery.attempts[0].status_code == 307
    assert "not followed" in delivery.attempts[0].error


def test_address_refused_at_delivery_time_is_recorded_and_nothing_sent(
    services: Services, keys: Keys
) -> None:
    supplier = who(services, keys.supplier)
    with receiving() as receiver:
        subscription, _ = subscribe(services, keys.supplier, receiver.url)
        # The allow-list changes (or the name now resolves elsewhere) after subscribing.
        services.webhooks.worker.guard = AddressGuard(())
        publish(services, keys)
        deliver(services)

        assert receiver.bodies() == []
    [delivery] = services.webhooks.subscriptions.deliveries(subscription.id, supplier).items
    assert delivery.attempts[0].status_code is None
    assert "loopback" in delivery.attempts[0].error


def test_delivery_connects_to_the_address_that_was_checked(services: Services, keys: Keys) -> None:
    """A name is resolved once per attempt, checked, and that very address is used, with
    the name kept in the Host header."""
    answers = iter([["127.0.0.1"], ["127.0.0.1"]])
    with receiving() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        guard = AddressGuard(("127.0.0.1/32",), resolver=lambda host, p: next(answers))
        services.webhooks.subscriptions.guard = guard
        services.webhooks.worker.guard = guard
        subscribe(services, keys.supplier, f"http://hooks.example.test:{port}/hook")
        publish(services, keys)
        deliver(services)

        [item] = receiver.bodies()
    assert item.headers["Host"] == f"hooks.example.test:{port}"


@pytest.mark.parametrize(
    ("filter_type", "value", "expected"),
    [
        ("entry", "wanted-tool", ["wanted-tool"]),
        ("standard", "hl7-fhir-r4", ["hl7-fhir-r4", "fhir-tool"]),
        ("supplier", "Other Ltd", ["other-tool"]),
        ("kind", "api", ["an-api"]),
        ("all", "", ["hl7-fhir-r4", "wanted-tool", "fhir-tool", "other-tool", "an-api"]),
    ],
)
def test_filter_delivers_only_what_it_matches(
    services: Services, keys: Keys, filter_type: str, value: str, expected: list[str]
) -> None:
    other = who(services, keys.other_supplier)
    reviewer = who(services, keys.reviewer)
    admin = who(services, keys.admin)
    with receiving() as receiver:
        _, secret = subscribe(services, keys.supplier, receiver.url, filter_type, value)
        services.entries.create(a_standard(), admin, publish=True)
        publish(services, keys, id="wanted-tool", name="Wanted Tool")
        publish(
            services,
            keys,
            id="fhir-tool",
            name="FHIR Tool",
            standards=[{"id": "hl7-fhir-r4"}],
        )
        services.entries.create(an_entry(id="other-tool", name="Other Tool"), other)
        services.entries.act("other-tool", "submit", other)
        services.entries.act("other-tool", "approve", reviewer)
        publish(services, keys, id="an-api", name="An API", kind="api")
        deliver(services)

        received = receiver.bodies()
    assert [entry_id for _, entry_id in types(received, secret)] == expected


def test_each_event_is_queued_once_however_often_the_feed_is_read(
    services: Services, keys: Keys
) -> None:
    with receiving() as receiver:
        subscribe(services, keys.supplier, receiver.url)
        publish(services, keys)
        queuer = services.webhooks.worker.queuer
        assert queuer.poll() == 1
        # A second instance that starts from the same cursor queues nothing again.
        type(queuer)(services.engine).poll()
        deliver(services, rounds=2)

        assert len(receiver.bodies()) == 1


def test_a_receiver_that_answers_a_byte_at_a_time_is_cut_off_at_the_time_limit(
    services: Services, keys: Keys
) -> None:
    """Each read waits less than the time limit, but the whole attempt may not exceed it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                if stop.wait(0.2):
                    return
                connection.sendall(bytes([byte]))

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    worker = services.webhooks.worker
    worker.policy = replace(worker.policy, timeout_seconds=1.0)
    supplier = who(services, keys.supplier)
    try:
        subscription, _ = subscribe(
            services, keys.supplier, f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
        )
        publish(services, keys)
        started = time.monotonic()
        deliver(services)
        took = time.monotonic() - started
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)
    [delivery] = services.webhooks.subscriptions.deliveries(subscription.id, supplier).items
    assert delivery.attempts[0].error == "Timed out"
    assert delivery.attempts[0].status_code is None
    assert took < 5
