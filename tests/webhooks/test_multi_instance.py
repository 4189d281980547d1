"""Several instances on one PostgreSQL database deliver each event exactly once."""

import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import Engine

from registry.auth import OPERATOR
from registry.db import make_engine
from registry.settings import Settings
from registry.webhooks import build_webhooks
from registry.wiring import build_services
from tests.builders import an_entry
from tests.conftest import _empty_postgres
from tests.webhooks.conftest import subscribe
from tests.webhooks.receiver import receiving

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
EVENTS = 30


@pytest.fixture
def database(postgres_url: str) -> Engine:
    return _empty_postgres(postgres_url)


def test_two_delivery_workers_deliver_each_event_once(
    postgres_url: str, database: Engine, settings: Settings
) -> None:
    services = build_services(settings, database)
    token = services.accounts.create_key(
        actor=OPERATOR, supplier="Acme Health", scopes=["entries:submit"]
    ).token
    engines = [make_engine(postgres_url) for _ in range(2)]
    workers = [build_webhooks(settings, engine).worker for engine in engines]
    try:
        with receiving() as receiver:
            subscribe(services, token, receiver.url)
            # Every event is waiting before the workers start, so both race for all of them.
            for n in range(EVENTS):
                services.entries.create(
                    an_entry(id=f"tool-{n:03d}", name=f"Tool {n}"), OPERATOR, publish=True
                )
            for worker in workers:
                worker.start(0.01)
            deadline = time.monotonic() + 60
            while len(receiver.bodies()) < EVENTS and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)  # anything sent twice would arrive by now
            received = receiver.bodies()
    finally:
        for worker in workers:
            worker.close()
        for engine in engines:
            engine.dispose()
        services.close()

    ids = Counter(item.headers["webhook-id"] for item in received)
    assert len(received) == EVENTS
    assert set(ids.values()) == {1}
    bodies: list[Any] = [item.body for item in received]
    assert len(set(bodies)) == EVENTS
