"""What the services hand back: plain data shaped for readers, free of HTTP and SQL."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite hands back naive datetimes that were stored as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class PendingView:
    revision: int
    state: str
    document: dict[str, Any] | None  # only for the owner and maintainers


@dataclass(frozen=True)
class EntryView:
    id: str
    state: str
    revision: int
    published_revision: int | None
    etag: str
    open_source: bool
    licence_canonical: str | None
    supplier: str | None
    created_at: str | None
    updated_at: str | None
    published_at: str | None
    document: dict[str, Any]
    allowed_actions: list[str] = field(default_factory=list)
    pending: PendingView | None = None
    warnings: list[dict[str, str]] = field(default_factory=list)
    #: Published entries that look like this one (on submission, and for reviewers).
    similar: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "state": self.state,
            "revision": self.revision,
            "published_revision": self.published_revision,
            "open_source": self.open_source,
            "licence_canonical": self.licence_canonical,
            "supplier": self.supplier,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "published_at": self.published_at,
            "allowed_actions": self.allowed_actions,
            "pending": None,
            "warnings": self.warnings,
            "similar": self.similar,
            "document": self.document,
        }
        if self.pending is not None:
            body["pending"] = {
                "revision": self.pending.revision,
                "state": self.pending.state,
                "document": self.pending.document,
            }
        return body


@dataclass(frozen=True)
class RevisionView:
    entry_id: str
    number: int
    state: str
    proposal_state: str | None
    action: str
    author: str
    reason: str
    created_at: str | None
    document: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "entry_id": self.entry_id,
            "number": self.number,
            "state": self.state,
            "proposal_state": self.proposal_state,
            "action": self.action,
            "author": self.author,
            "reason": self.reason,
            "created_at": self.created_at,
        }
        if self.document is not None:
            body["document"] = self.document
        return body


@dataclass(frozen=True)
class Page:
    items: list[EntryView]
    total: int
    page: int
    per_page: int

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.per_page))
