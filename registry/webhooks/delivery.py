"""Sends queued deliveries: claim, sign, POST, record, retry with backoff, disable.

Each instance may run a worker. A delivery is attempted only by the instance that won its
lease (an atomic compare-and-set in the database), and the lease outlasts the request's
time limit, so no event is sent twice by two instances. Every attempt is recorded (time,
status code, error, duration). A failure is retried after the next wait in the schedule;
after the last one the delivery is given up. A subscription whose attempts fail
`max_failures` times in a row is disabled with a reason its owner reads through the API.

Redirects are never followed (a 3xx is a failure): a redirect could lead anywhere,
including addresses the guard refuses. The address is checked before every attempt and
the connection goes to the very address that was checked.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine

from registry.db import transaction
from registry.models import WebhookAttempt, utcnow
from registry.repository import Repository
from registry.webhooks.addresses import AddressGuard, UnsafeAddress
from registry.webhooks.queueing import Queuer
from registry.webhooks.repository import FAILED, SUCCEEDED, WebhookRepository
from registry.webhooks.signing import signed_headers
from registry.webhooks.transport import DeadlineTransport

log = logging.getLogger("registry.webhooks")

USER_AGENT = "ReuseRegistry-Webhooks/1"
#: Deliveries claimed per round.
BATCH = 20
#: Kept from an error message; the rest is cut.
MAX_ERROR = 500
#: Who the audit log names when the worker disables a subscription.
ACTOR = "system:webhooks"


@dataclass(frozen=True)
class DeliveryPolicy:
    retry_seconds: Sequence[float] = (10.0, 60.0, 300.0, 1800.0, 7200.0)
    max_failures: int = 15
    timeout_seconds: float = 10.0

    @property
    def lease(self) -> timedelta:
        """Longer than any one attempt can take (the transport ends each by the time
        limit), so a lease never ends mid-request."""
        return timedelta(seconds=self.timeout_seconds * 2 + 30)


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Job:
    """What one attempt needs, read while the lease is held."""

    delivery_id: int
    subscription_id: int
    url: str
    secret: str
    message_id: str
    body: bytes


class DeliveryWorker:
    def __init__(
        self,
        engine: Engine,
        guard: AddressGuard,
        policy: DeliveryPolicy,
        queuer: Queuer,
        transport: httpx.BaseTransport | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.guard = guard
        self.policy = policy
        self.queuer = queuer
        self.now = now
        self.owner = uuid.uuid4().hex
        self.transport = transport
        self._http: httpx.Client | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def _client(self) -> httpx.Client:
        """Made on first use: most processes (the command line) never deliver."""
        if self._http is None:
            self._http = httpx.Client(
                timeout=httpx.Timeout(self.policy.timeout_seconds),
                follow_redirects=False,
                transport=self.transport or DeadlineTransport(self.policy.timeout_seconds),
                # Proxies from the environment would bypass the address check.
                trust_env=False,
                headers={"User-Agent": USER_AGENT},
            )
        return self._http

    # one round ----------------------------------------------------------------------
    def run_once(self) -> int:
        """Queue new events, then attempt every due delivery this instance can claim;
        how many attempts were made."""
        with self._lock:
            self.queuer.poll()
            attempted = 0
            while True:
                claimed = self._claim()
                for delivery_id in claimed:
                    self._attempt(delivery_id)
                attempted += len(claimed)
                if len(claimed) < BATCH or self._stop.is_set():
                    return attempted

    def _claim(self) -> list[int]:
        now = self.now()
        # Looking is a read; only when something is due is a write transaction begun.
        with transaction(self.engine, write=False) as session:
            due = WebhookRepository(session).due(now, BATCH)
        if not due:
            return []
        with transaction(self.engine) as session:
            repo = WebhookRepository(session)
            until = now + self.policy.lease
            return [i for i in due if repo.claim(i, self.owner, now, until)]

    def _attempt(self, delivery_id: int) -> None:
        job = self._job(delivery_id)
        if job is None:
            return
        started = time.monotonic()
        when = self.now()
        outcome = self._send(job, when, started)
        self._record(job, when, outcome)

    def _job(self, delivery_id: int) -> Job | None:
        with transaction(self.engine, write=False) as session:
            repo = WebhookRepository(session)
            delivery = repo.delivery(delivery_id)
            if delivery is None or delivery.lease_owner != self.owner:
                return None
            subscription = repo.subscription(delivery.subscription_id)
            if subscription is None or subscription.id is None:
                return None
            return Job(
                delivery_id=delivery_id,
                subscription_id=subscription.id,
                url=subscription.url,
                secret=subscription.secret,
                message_id=delivery.message_id,
                body=delivery.payload.encode("utf-8"),
            )

    def _send(self, job: Job, when: datetime, started: float) -> Outcome:
        def elapsed() -> int:
            return int((time.monotonic() - started) * 1000)

        try:
            target = self.guard.check(job.url)
        except UnsafeAddress as exc:
            return Outcome(None, f"Refused: {exc}", elapsed())
        headers = {
            "Host": target.host_header,
            "Content-Type": "application/json",
            **signed_headers(job.secret, job.message_id, when, job.body),
        }
        request = self._client.build_request(
            "POST",
            target.connect_url(),
            content=job.body,
            headers=headers,
            extensions={"sni_hostname": target.host},
        )
        try:
            # The answer's body is never read: only its status matters.
            response = self._client.send(request, stream=True)
            response.close()
        except httpx.TimeoutException:
            return Outcome(None, "Timed out", elapsed())
        except httpx.HTTPError as exc:
            return Outcome(None, _error_text(exc), elapsed())
        code = response.status_code
        if 300 <= code < 400:
            return Outcome(
                code, "Redirects are not followed; answer with 2xx at this URL", elapsed()
            )
        return Outcome(code, "" if 200 <= code < 300 else f"HTTP {code}", elapsed())

    def _record(self, job: Job, when: datetime, outcome: Outcome) -> None:
        now = self.now()
        with transaction(self.engine) as session:
            repo = WebhookRepository(session)
            delivery = repo.delivery(job.delivery_id, for_update=True)
            subscription = repo.subscription(job.subscription_id, for_update=True)
            if delivery is None or subscription is None:  # deleted meanwhile
                return
            repo.add_attempt(
                WebhookAttempt(
                    delivery_id=job.delivery_id,
                    attempted_at=when,
                    status_code=outcome.status_code,
                    error=outcome.error[:MAX_ERROR],
                    duration_ms=outcome.duration_ms,
                )
            )
            delivery.attempts += 1
            delivery.lease_owner = delivery.lease_until = None
            if outcome.ok:
                delivery.status = SUCCEEDED
                delivery.finished_at = now
                subscription.consecutive_failures = 0
                return
            schedule = self.policy.retry_seconds
            if delivery.attempts > len(schedule):
                delivery.status = FAILED
                delivery.finished_at = now
            else:
                wait = schedule[delivery.attempts - 1]
                delivery.next_attempt_at = now + timedelta(seconds=wait)
            subscription.consecutive_failures += 1
            log.info(
                "Webhook delivery %s for subscription %s failed (attempt %s): %s",
                job.delivery_id,
                job.subscription_id,
                delivery.attempts,
                outcome.error,
            )
            if (
                subscription.active
                and subscription.consecutive_failures >= self.policy.max_failures
            ):
                subscription.active = False
                subscription.disabled_at = now
                subscription.disabled_reason = (
                    f"Disabled after {subscription.consecutive_failures} failed delivery "
                    f"attempts in a row; the last: {outcome.error or 'no answer'}. Fix the "
                    "receiver, then enable the subscription again "
                    f"(POST /api/v1/subscriptions/{job.subscription_id}/enable)."
                )
                Repository(session).audit(
                    ACTOR,
                    "webhook.disable",
                    None,
                    {"subscription": job.subscription_id, "reason": subscription.disabled_reason},
                )
                log.warning("Webhook subscription %s disabled", job.subscription_id)

    # following ----------------------------------------------------------------------
    def start(self, interval: float) -> None:
        """Deliver in a background thread until `stop`."""
        if self._thread is not None:
            return
        self._stop.clear()

        def follow() -> None:
            while not self._stop.wait(interval):
                try:
                    self.run_once()
                except Exception:
                    log.exception("Delivering webhooks failed; will retry")

        self._thread = threading.Thread(target=follow, name="webhook-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.policy.timeout_seconds + 10)
            self._thread = None

    def close(self) -> None:
        self.stop()
        if self._http is not None:
            self._http.close()
            self._http = None


def _error_text(exc: httpx.HTTPError) -> str:
    """What went wrong, in words: the exception's kind and message (never headers, so
    the signature is not in it)."""
    message = str(exc).strip()
    kind = type(exc).__name__
    return f"{kind}: {message}" if message else kind
