"""Subscriptions and webhooks: tell subscribers what changed, signed, retried and logged.

addresses      which callback URLs may be reached (SSRF guard)
signing        Standard Webhooks signatures (the `standardwebhooks` package)
events         published change -> event type, body, matching filters (pure)
repository     every query about subscriptions, deliveries and attempts
queueing       change feed -> one delivery row per (subscription, change)
delivery       the worker: claim, send, record, retry, disable
subscriptions  the use cases behind the API and the admin page
"""

from dataclasses import dataclass

import httpx
from sqlalchemy import Engine

from registry.settings import Settings
from registry.webhooks.addresses import AddressGuard
from registry.webhooks.delivery import DeliveryPolicy, DeliveryWorker
from registry.webhooks.queueing import Queuer
from registry.webhooks.subscriptions import SubscriptionService


@dataclass(frozen=True)
class Webhooks:
    subscriptions: SubscriptionService
    worker: DeliveryWorker


def build_webhooks(
    settings: Settings, engine: Engine, transport: httpx.BaseTransport | None = None
) -> Webhooks:
    guard = AddressGuard(settings.webhook_allowed_networks)
    policy = DeliveryPolicy(
        retry_seconds=settings.webhook_retry_seconds,
        max_failures=settings.webhook_max_failures,
        timeout_seconds=settings.webhook_timeout_seconds,
    )
    worker = DeliveryWorker(engine, guard, policy, Queuer(engine, settings.base_url), transport)
    return Webhooks(SubscriptionService(engine, guard), worker)


__all__ = ["Webhooks", "build_webhooks"]
