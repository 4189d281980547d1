"""Subscription use cases: subscribe, list, read, remove, re-enable, read the delivery log.

Anyone with an API key (any scope) may subscribe. A subscription belongs to the supplier or
maintainer whose key made it, so any of that account's keys manage it; other callers get a
404, as if it did not exist. Admins see and manage every subscription.
"""

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine

from registry.auth import Principal, Scope, require_principal
from registry.db import transaction
from registry.errors import Conflict, Forbidden, InvalidEntry, Issue, NotFound
from registry.models import WebhookAttempt, WebhookDelivery, WebhookSubscription, utcnow
from registry.repository import Repository
from registry.views import iso
from registry.webhooks.addresses import AddressGuard, UnsafeAddress
from registry.webhooks.events import FilterType, filter_problem
from registry.webhooks.repository import WebhookRepository
from registry.webhooks.signing import new_secret

T = TypeVar("T")
#: Subscriptions one account may hold.
MAX_PER_ACCOUNT = 50
MAX_DESCRIPTION = 200


class InvalidSubscription(InvalidEntry):
    title = "The subscription is not valid"


@dataclass(frozen=True)
class SubscriptionRequest:
    url: str
    filter_type: str = FilterType.ALL.value
    filter_value: str = ""
    description: str = ""


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    url: str
    filter_type: str
    filter_value: str
    description: str
    owner: str
    active: bool
    disabled_reason: str
    disabled_at: str | None
    consecutive_failures: int
    created_at: str | None
    created_by: str
    deliveries: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "filter": {"type": self.filter_type, "value": self.filter_value or None},
            "description": self.description,
            "owner": self.owner,
            "active": self.active,
            "disabled_reason": self.disabled_reason or None,
            "disabled_at": self.disabled_at,
            "consecutive_failures": self.consecutive_failures,
            "created_at": self.created_at,
            "deliveries": self.deliveries,
        }


@dataclass(frozen=True)
class AttemptView:
    attempted_at: str | None
    status_code: int | None
    error: str
    duration_ms: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "attempted_at": self.attempted_at,
            "status_code": self.status_code,
            "error": self.error or None,
            "duration_ms": self.duration_ms,
        }


@dataclass(frozen=True)
class DeliveryView:
    id: int
    subscription_id: int
    message_id: str
    event_type: str
    entry_id: str
    change: int
    status: str
    attempts: list[AttemptView]
    next_attempt_at: str | None
    created_at: str | None
    finished_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subscription": self.subscription_id,
            "webhook_id": self.message_id,
            "type": self.event_type,
            "entry": self.entry_id,
            "change": self.change,
            "status": self.status,
            "next_attempt_at": self.next_attempt_at if self.status == "pending" else None,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "attempts": [a.as_dict() for a in self.attempts],
        }


@dataclass(frozen=True)
class Listing(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.per_page))


class SubscriptionService:
    def __init__(self, engine: Engine, guard: AddressGuard) -> None:
        self.engine = engine
        self.guard = guard

    def create(
        self, request: SubscriptionRequest, principal: Principal | None
    ) -> tuple[SubscriptionView, str]:
        """The new subscription and its signing secret (shown this once, never again)."""
        actor = require_principal(principal)
        if actor.supplier_id is None and actor.maintainer_id is None:
            raise Forbidden(
                "Subscriptions belong to an account: use a supplier's or maintainer's API key."
            )
        issues = self._problems(request)
        with transaction(self.engine) as session:
            repo = WebhookRepository(session)
            unknown_supplier = (
                request.filter_type == FilterType.SUPPLIER
                and not issues
                and not repo.supplier_exists(request.filter_value)
            )
            if unknown_supplier:
                issues.append(Issue("/filter/value", "There is no supplier of that name."))
            if issues:
                raise InvalidSubscription(issues, detail=f"{len(issues)} problem(s) found.")
            _, held = repo.subscriptions(
                supplier_id=actor.supplier_id, maintainer_id=actor.maintainer_id, limit=1
            )
            if held >= MAX_PER_ACCOUNT:
                raise Conflict(
                    f"An account may hold at most {MAX_PER_ACCOUNT} subscriptions; "
                    "remove one first."
                )
            secret = new_secret()
            subscription = repo.add_subscription(
                WebhookSubscription(
                    supplier_id=actor.supplier_id,
                    maintainer_id=actor.maintainer_id,
                    created_by=actor.label,
                    url=request.url,
                    filter_type=request.filter_type,
                    filter_value=request.filter_value,
                    description=request.description,
                    secret=secret,
                    after_seq=Repository(session).last_change(),
                    created_at=utcnow(),
                )
            )
            Repository(session).audit(
                actor.label, "webhook.subscribe", None, _audit_detail(subscription)
            )
            view = self._view(repo, subscription, actor)
        return view, secret

    def _problems(self, request: SubscriptionRequest) -> list[Issue]:
        issues: list[Issue] = []
        try:
            self.guard.check(request.url)
        except UnsafeAddress as exc:
            issues.append(Issue("/url", str(exc)))
        found = filter_problem(request.filter_type, request.filter_value)
        if found is not None:
            issues.append(Issue(*found))
        if len(request.description) > MAX_DESCRIPTION:
            issues.append(Issue("/description", f"At most {MAX_DESCRIPTION} characters."))
        return issues

    def list(
        self, principal: Principal | None, page: int = 1, per_page: int = 20
    ) -> Listing[SubscriptionView]:
        """The caller's subscriptions; an admin's lists everyone's."""
        actor = require_principal(principal)
        with transaction(self.engine, write=False) as session:
            repo = WebhookRepository(session)
            rows, total = repo.subscriptions(
                supplier_id=actor.supplier_id,
                maintainer_id=actor.maintainer_id,
                everyone=actor.has(Scope.ADMIN),
                offset=(page - 1) * per_page,
                limit=per_page,
            )
            counts = repo.delivery_counts([r.id for r in rows if r.id is not None])
            items = [self._view(repo, r, actor, counts.get(r.id or 0, {})) for r in rows]
        return Listing(items, total, page, per_page)

    def get(self, subscription_id: int, principal: Principal | None) -> SubscriptionView:
        actor = require_principal(principal)
        with transaction(self.engine, write=False) as session:
            repo = WebhookRepository(session)
            subscription = self._visible(repo, subscription_id, actor)
            counts = repo.delivery_counts([subscription_id])
            return self._view(repo, subscription, actor, counts[subscription_id])

    def remove(self, subscription_id: int, principal: Principal | None) -> None:
        actor = require_principal(principal)
        with transaction(self.engine) as session:
            repo = WebhookRepository(session)
            subscription = self._visible(repo, subscription_id, actor, for_update=True)
            detail = _audit_detail(subscription)
            repo.remove_subscription(subscription_id)
            Repository(session).audit(actor.label, "webhook.unsubscribe", None, detail)

    def enable(self, subscription_id: int, principal: Principal | None) -> SubscriptionView:
        """Turn a disabled subscription back on: its waiting deliveries are tried at once."""
        actor = require_principal(principal)
        with transaction(self.engine) as session:
            repo = WebhookRepository(session)
            subscription = self._visible(repo, subscription_id, actor, for_update=True)
            try:
                self.guard.check(subscription.url)
            except UnsafeAddress as exc:
                raise Conflict(f"The callback URL is refused now: {exc}") from None
            if not subscription.active:
                now = utcnow()
                subscription.active = True
                subscription.consecutive_failures = 0
                subscription.disabled_reason = ""
                subscription.disabled_at = None
                repo.reschedule_pending(subscription_id, now)
                Repository(session).audit(
                    actor.label, "webhook.enable", None, _audit_detail(subscription)
                )
            return self._view(repo, subscription, actor)

    def deliveries(
        self,
        subscription_id: int | None,
        principal: Principal | None,
        page: int = 1,
        per_page: int = 20,
    ) -> Listing[DeliveryView]:
        """A subscription's delivery log, newest first, every attempt in each; with no
        subscription (admins only), everyone's."""
        actor = require_principal(principal)
        if subscription_id is None:
            actor.require(Scope.ADMIN)
        with transaction(self.engine, write=False) as session:
            repo = WebhookRepository(session)
            if subscription_id is not None:
                self._visible(repo, subscription_id, actor)
            rows, total = repo.deliveries(subscription_id, (page - 1) * per_page, per_page)
            attempts = repo.attempts([r.id for r in rows if r.id is not None])
            items = [_delivery_view(r, attempts.get(r.id or 0, [])) for r in rows]
        return Listing(items, total, page, per_page)

    # helpers ------------------------------------------------------------------------
    def _visible(
        self,
        repo: WebhookRepository,
        subscription_id: int,
        actor: Principal,
        *,
        for_update: bool = False,
    ) -> WebhookSubscription:
        found = repo.subscription(subscription_id, for_update=for_update)
        if found is None or not _may_see(found, actor):
            raise NotFound(f"You have no subscription {subscription_id}.")
        return found

    def _view(
        self,
        repo: WebhookRepository,
        row: WebhookSubscription,
        actor: Principal,
        counts: dict[str, int] | None = None,
    ) -> SubscriptionView:
        session = repo.session
        if row.supplier_id is not None:
            owner_row = Repository(session).supplier(row.supplier_id)
            owner = f"supplier:{owner_row.name}" if owner_row else "supplier"
        else:
            person = Repository(session).maintainer(row.maintainer_id or 0)
            owner = f"maintainer:{person.name}" if person else "maintainer"
        return SubscriptionView(
            id=row.id or 0,
            url=row.url,
            filter_type=row.filter_type,
            filter_value=row.filter_value,
            description=row.description,
            owner=owner,
            active=row.active,
            disabled_reason=row.disabled_reason,
            disabled_at=iso(row.disabled_at),
            consecutive_failures=row.consecutive_failures,
            created_at=iso(row.created_at),
            created_by=row.created_by,
            deliveries=dict(counts or {}),
        )


def _may_see(row: WebhookSubscription, actor: Principal) -> bool:
    if actor.has(Scope.ADMIN):
        return True
    if actor.supplier_id is not None:
        return row.supplier_id == actor.supplier_id
    return actor.maintainer_id is not None and row.maintainer_id == actor.maintainer_id


def _audit_detail(row: WebhookSubscription) -> dict[str, Any]:
    """What the audit log keeps: never the secret."""
    return {
        "subscription": row.id,
        "url": row.url,
        "filter": {"type": row.filter_type, "value": row.filter_value},
    }


def _delivery_view(row: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryView:
    return DeliveryView(
        id=row.id or 0,
        subscription_id=row.subscription_id,
        message_id=row.message_id,
        event_type=row.event_type,
        entry_id=row.entry_id,
        change=row.change_seq,
        status=row.status,
        attempts=[
            AttemptView(iso(a.attempted_at), a.status_code, a.error, a.duration_ms)
            for a in attempts
        ],
        next_attempt_at=iso(row.next_attempt_at),
        created_at=iso(row.created_at),
        finished_at=iso(row.finished_at),
    )
