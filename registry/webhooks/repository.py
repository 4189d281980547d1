"""Every query about subscriptions, deliveries and attempts. Callers own the session."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from registry.models import (
    Entry,
    EntryRedirect,
    Revision,
    Supplier,
    WebhookAttempt,
    WebhookCursor,
    WebhookDelivery,
    WebhookSubscription,
)

PENDING = "pending"
SUCCEEDED = "succeeded"
FAILED = "failed"


class WebhookRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _insert_ignoring_duplicates(self, model: Any, values: dict[str, Any]) -> bool:
        """Insert a row unless one with the same unique key exists; whether it was new."""
        if self.session.get_bind().dialect.name == "postgresql":
            statement: Any = postgresql_insert(model).values(**values).on_conflict_do_nothing()
        else:
            statement = sqlite_insert(model).values(**values).on_conflict_do_nothing()
        result: Any = self.session.execute(statement)
        return bool(result.rowcount)

    # subscriptions --------------------------------------------------------------------
    def add_subscription(self, subscription: WebhookSubscription) -> WebhookSubscription:
        self.session.add(subscription)
        self.session.flush()
        return subscription

    def subscription(
        self, subscription_id: int, *, for_update: bool = False
    ) -> WebhookSubscription | None:
        statement = select(WebhookSubscription).where(WebhookSubscription.id == subscription_id)
        if for_update:
            statement = statement.with_for_update()
        return self.session.exec(statement).first()

    def subscriptions(
        self,
        *,
        supplier_id: int | None = None,
        maintainer_id: int | None = None,
        everyone: bool = False,
        offset: int = 0,
        limit: int = 100,
    ) -> tuple[list[WebhookSubscription], int]:
        """An account's subscriptions (or, with `everyone`, all), oldest first, and how many."""
        statement = select(WebhookSubscription)
        if not everyone:
            statement = statement.where(
                col(WebhookSubscription.supplier_id) == supplier_id
                if supplier_id is not None
                else col(WebhookSubscription.maintainer_id) == maintainer_id
            )
        total = self.session.exec(select(func.count()).select_from(statement.subquery())).one()
        rows = self.session.exec(
            statement.order_by(col(WebhookSubscription.id)).offset(offset).limit(limit)
        ).all()
        return list(rows), int(total)

    def active_subscriptions(self) -> list[WebhookSubscription]:
        return list(
            self.session.exec(
                select(WebhookSubscription)
                .where(col(WebhookSubscription.active).is_(True))
                .order_by(col(WebhookSubscription.id))
            ).all()
        )

    def has_active_subscriptions(self) -> bool:
        found = self.session.exec(
            select(WebhookSubscription.id).where(col(WebhookSubscription.active).is_(True)).limit(1)
        ).first()
        return found is not None

    def remove_subscription(self, subscription_id: int) -> None:
        """The subscription with its whole delivery log."""
        deliveries = select(WebhookDelivery.id).where(
            WebhookDelivery.subscription_id == subscription_id
        )
        self.session.execute(
            delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(deliveries))
        )
        self.session.execute(
            delete(WebhookDelivery).where(col(WebhookDelivery.subscription_id) == subscription_id)
        )
        self.session.execute(
            delete(WebhookSubscription).where(col(WebhookSubscription.id) == subscription_id)
        )

    def supplier_exists(self, name: str) -> bool:
        return (
            self.session.exec(select(Supplier.id).where(Supplier.name == name)).first() is not None
        )

    # following the change feed ----------------------------------------------------------
    def cursor(self, start: int) -> WebhookCursor:
        """The feed cursor, locked until the transaction ends (created at `start`)."""
        self._insert_ignoring_duplicates(WebhookCursor, {"id": 1, "seq": start})
        return self.session.exec(
            select(WebhookCursor).where(WebhookCursor.id == 1).with_for_update()
        ).one()

    def revisions_of(self, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], Revision]:
        """The revisions named by (entry id, number), read in one statement."""
        if not keys:
            return {}
        ids = sorted({entry_id for entry_id, _ in keys})
        numbers = sorted({number for _, number in keys})
        rows = self.session.exec(
            select(Revision).where(
                col(Revision.entry_id).in_(ids), col(Revision.number).in_(numbers)
            )
        ).all()
        wanted = set(keys)
        return {(r.entry_id, r.number): r for r in rows if (r.entry_id, r.number) in wanted}

    def public_before(self, entry_id: str, number: int, states: Sequence[str]) -> bool:
        """Whether a revision of the entry before `number` was public."""
        found = self.session.exec(
            select(Revision.number)
            .where(
                Revision.entry_id == entry_id,
                col(Revision.number) < number,
                col(Revision.proposal_state).is_(None),
                col(Revision.state).in_(list(states)),
            )
            .limit(1)
        ).first()
        return found is not None

    def supplier_of(self, entry_id: str) -> str | None:
        return self.session.exec(
            select(Supplier.name)
            .join(Entry, col(Entry.supplier_id) == col(Supplier.id))
            .where(Entry.id == entry_id)
        ).first()

    def merged_into(self, entry_id: str) -> str | None:
        row = self.session.get(EntryRedirect, entry_id)
        return row.target_id if row is not None else None

    def queue(self, values: dict[str, Any]) -> bool:
        """Queue one delivery; False when it was queued before (by any instance)."""
        return self._insert_ignoring_duplicates(WebhookDelivery, values)

    # delivering -------------------------------------------------------------------------
    def due(self, now: datetime, limit: int) -> list[int]:
        """Pending deliveries of active subscriptions whose time has come and that no one
        holds, soonest first."""
        statement = (
            select(WebhookDelivery.id)
            .join(
                WebhookSubscription,
                col(WebhookSubscription.id) == col(WebhookDelivery.subscription_id),
            )
            .where(
                col(WebhookDelivery.status) == PENDING,
                col(WebhookDelivery.next_attempt_at) <= now,
                or_(
                    col(WebhookDelivery.lease_until).is_(None),
                    col(WebhookDelivery.lease_until) < now,
                ),
                col(WebhookSubscription.active).is_(True),
            )
            .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
            .limit(limit)
        )
        return [int(i) for i in self.session.exec(statement).all() if i is not None]

    def claim(self, delivery_id: int, owner: str, now: datetime, until: datetime) -> bool:
        """Take the delivery's lease if it is still free: one atomic compare-and-set, so of
        several instances racing for it exactly one wins."""
        result: Any = self.session.execute(
            update(WebhookDelivery)
            .where(
                col(WebhookDelivery.id) == delivery_id,
                col(WebhookDelivery.status) == PENDING,
                or_(
                    col(WebhookDelivery.lease_until).is_(None),
                    col(WebhookDelivery.lease_until) < now,
                ),
            )
            .values(lease_owner=owner, lease_until=until)
        )
        return bool(result.rowcount == 1)

    def delivery(self, delivery_id: int, *, for_update: bool = False) -> WebhookDelivery | None:
        statement = select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
        if for_update:
            statement = statement.with_for_update()
        return self.session.exec(statement).first()

    def add_attempt(self, attempt: WebhookAttempt) -> None:
        self.session.add(attempt)

    def reschedule_pending(self, subscription_id: int, when: datetime) -> None:
        """Make the subscription's waiting deliveries due at `when` (on re-enabling)."""
        self.session.execute(
            update(WebhookDelivery)
            .where(
                col(WebhookDelivery.subscription_id) == subscription_id,
                col(WebhookDelivery.status) == PENDING,
            )
            .values(next_attempt_at=when)
        )

    # the delivery log -------------------------------------------------------------------
    def deliveries(
        self, subscription_id: int | None, offset: int, limit: int
    ) -> tuple[list[WebhookDelivery], int]:
        """A subscription's deliveries (all when None), newest first, and how many."""
        statement = select(WebhookDelivery)
        if subscription_id is not None:
            statement = statement.where(WebhookDelivery.subscription_id == subscription_id)
        total = self.session.exec(select(func.count()).select_from(statement.subquery())).one()
        rows = self.session.exec(
            statement.order_by(col(WebhookDelivery.id).desc()).offset(offset).limit(limit)
        ).all()
        return list(rows), int(total)

    def attempts(self, delivery_ids: Sequence[int]) -> dict[int, list[WebhookAttempt]]:
        """Each delivery's attempts, oldest first."""
        found: dict[int, list[WebhookAttempt]] = {i: [] for i in delivery_ids}
        if not delivery_ids:
            return found
        rows = self.session.exec(
            select(WebhookAttempt)
            .where(col(WebhookAttempt.delivery_id).in_(list(delivery_ids)))
            .order_by(col(WebhookAttempt.id))
        ).all()
        for row in rows:
            found[row.delivery_id].append(row)
        return found

    def delivery_counts(self, subscription_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """How many deliveries each subscription has in each status."""
        counts: dict[int, dict[str, int]] = {i: {} for i in subscription_ids}
        if not subscription_ids:
            return counts
        rows = self.session.exec(
            select(WebhookDelivery.subscription_id, WebhookDelivery.status, func.count())
            .where(col(WebhookDelivery.subscription_id).in_(list(subscription_ids)))
            .group_by(col(WebhookDelivery.subscription_id), col(WebhookDelivery.status))
        ).all()
        for subscription_id, status, count in rows:
            counts[subscription_id][status] = int(count)
        return counts
