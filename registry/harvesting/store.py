"""Every query on the harvest tables (the harvesting counterpart of `registry.repository`).
Callers own the session and its transaction."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, delete, insert, or_, update
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from registry.models import HarvestItem, HarvestRun, HarvestSource, HarvestUrl


class ValidatorRow(NamedTuple):
    etag: str | None
    last_modified: str | None
    sha256: str | None


class ItemRow(NamedTuple):
    url: str
    misses: int
    missing_since: datetime | None
    deprecated_at: datetime | None


class SourceStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    # sources ------------------------------------------------------------------------
    def source(self, name: str) -> HarvestSource | None:
        return self.session.exec(select(HarvestSource).where(HarvestSource.name == name)).first()

    def source_by_id(self, source_id: int) -> HarvestSource | None:
        return self.session.get(HarvestSource, source_id)

    def sources(self) -> Sequence[HarvestSource]:
        return self.session.exec(select(HarvestSource).order_by(col(HarvestSource.name))).all()

    def add(self, row: HarvestSource | HarvestRun) -> None:
        self.session.add(row)
        self.session.flush()

    def remove_source(self, source: HarvestSource) -> None:
        """The source with its runs and fetch state; the entries it gave stay."""
        for table in (HarvestItem, HarvestUrl, HarvestRun):
            self.session.execute(delete(table).where(col(table.source_id) == source.id))
        self.session.delete(source)
        self.session.flush()

    def due(self, now: datetime) -> list[str]:
        """Names of the sources whose next run has come and that nobody is harvesting."""
        statement = (
            select(HarvestSource.name)
            .where(col(HarvestSource.next_run_at) <= now)
            .where(_lease_free(now))
            .order_by(col(HarvestSource.next_run_at))
        )
        return list(self.session.exec(statement).all())

    # the lease ----------------------------------------------------------------------
    def take_lease(
        self, source_id: int, owner: str, now: datetime, until: datetime, *, due: bool = False
    ) -> bool:
        """Take the source's lease if it is free or expired (and, with `due`, only if the
        source is still due): one atomic UPDATE, so of several instances trying at once
        exactly one succeeds, and one that read the due list before another instance's
        run ended does not harvest the source a second time."""
        statement = (
            update(HarvestSource)
            .where(col(HarvestSource.id) == source_id)
            .where(_lease_free(now))
            .values(lease_owner=owner, lease_until=until)
        )
        if due:
            statement = statement.where(col(HarvestSource.next_run_at) <= now)
        return self._changed(statement) == 1

    def renew_lease(self, source_id: int, owner: str, until: datetime) -> bool:
        statement = (
            update(HarvestSource)
            .where(col(HarvestSource.id) == source_id)
            .where(col(HarvestSource.lease_owner) == owner)
            .values(lease_until=until)
        )
        return self._changed(statement) == 1

    def release_lease(self, source_id: int, owner: str) -> None:
        statement = (
            update(HarvestSource)
            .where(col(HarvestSource.id) == source_id)
            .where(col(HarvestSource.lease_owner) == owner)
            .values(lease_owner=None, lease_until=None)
        )
        self._changed(statement)

    def _changed(self, statement: Any) -> int:
        # The database decides (rows loaded in this session are not compared in Python).
        statement = statement.execution_options(synchronize_session=False)
        result = cast(CursorResult[Any], self.session.execute(statement))
        return int(result.rowcount)

    # per-URL state and items: plain rows and bulk writes, since a source may hold
    # thousands of URLs and an unchanged harvest should cost next to nothing ------------
    def validators(self, source_id: int) -> dict[str, ValidatorRow]:
        statement = select(
            HarvestUrl.url, HarvestUrl.etag, HarvestUrl.last_modified, HarvestUrl.content_sha256
        ).where(HarvestUrl.source_id == source_id)
        return {url: ValidatorRow(e, m, h) for url, e, m, h in self.session.exec(statement)}

    def write_urls(self, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
        if inserts:
            self.session.execute(insert(HarvestUrl), inserts)
        if updates:
            self.session.execute(update(HarvestUrl), updates)

    def forget_urls(self, source_id: int, urls: set[str]) -> None:
        if urls:
            self.session.execute(
                delete(HarvestUrl)
                .where(col(HarvestUrl.source_id) == source_id)
                .where(col(HarvestUrl.url).in_(urls))
            )

    def item_rows(self, source_id: int) -> dict[str, ItemRow]:
        statement = sql_select(
            col(HarvestItem.entry_id),
            col(HarvestItem.url),
            col(HarvestItem.misses),
            col(HarvestItem.missing_since),
            col(HarvestItem.deprecated_at),
        ).where(col(HarvestItem.source_id) == source_id)
        return {e: ItemRow(u, m, s, d) for e, u, m, s, d in self.session.execute(statement)}

    def write_items(self, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
        if inserts:
            self.session.execute(insert(HarvestItem), inserts)
        if updates:
            self.session.execute(update(HarvestItem), updates)

    def items(self, source_id: int) -> dict[str, HarvestItem]:
        rows = self.session.exec(select(HarvestItem).where(HarvestItem.source_id == source_id))
        return {row.entry_id: row for row in rows}

    def missing_items(self) -> list[tuple[HarvestItem, str]]:
        """Items missing from their source at its last harvest, with the source's name."""
        statement = (
            select(HarvestItem, HarvestSource.name)
            .join(HarvestSource, col(HarvestSource.id) == col(HarvestItem.source_id))
            .where(col(HarvestItem.misses) > 0)
            .order_by(col(HarvestItem.entry_id))
        )
        return [(item, str(name)) for item, name in self.session.exec(statement).all()]

    def item_counts(self) -> dict[int, tuple[int, int]]:
        """Per source id: (items, items missing at the last harvest)."""
        counts: dict[int, tuple[int, int]] = {}
        for item in self.session.exec(select(HarvestItem)).all():
            total, missing = counts.get(item.source_id, (0, 0))
            counts[item.source_id] = (total + 1, missing + (1 if item.misses else 0))
        return counts

    def run(self, run_id: int) -> HarvestRun | None:
        return self.session.get(HarvestRun, run_id)

    def runs(self, source_id: int, limit: int = 10) -> Sequence[HarvestRun]:
        statement = (
            select(HarvestRun)
            .where(HarvestRun.source_id == source_id)
            .order_by(col(HarvestRun.id).desc())
            .limit(limit)
        )
        return self.session.exec(statement).all()


def _lease_free(now: datetime) -> Any:
    return or_(col(HarvestSource.lease_until).is_(None), col(HarvestSource.lease_until) < now)
