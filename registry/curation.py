"""What maintainers read: the review queue and the audit log, as plain data (no HTTP).

These are read-only use cases over the repository (the entry service does every write).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from registry.db import transaction
from registry.repository import Repository
from registry.services import EntryService
from registry.views import iso

QUEUE_LIMIT = 200
EXPORT_BATCH = 500


@dataclass(frozen=True)
class QueueItem:
    """One entry or proposal waiting for review."""

    entry_id: str
    name: str
    proposal: bool
    supplier: str | None
    submitted_at: datetime
    warnings: list[dict[str, str]]


@dataclass(frozen=True)
class AuditFilter:
    """The audit log's filters; dates are whole UTC days, `until` inclusive."""

    entry_id: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None

    def bounds(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id or None,
            "actor": self.actor or None,
            "since": _midnight(self.since) if self.since else None,
            "until": _midnight(self.until) + timedelta(days=1) if self.until else None,
        }


@dataclass(frozen=True)
class AuditRow:
    id: int
    created_at: str
    actor: str
    action: str
    entry_id: str | None
    detail: dict[str, Any]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Curation:
    def __init__(self, engine: Engine, entries: EntryService) -> None:
        self.engine = engine
        self.entries = entries

    def queue_size(self) -> int:
        with transaction(self.engine, write=False) as session:
            return Repository(session).count_review_queue()

    def queue(self) -> list[QueueItem]:
        """Submitted entries and proposals, longest waiting first, with their warnings."""
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            known = self.entries.vocabulary_set(repo)
            items = []
            for entry, submitted_at in repo.review_queue(QUEUE_LIMIT):
                proposal = entry.pending_state == "submitted" and entry.pending_revision is not None
                document = entry.document
                if proposal:
                    pending = repo.revision(entry.id, entry.pending_revision or 0)
                    document = pending.document if pending else document
                supplier = repo.supplier(entry.supplier_id) if entry.supplier_id else None
                report = self.entries.validator.validate(document, known)
                name = document.get("name") if isinstance(document, dict) else None
                items.append(
                    QueueItem(
                        entry_id=entry.id,
                        name=name if isinstance(name, str) else entry.name,
                        proposal=proposal,
                        supplier=supplier.name if supplier else None,
                        submitted_at=_aware(submitted_at),
                        warnings=[w.as_dict() for w in report.issues],
                    )
                )
            return items

    def audit(self, filters: AuditFilter, page: int, per_page: int) -> tuple[list[AuditRow], int]:
        with transaction(self.engine, write=False) as session:
            rows, total = Repository(session).audit_search(
                **filters.bounds(), offset=(page - 1) * per_page, limit=per_page
            )
            return [_row(r) for r in rows], total

    def audit_export(self, filters: AuditFilter) -> Iterator[AuditRow]:
        """Every matching row, newest first, a batch per short read transaction."""
        before: int | None = None
        while True:
            with transaction(self.engine, write=False) as session:
                rows, _ = Repository(session).audit_search(
                    **filters.bounds(), before_id=before, limit=EXPORT_BATCH
                )
                batch = [_row(r) for r in rows]
            if not batch:
                return
            yield from batch
            before = batch[-1].id


def _row(row: Any) -> AuditRow:
    return AuditRow(
        id=int(row.id),
        created_at=iso(row.created_at) or "",
        actor=row.actor,
        action=row.action,
        entry_id=row.entry_id,
        detail=dict(row.detail or {}),
    )
