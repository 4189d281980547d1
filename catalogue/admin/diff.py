"""A field-by-field difference between two entry documents, by JSON Pointer."""

import json
from dataclasses import dataclass
from typing import Any

from registry.validation import pointer

MISSING: Any = object()


@dataclass(frozen=True)
class Change:
    path: str
    before: str  # "" when the field was not set
    after: str


def _text(value: Any) -> str:
    if value is MISSING:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def diff(before: Any, after: Any, path: tuple[str | int, ...] = ()) -> list[Change]:
    """The leaves that differ: objects are compared key by key, lists item by item."""
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[Change] = []
        for key in sorted(set(before) | set(after), key=str):
            changes += diff(before.get(key, MISSING), after.get(key, MISSING), (*path, key))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        changes = []
        for index in range(max(len(before), len(after))):
            old = before[index] if index < len(before) else MISSING
            new = after[index] if index < len(after) else MISSING
            changes += diff(old, new, (*path, index))
        return changes
    return [Change(pointer(list(path)) or "/", _text(before), _text(after))]
