"""Harvest sources as use cases: add, list, show, remove, queue and harvest, each audited.

Every door (the CLI, the admin API, the admin pages) calls these, so the rules are the
same whichever way a source is managed. URLs are shown without their credentials.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from registry.auth import Principal, Scope
from registry.db import transaction
from registry.errors import Conflict, InvalidEntry, Issue, NotFound
from registry.harvesting.fetch import redact
from registry.harvesting.harvester import Harvester, RunReport
from registry.harvesting.sources import SourceSpec, check_source
from registry.harvesting.store import SourceStore
from registry.models import HarvestRun, HarvestSource, utcnow
from registry.repository import Repository


class InvalidSource(InvalidEntry):
    title = "The source is not valid"


@dataclass(frozen=True)
class RunView:
    id: int
    trigger: str
    instance: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    counts: dict[str, int]
    errors: list[dict[str, str]]
    rejections: list[dict[str, Any]]

    def as_dict(self, *, rejections: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "trigger": self.trigger,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "status": self.status,
            "counts": self.counts,
            "errors": self.errors,
        }
        if rejections:
            body["rejections"] = self.rejections
        return body


@dataclass(frozen=True)
class SourceView:
    name: str
    format: str
    urls: list[str]  # redacted
    interval_minutes: int
    supplier: str | None
    trust: str
    created_at: datetime
    next_run_at: datetime
    harvesting: bool
    items: int
    missing: int
    last_run: RunView | None
    runs: list[RunView] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "format": self.format,
            "urls": self.urls,
            "interval_minutes": self.interval_minutes,
            "supplier": self.supplier,
            "trust": self.trust,
            "created_at": self.created_at.isoformat(),
            "next_run_at": self.next_run_at.isoformat(),
            "harvesting": self.harvesting,
            "items": self.items,
            "missing": self.missing,
            "last_run": self.last_run.as_dict(rejections=False) if self.last_run else None,
        }


@dataclass(frozen=True)
class MissingItem:
    """An entry its source no longer lists."""

    entry_id: str
    source: str
    url: str
    misses: int
    since: datetime | None
    deprecated: bool

    def message(self, deprecate_after: int) -> str:
        since = f" since {self.since:%-d %B %Y}" if self.since else ""
        what = (
            "deprecated for it"
            if self.deprecated
            else f"deprecated after {deprecate_after} harvests in a row without it"
        )
        return (
            f"Not in the source '{self.source}' ({self.url}) for {self.misses} harvest(s)"
            f"{since}; {what}."
        )


def _run_view(run: HarvestRun) -> RunView:
    assert run.id is not None
    return RunView(
        run.id,
        run.trigger,
        run.instance,
        _aware(run.started_at),
        _aware(run.finished_at) if run.finished_at else None,
        run.status,
        dict(run.counts),
        list(run.errors),
        list(run.rejections),
    )


class SourceService:
    def __init__(self, engine: Engine, harvester: Harvester) -> None:
        self.engine = engine
        self.harvester = harvester

    def add(self, data: Any, actor: Principal) -> SourceView:
        """Register a source (admins); its first harvest is due at once."""
        actor.require(Scope.ADMIN)
        spec, issues = check_source(data)
        if spec is None:
            raise InvalidSource(issues, detail=f"{len(issues)} problem(s) found in the source")
        try:
            with transaction(self.engine) as session:
                self._add(session, spec, actor)
        except IntegrityError:
            raise Conflict(f"There is already a source named '{spec.name}'.") from None
        return self.show(spec.name)

    def _add(self, session: Any, spec: SourceSpec, actor: Principal) -> None:
        store, repo = SourceStore(session), Repository(session)
        if store.source(spec.name) is not None:
            raise Conflict(f"There is already a source named '{spec.name}'.")
        supplier_id = None
        if spec.supplier:
            supplier = repo.supplier_by_name(spec.supplier)
            if supplier is None:
                message = f"There is no supplier named '{spec.supplier}'; add it first."
                raise InvalidSource([Issue("/supplier", message)])
            supplier_id = supplier.id
        now = utcnow()
        store.add(
            HarvestSource(
                name=spec.name,
                format=spec.format,
                urls=list(spec.urls),
                interval_minutes=spec.interval_minutes,
                supplier_id=supplier_id,
                trust=spec.trust,
                created_at=now,
                next_run_at=now,
            )
        )
        repo.audit(
            actor.label,
            "source.create",
            None,
            {
                "source": spec.name,
                "format": spec.format,
                "urls": [redact(u) for u in spec.urls],
                "interval_minutes": spec.interval_minutes,
                "supplier": spec.supplier,
                "trust": spec.trust,
            },
        )

    def all(self) -> list[SourceView]:
        with transaction(self.engine, write=False) as session:
            store = SourceStore(session)
            counts = store.item_counts()
            return [self._view(session, row, counts) for row in store.sources()]

    def show(self, name: str, runs: int = 10) -> SourceView:
        with transaction(self.engine, write=False) as session:
            store = SourceStore(session)
            row = self._source(store, name)
            view = self._view(session, row, store.item_counts())
            assert row.id is not None
            return SourceView(
                **{**view.__dict__, "runs": [_run_view(r) for r in store.runs(row.id, runs)]}
            )

    def run(self, name: str, run_id: int) -> RunView:
        with transaction(self.engine, write=False) as session:
            store = SourceStore(session)
            row = self._source(store, name)
            run = store.run(run_id)
            if run is None or run.source_id != row.id:
                raise NotFound(f"The source '{name}' has no run {run_id}.")
            return _run_view(run)

    def missing(self) -> list[MissingItem]:
        """Entries missing from their harvest source at its last harvest."""
        with transaction(self.engine, write=False) as session:
            return [
                MissingItem(
                    item.entry_id,
                    source,
                    redact(item.url),
                    item.misses,
                    _aware(item.missing_since) if item.missing_since else None,
                    item.deprecated_at is not None,
                )
                for item, source in SourceStore(session).missing_items()
            ]

    def remove(self, name: str, actor: Principal) -> None:
        """Forget the source, its runs and fetch state; the entries it gave stay."""
        actor.require(Scope.ADMIN)
        with transaction(self.engine) as session:
            store = SourceStore(session)
            row = self._source(store, name)
            until = row.lease_until
            if until is not None and _aware(until) > utcnow():
                raise Conflict(
                    f"The source '{name}' is being harvested; remove it when the run ends."
                )
            store.remove_source(row)
            Repository(session).audit(actor.label, "source.remove", None, {"source": name})

    def queue(self, name: str, actor: Principal) -> SourceView:
        """Make the source due now: the next scheduler round (on any instance) harvests it."""
        actor.require(Scope.ADMIN)
        with transaction(self.engine) as session:
            store = SourceStore(session)
            row = self._source(store, name)
            row.next_run_at = utcnow()
            Repository(session).audit(actor.label, "source.queue", None, {"source": name})
        return self.show(name)

    def harvest(self, name: str, actor: Principal, trigger: str = "manual") -> RunReport:
        """Harvest the source now, in this thread (HarvestBusy if it is being harvested)."""
        actor.require(Scope.ADMIN)
        return self.harvester.run(name, trigger, actor.label)

    def _source(self, store: SourceStore, name: str) -> HarvestSource:
        row = store.source(name) if isinstance(name, str) and "\x00" not in name else None
        if row is None:
            raise NotFound(f"There is no source named '{name}'.")
        return row

    def _view(
        self, session: Any, row: HarvestSource, counts: dict[int, tuple[int, int]]
    ) -> SourceView:
        assert row.id is not None
        store = SourceStore(session)
        supplier = Repository(session).supplier(row.supplier_id) if row.supplier_id else None
        last = store.run(row.last_run_id) if row.last_run_id else None
        running = store.runs(row.id, 1)
        if running and running[0].status == "running":
            last = running[0]
        now = utcnow()
        lease_until = row.lease_until
        if lease_until is not None and lease_until.tzinfo is None:
            lease_until = lease_until.replace(tzinfo=now.tzinfo)
        items, missing = counts.get(row.id, (0, 0))
        return SourceView(
            name=row.name,
            format=row.format,
            urls=[redact(u) for u in row.urls],
            interval_minutes=row.interval_minutes,
            supplier=supplier.name if supplier else None,
            trust=row.trust,
            created_at=_aware(row.created_at),
            next_run_at=_aware(row.next_run_at),
            harvesting=lease_until is not None and lease_until > now,
            items=items,
            missing=missing,
            last_run=_run_view(last) if last else None,
        )


def _aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=utcnow().tzinfo)
