"""What a published change means to a subscriber: its event type, its body, who wants it.

Pure: the change, its revision and a few facts read by the caller go in; no SQL, no HTTP.

Only changes the public can see become events: a revision that is not a proposal's step
and leaves the entry published, deprecated or retired. Drafts, submissions, requests for
changes, rejections and every step of a pending proposal are never sent.
"""

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

PUBLIC_STATES = frozenset({"published", "deprecated", "retired"})
KINDS = ("api", "software", "library", "service", "standard", "dataset")
ENTRY_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")


class FilterType(StrEnum):
    ALL = "all"
    ENTRY = "entry"
    STANDARD = "standard"
    SUPPLIER = "supplier"
    KIND = "kind"


class EventType(StrEnum):
    PUBLISHED = "entry.published"
    UPDATED = "entry.updated"
    DEPRECATED = "entry.deprecated"
    RETIRED = "entry.retired"
    MERGED = "entry.merged"


@dataclass(frozen=True)
class Step:
    """One change-feed row with what the caller read about it."""

    seq: int
    entry_id: str
    revision: int
    state: str
    proposal_state: str | None
    action: str
    document: dict[str, Any]
    created_at: str
    #: Whether an earlier revision of the entry was public (so this one is not the first).
    was_public_before: bool
    supplier: str | None
    merged_into: str | None = None

    @property
    def is_public(self) -> bool:
        return self.proposal_state is None and self.state in PUBLIC_STATES


@dataclass(frozen=True)
class Event:
    type: EventType
    step: Step

    @property
    def standards(self) -> frozenset[str]:
        items = self.step.document.get("standards", [])
        return frozenset(s["id"] for s in items if isinstance(s, dict) and "id" in s)

    @property
    def kind(self) -> str:
        return str(self.step.document.get("kind", ""))

    def matches(self, filter_type: str, value: str) -> bool:
        """Whether a subscription with this filter wants the event."""
        if filter_type == FilterType.ALL:
            return True
        if filter_type == FilterType.ENTRY:
            # A duplicate merged into the entry concerns the entry's followers too.
            return value in (self.step.entry_id, self.step.merged_into)
        if filter_type == FilterType.STANDARD:
            # The standard itself changed, or an entry that implements it did.
            return (self.kind == "standard" and self.step.entry_id == value) or (
                value in self.standards
            )
        if filter_type == FilterType.SUPPLIER:
            return self.step.supplier == value
        if filter_type == FilterType.KIND:
            return self.kind == value
        return False

    def body(self, base_url: str) -> bytes:
        """The JSON body, in the specification's recommended `{type, timestamp, data}` shape.

        Links are absolute when the registry's public address is configured, else paths."""
        step = self.step
        document = step.document
        data: dict[str, Any] = {
            "id": step.entry_id,
            "revision": step.revision,
            "state": step.state,
            "kind": self.kind,
            "name": document.get("name"),
            "status": document.get("status"),
            "supplier": step.supplier,
            "standards": sorted(self.standards),
            "change": step.seq,
            "url": f"{base_url}/entries/{step.entry_id}",
            "api_url": f"{base_url}/api/v1/entries/{step.entry_id}",
            "revision_url": f"{base_url}/api/v1/entries/{step.entry_id}/revisions/{step.revision}",
        }
        if step.merged_into is not None:
            data["merged_into"] = step.merged_into
        body = {"type": self.type.value, "timestamp": step.created_at, "data": data}
        return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def event_for(step: Step) -> Event | None:
    """The event a change is, or None when it is not public (nothing is sent)."""
    if not step.is_public:
        return None
    if step.action == "merge":
        kind = EventType.MERGED
    elif step.action == "deprecate":
        kind = EventType.DEPRECATED
    elif step.action == "retire":
        kind = EventType.RETIRED
    elif not step.was_public_before:
        kind = EventType.PUBLISHED
    else:
        kind = EventType.UPDATED
    return Event(kind, step)


def filter_problem(filter_type: str, value: str) -> tuple[str, str] | None:
    """(JSON Pointer, message) for a filter that cannot be used; None when it is fine.
    Whether a named supplier exists is for the caller to check."""
    names = ", ".join(t.value for t in FilterType)
    if filter_type not in {t.value for t in FilterType}:
        return "/filter/type", f"Choose one of: {names}."
    if filter_type == FilterType.ALL:
        return ("/filter/value", "A filter of type 'all' takes no value.") if value else None
    if not value:
        return "/filter/value", f"A filter of type '{filter_type}' needs a value."
    if filter_type in (FilterType.ENTRY, FilterType.STANDARD) and not ENTRY_ID.fullmatch(value):
        return "/filter/value", "Must be an entry id: lower-case letters, digits and hyphens."
    if filter_type == FilterType.KIND and value not in KINDS:
        return "/filter/value", f"Choose one of: {', '.join(KINDS)}."
    if filter_type == FilterType.SUPPLIER and len(value) > 200:
        return "/filter/value", "A supplier name is at most 200 characters."
    return None
