"""Webhook tests: a registry whose callbacks may reach 127.0.0.1, with fast retries."""

from pathlib import Path
from typing import Any

import pytest

from registry.auth import Principal
from registry.settings import Settings
from registry.webhooks.subscriptions import SubscriptionRequest, SubscriptionView
from registry.wiring import Services
from tests.builders import an_entry
from tests.conftest import Keys

#: Waits before each retry, in seconds: short, so a retry comes within a test.
RETRIES = (0.05, 0.05, 0.05)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        webhooks=False,  # tests drive the worker themselves, one round at a time
        webhook_retry_seconds=RETRIES,
        webhook_max_failures=3,
        webhook_timeout_seconds=2.0,
        webhook_allowed_networks=("127.0.0.1/32",),
    )


def who(services: Services, token: str) -> Principal:
    found = services.accounts.authenticate(token)
    assert found is not None
    return found


def publish(services: Services, keys: Keys, **fields: Any) -> str:
    """An entry of the supplier's, submitted and approved; its id."""
    supplier, reviewer = who(services, keys.supplier), who(services, keys.reviewer)
    document = an_entry(**fields)
    services.entries.create(document, supplier)
    services.entries.act(document["id"], "submit", supplier)
    services.entries.act(document["id"], "approve", reviewer)
    return str(document["id"])


def subscribe(
    services: Services, token: str, url: str, filter_type: str = "all", value: str = ""
) -> tuple[SubscriptionView, str]:
    return services.webhooks.subscriptions.create(
        SubscriptionRequest(url=url, filter_type=filter_type, filter_value=value),
        who(services, token),
    )
