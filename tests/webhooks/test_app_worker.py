"""The app starts a delivery worker (unless told not to) that sends from the change feed."""

import time
from pathlib import Path

from litestar.testing import TestClient
from sqlalchemy import Engine

from registry.app import create_app
from registry.auth import OPERATOR
from registry.settings import Settings
from registry.wiring import build_services
from tests.builders import an_entry
from tests.conftest import bearer
from tests.webhooks.receiver import Receiver, receiving


def settings_for(tmp_path: Path, *, webhooks: bool) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        webhooks=webhooks,
        webhook_poll_seconds=0.05,
        webhook_allowed_networks=("127.0.0.1/32",),
    )


def run_app_and_publish(settings: Settings, engine: Engine, receiver: Receiver) -> None:
    services = build_services(settings, engine)
    admin = services.accounts.create_key(
        actor=OPERATOR, maintainer="Ada Admin", scopes=["admin"]
    ).token
    with TestClient(create_app(settings, services)) as client:
        made = client.post(
            "/api/v1/subscriptions", json={"url": receiver.url}, headers=bearer(admin)
        )
        assert made.status_code == 201
        client.post("/api/v1/entries?reason=New", json=an_entry(), headers=bearer(admin))
        client.post("/api/v1/entries/example-tool/actions/submit", headers=bearer(admin))
        client.post("/api/v1/entries/example-tool/actions/approve", headers=bearer(admin))
        deadline = time.monotonic() + 10
        while not receiver.bodies() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3 if settings.webhooks else 1.0)


def test_app_worker_delivers_published_changes(engine: Engine, tmp_path: Path) -> None:
    with receiving() as receiver:
        run_app_and_publish(settings_for(tmp_path, webhooks=True), engine, receiver)

        received = receiver.bodies()
    assert len(received) == 1
    assert b'"entry.published"' in received[0].body


def test_app_without_the_worker_sends_nothing(engine: Engine, tmp_path: Path) -> None:
    with receiving() as receiver:
        run_app_and_publish(settings_for(tmp_path, webhooks=False), engine, receiver)

        assert receiver.bodies() == []
