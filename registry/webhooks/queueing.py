"""Turns the change feed into deliveries: one row per (subscription, published change).

Any number of instances may run this at once. The feed cursor is one database row, locked
while a batch is queued, and a delivery row is unique per subscription and change, so an
event is queued exactly once. As in `registry.indexing`, a sequence number can become
visible out of order on PostgreSQL: the cursor only advances over contiguous numbers,
changes after a gap are queued anyway (queueing twice is a no-op), and a gap still open
after GAP_TIMEOUT (a rolled-back transaction's number) is given up on.

A change is queued only for subscriptions made before it (`after_seq`), only when it is
public (see `events.event_for`), and only for subscriptions that are active then.
"""

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Engine

from registry.db import transaction
from registry.feed_gaps import FeedGaps
from registry.models import Change, WebhookSubscription, utcnow
from registry.repository import Repository
from registry.views import iso
from registry.webhooks.events import PUBLIC_STATES, Event, Step, event_for
from registry.webhooks.repository import PENDING, WebhookRepository

log = logging.getLogger("registry.webhooks")

BATCH = 500


class Queuer:
    """Queues deliveries for the changes after the shared cursor."""

    def __init__(
        self,
        engine: Engine,
        base_url: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.base_url = base_url
        self.clock = clock
        self._gaps = FeedGaps(self.clock)

    def poll(self) -> int:
        """Queue what the changes after the cursor call for; how many deliveries were new."""
        queued = 0
        while True:
            added, more = self._step()
            queued += added
            if not more:
                return queued

    def _step(self) -> tuple[int, bool]:
        # A cheap read first: with no one subscribed (the usual case), nothing is written.
        with transaction(self.engine, write=False) as session:
            if not WebhookRepository(session).has_active_subscriptions():
                return 0, False
        with transaction(self.engine) as session:
            feed = Repository(session)
            repo = WebhookRepository(session)
            subscriptions = repo.active_subscriptions()
            if not subscriptions:
                return 0, False
            start = min(s.after_seq for s in subscriptions)
            cursor = repo.cursor(start)
            # No active subscription wants anything at or before its start: skip ahead.
            cursor.seq = max(cursor.seq, start)
            changes = feed.changes_after(cursor.seq, BATCH)
            if not changes:
                return 0, False
            queued = self._queue(repo, changes, subscriptions)
            seqs = [c.seq or 0 for c in changes]
            new_seq = self._gaps.advance(cursor.seq, seqs)
            cursor.seq = new_seq
        return queued, new_seq == seqs[-1] and len(changes) == BATCH

    def _queue(
        self,
        repo: WebhookRepository,
        changes: Sequence[Change],
        subscriptions: Sequence[WebhookSubscription],
    ) -> int:
        oldest_start = min(s.after_seq for s in subscriptions)
        wanted = [c for c in changes if (c.seq or 0) > oldest_start and c.state in PUBLIC_STATES]
        revisions = repo.revisions_of([(c.entry_id, c.revision) for c in wanted])
        now = utcnow()
        queued = 0
        for change in wanted:
            seq = change.seq or 0
            revision = revisions.get((change.entry_id, change.revision))
            if revision is None:  # pragma: no cover - revisions are never deleted
                continue
            step = Step(
                seq=seq,
                entry_id=change.entry_id,
                revision=change.revision,
                state=revision.state,
                proposal_state=revision.proposal_state,
                action=revision.action,
                document=revision.document,
                created_at=iso(revision.created_at) or "",
                was_public_before=False,
                supplier=None,
            )
            if not step.is_public:
                continue
            step = replace(
                step,
                was_public_before=repo.public_before(
                    change.entry_id, change.revision, sorted(PUBLIC_STATES)
                ),
                supplier=repo.supplier_of(change.entry_id),
                merged_into=repo.merged_into(change.entry_id) if step.action == "merge" else None,
            )
            event = event_for(step)
            if event is None:  # pragma: no cover - checked just above
                continue
            for subscription in subscriptions:
                if seq <= subscription.after_seq:
                    continue
                if event.matches(subscription.filter_type, subscription.filter_value):
                    queued += self._add(repo, subscription, event, now)
        return queued

    def _add(
        self,
        repo: WebhookRepository,
        subscription: WebhookSubscription,
        event: Event,
        now: datetime,
    ) -> int:
        added = repo.queue(
            {
                "subscription_id": subscription.id,
                "change_seq": event.step.seq,
                "message_id": f"msg_{uuid.uuid4().hex}",
                "event_type": event.type.value,
                "entry_id": event.step.entry_id,
                "payload": event.body(self.base_url).decode("utf-8"),
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
        return int(added)
