"""The data-quality report over every public entry, for the maintainers' page.

Checking means reading every published entry, so the report is kept in memory and made
again only when the registry has changed since: a new change-feed number, another day
(assurance goes stale with time) or other vocabularies (a removed term breaks references).
Pages show it a page of rows at a time.
"""

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine

from registry.db import transaction
from registry.models import Entry
from registry.quality import KINDS, problems
from registry.repository import Repository
from registry.services import EntryService, walk_published

PER_PAGE = 50


@dataclass(frozen=True)
class QualityRow:
    id: str
    name: str
    path: str
    message: str


@dataclass(frozen=True)
class QualityReport:
    """Every problem of every published entry, grouped by kind in the order of `KINDS`."""

    groups: dict[str, tuple[QualityRow, ...]]
    entries_with_problems: int

    def counts(self) -> dict[str, int]:
        return {kind: len(rows) for kind, rows in self.groups.items()}

    def page(self, kind: str, number: int, per_page: int = PER_PAGE) -> "RowPage":
        """One page of one kind's rows (the last page when `number` is past it)."""
        rows = self.groups.get(kind, ())
        last = max(1, -(-len(rows) // per_page))
        number = min(max(1, number), last)
        start = (number - 1) * per_page
        return RowPage(rows[start : start + per_page], len(rows), number, last)


@dataclass(frozen=True)
class RowPage:
    rows: tuple[QualityRow, ...]
    total: int
    number: int
    last: int


def _today() -> date:
    return datetime.now(UTC).date()


class QualityService:
    def __init__(
        self, engine: Engine, entries: EntryService, today: Callable[[], date] = _today
    ) -> None:
        self.engine = engine
        self.entries = entries
        self.today = today
        self.made = 0  # how many times the report was made, for tests
        self._lock = threading.Lock()
        self._kept: tuple[Hashable, QualityReport] | None = None

    def report(self) -> QualityReport:
        today = self.today()
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            vocabularies = self.entries.vocabulary_set(repo)
            key = (
                repo.last_change(),
                today,
                vocabularies.categories,
                vocabularies.care_settings,
                tuple(sorted(vocabularies.standards)),
            )
        with self._lock:
            kept = self._kept
            if kept is not None and kept[0] == key:
                return kept[1]
            # Made under the lock: concurrent views of a changed registry make it once.
            made = self._make(vocabularies, today)
            self._kept = (key, made)
            self.made += 1
            return made

    def _make(self, vocabularies: Any, today: date) -> QualityReport:
        def light(_: Repository, rows: list[Entry]) -> list[tuple[str, dict[str, Any]]]:
            return [(row.id, row.document) for row in rows]

        documents = list(walk_published(self.engine, light, batch=1000))
        known_ids = frozenset(entry_id for entry_id, _ in documents)
        groups: dict[str, list[QualityRow]] = {kind: [] for kind in KINDS}
        with_problems: set[str] = set()
        for entry_id, document in documents:
            for problem in problems(document, vocabularies, today, known_ids):
                name = str(document.get("name", entry_id))
                groups[problem.kind].append(
                    QualityRow(entry_id, name, problem.path, problem.message)
                )
                with_problems.add(entry_id)
        return QualityReport({k: tuple(v) for k, v in groups.items()}, len(with_problems))
