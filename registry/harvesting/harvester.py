"""One harvest of one source: take the lease, fetch every URL, import what changed, track
the items that left the source, record the run, release the lease.

What is fetched goes through `ImportService` like a file import (the same mapping,
validation, duplicate detection and idempotence): a source the owner attests publishes
with the registry's authority; any other source submits its changes for review as its
supplier. A URL that answers 304, or sends exactly the bytes it sent last time, is not
parsed again. Nothing a source gave is ever deleted: an item missing from its source is
flagged, and deprecated through the workflow after enough harvests in a row without it.
A failure anywhere becomes part of the run's record; it never escapes to the caller of
`run` except as the returned report, so one broken source cannot stop the others.
"""

import itertools
import logging
import os
import secrets
import socket
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine

from registry.auth import Principal, PrincipalKind, Scope
from registry.db import transaction
from registry.errors import Conflict, NotFound, RegistryError
from registry.harvesting.fetch import Fetched, Fetcher, Limits, Validators, redact
from registry.harvesting.guard import AddressPolicy
from registry.harvesting.sources import CONTENT_TYPES, file_url
from registry.harvesting.store import SourceStore
from registry.importers import Importer, importer_for
from registry.importers.base import FileResult
from registry.importing import ImportReport, ImportService, parse_safely
from registry.models import HarvestRun, utcnow
from registry.repository import Repository
from registry.services import EntryService

log = logging.getLogger("registry.harvest")

#: Import outcomes that make an entry one of the source's items.
HELD = frozenset({"created", "updated", "unchanged", "kept", "submitted"})
#: Rejections kept in a run's record (the counts say how many there were in all).
MAX_RECORDED = 500
RENEW_EVERY_SECONDS = 30.0
#: URLs a fetching thread fetches a task (see `_fetch_ahead`).
FETCH_BATCH = 16


class HarvestBusy(Conflict):
    """Another instance (or another request here) is harvesting the source right now."""

    title = "Harvest in progress"


class LeaseLost(RuntimeError):
    """The lease expired during the run and could not be renewed."""


@dataclass(frozen=True)
class _Source:
    """What a run needs to know about its source, read when the lease is taken."""

    id: int
    name: str
    format: str
    urls: tuple[str, ...]
    targets: tuple[str, ...]  # the URLs as fetched (a repository's URL names its file)
    interval: timedelta
    trust: str
    supplier_id: int | None
    supplier: str | None
    validators: dict[str, Validators]


@dataclass
class RunReport:
    run_id: int
    source: str
    status: str = "ok"
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)


def registry_principal(source: str) -> Principal:
    """Who publishes and deprecates for a source: the registry itself, on the authority of
    the admin who registered the source."""
    return Principal(PrincipalKind.OPERATOR, f"harvest {source}", frozenset({Scope.ADMIN}))


def instance_name() -> str:
    """This process, as lease owners and run records name it."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}:{secrets.token_hex(3)}"


class Harvester:
    def __init__(
        self,
        engine: Engine,
        imports: ImportService,
        entries: EntryService,
        *,
        policy: AddressPolicy,
        limits: Limits = Limits(),  # noqa: B008 - frozen
        concurrency: int = 4,
        misses_before_deprecation: int = 3,
        lease_seconds: int = 900,
        importers: Callable[[str], Importer] = importer_for,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.engine = engine
        self.imports = imports
        self.entries = entries
        self.policy = policy
        self.limits = limits
        self.concurrency = concurrency
        self.misses_before_deprecation = misses_before_deprecation
        self.lease = timedelta(seconds=lease_seconds)
        self.importers = importers
        self.transport = transport
        self.instance = instance_name()

    # the run ------------------------------------------------------------------------
    def run(self, name: str, trigger: str = "manual", actor: str = "scheduler") -> RunReport:
        """Harvest the source now; HarvestBusy when someone else holds its lease."""
        started = utcnow()
        source, run_id = self._begin(name, trigger, started)
        report = RunReport(run_id, name)
        try:
            self._harvest(source, report)
        except Exception as exc:
            log.exception("Harvest of %s failed", name)
            report.status = "error"
            report.errors.append({"url": "", "message": f"the harvest failed: {_safe(exc)}"})
        self._finish(source, report, started, trigger, actor)
        return report

    def _begin(self, name: str, trigger: str, now: datetime) -> tuple[_Source, int]:
        with transaction(self.engine) as session:
            store = SourceStore(session)
            row = store.source(name)
            if row is None or row.id is None:
                raise NotFound(f"There is no source named '{name}'.")
            # A scheduled run needs the source still due; a run asked for by hand does not.
            due = trigger == "schedule"
            if not store.take_lease(row.id, self.instance, now, now + self.lease, due=due):
                raise HarvestBusy(f"The source '{name}' is being harvested right now.")
            run = HarvestRun(
                source_id=row.id,
                trigger=trigger,
                instance=self.instance,
                started_at=now,
                status="running",
            )
            store.add(run)
            assert run.id is not None
            supplier = Repository(session).supplier(row.supplier_id) if row.supplier_id else None
            source = _Source(
                id=row.id,
                name=row.name,
                format=row.format,
                urls=tuple(row.urls),
                targets=tuple(file_url(url, row.format) for url in row.urls),
                interval=timedelta(minutes=row.interval_minutes),
                trust=row.trust,
                supplier_id=row.supplier_id,
                supplier=supplier.name if supplier else None,
                validators={
                    url: Validators(*state) for url, state in store.validators(row.id).items()
                },
            )
            return source, run.id

    def _harvest(self, source: _Source, report: RunReport) -> None:
        importer = self.importers(source.format)
        accept = CONTENT_TYPES[source.format]
        targets = list(source.targets)
        counts = dict.fromkeys(("fetched", "not_modified", "failed"), 0)
        fetched: dict[str, Fetched] = {}
        produced: dict[str, str] = {}  # entry id -> URL, for every item parsed this run
        unchanged_urls: set[str] = set()
        failed_urls: set[str] = set()

        def results(fetches: Iterator[Fetched]) -> Iterator[tuple[str, FileResult]]:
            renewed = time.monotonic()
            for result in fetches:
                if time.monotonic() - renewed > RENEW_EVERY_SECONDS:
                    self._renew(source.id)
                    renewed = time.monotonic()
                previous = source.validators.get(result.url)
                if result.status == "error":
                    counts["failed"] += 1
                    failed_urls.add(result.url)
                    report.errors.append({"url": redact(result.url), "message": result.error})
                    continue
                fetched[result.url] = result
                if result.status == "not_modified" or (
                    previous is not None and previous.sha256 == result.sha256
                ):
                    # The same bytes as last time: nothing to parse or import.
                    counts["not_modified"] += 1
                    unchanged_urls.add(result.url)
                    continue
                counts["fetched"] += 1
                name = redact(result.url)
                parsed = parse_safely(importer, result.text, name)
                if parsed.rejected and not parsed.entries:
                    # Nothing readable: the file is broken, not empty. Its items are not
                    # counted as missing, since it says nothing about them.
                    failed_urls.add(result.url)
                    reason = parsed.rejected[0].reason
                    report.errors.append({"url": name, "message": f"not read: {reason}"})
                for item in parsed.entries:
                    entry_id = item.document.get("id")
                    if isinstance(entry_id, str):
                        produced.setdefault(entry_id, result.url)
                yield name, parsed

        fetcher = Fetcher(self.policy, self.limits, self.concurrency * 2, self.transport)
        try:
            with ThreadPoolExecutor(self.concurrency, thread_name_prefix="harvest-fetch") as pool:
                fetches = _fetch_ahead(
                    pool,
                    lambda url: fetcher.fetch(url, accept, source.validators.get(url)),
                    targets,
                    self.concurrency,
                )
                outcomes = self._import(source, importer, results(fetches))
        finally:
            fetcher.close()
        report.counts.update(counts)
        for name, n in outcomes.counts.items():
            report.counts[name] = n
        report.rejections = [
            {"source": o.source, "id": o.entry_id, "result": o.result, "messages": o.messages}
            for o in outcomes.outcomes
            if o.result in ("rejected", "duplicate")
        ][:MAX_RECORDED]
        held = {o.entry_id for o in outcomes.outcomes if o.result in HELD and o.entry_id}
        self._track(source, report, fetched, produced, held, unchanged_urls, failed_urls)
        if targets and len(failed_urls) == len(set(targets)):
            report.status = "error"
        elif failed_urls or report.errors:
            report.status = "partial"

    def _import(
        self, source: _Source, importer: Importer, results: Iterator[tuple[str, FileResult]]
    ) -> ImportReport:
        first = next(results, None)
        if first is None:
            # Nothing new to read: skip the import service's look at every stored entry.
            return ImportReport(importer.name, applied=True)
        results = itertools.chain([first], results)
        if source.trust == "publish":
            return self.imports.run(
                importer,
                results,
                apply=True,
                actor=registry_principal(source.name),
                supplier=source.supplier,
            )
        actor = Principal(
            PrincipalKind.SUPPLIER,
            source.supplier or source.name,
            frozenset({Scope.SUBMIT}),
            supplier_id=source.supplier_id,
        )
        return self.imports.run(importer, results, apply=True, actor=actor)

    def _renew(self, source_id: int) -> None:
        with transaction(self.engine) as session:
            until = utcnow() + self.lease
            if not SourceStore(session).renew_lease(source_id, self.instance, until):
                raise LeaseLost("the harvest took longer than its lease and another took over")

    # items that come and go ---------------------------------------------------------
    def _track(
        self,
        source: _Source,
        report: RunReport,
        fetched: dict[str, Fetched],
        produced: dict[str, str],
        held: set[str],
        unchanged_urls: set[str],
        failed_urls: set[str],
    ) -> None:
        """Record fetch validators and the source's items; count and deprecate the missing."""
        self._renew(source.id)  # the import may have taken a while
        now = utcnow()
        due: list[tuple[str, str, int]] = []
        url_inserts: list[dict[str, Any]] = []
        url_updates: list[dict[str, Any]] = []
        for url, result in fetched.items():
            row = {
                "source_id": source.id,
                "url": url,
                "etag": (result.etag or "")[:500] or None,
                "last_modified": (result.last_modified or "")[:100] or None,
                "content_sha256": result.sha256,
                "fetched_at": now,
            }
            before = source.validators.get(url)
            if before is None:
                url_inserts.append(row)
            elif (before.etag, before.last_modified, before.sha256) != (
                row["etag"],
                row["last_modified"],
                row["content_sha256"],
            ):
                url_updates.append(row)  # a 304 changes nothing and writes nothing
        targets = set(source.targets)
        item_inserts: list[dict[str, Any]] = []
        item_updates: list[dict[str, Any]] = []
        missing = 0
        with transaction(self.engine) as session:
            store = SourceStore(session)
            store.write_urls(url_inserts, url_updates)
            store.forget_urls(source.id, set(source.validators) - targets)
            items = store.item_rows(source.id)
            for entry_id in held - items.keys():
                item_inserts.append(
                    {
                        "source_id": source.id,
                        "entry_id": entry_id,
                        "url": produced.get(entry_id, ""),
                        "last_seen_at": now,
                        "misses": 0,
                    }
                )
            for entry_id, item in items.items():
                key = {"source_id": source.id, "entry_id": entry_id}
                # An unchanged file still holds what it held last time, and still lacks
                # what it lacked.
                unchanged = item.url in unchanged_urls and item.misses == 0
                if entry_id in produced:
                    item_updates.append(
                        key
                        | {"url": produced[entry_id], "last_seen_at": now, "misses": 0}
                        | {"missing_since": None, "deprecated_at": None}
                    )
                elif unchanged and item.url in targets:
                    continue
                elif item.url in failed_urls:
                    continue  # unknown: the file could not be read this time
                else:
                    misses = item.misses + 1
                    missing += 1
                    item_updates.append(
                        key | {"misses": misses, "missing_since": item.missing_since or now}
                    )
                    if misses >= self.misses_before_deprecation and item.deprecated_at is None:
                        due.append((entry_id, item.url, misses))
            store.write_items(item_inserts, item_updates)
        report.counts["missing"] = missing
        report.counts["deprecated"] = self._deprecate(source, report, due)

    def _deprecate(
        self, source: _Source, report: RunReport, due: list[tuple[str, str, int]]
    ) -> int:
        actor = registry_principal(source.name)
        done = 0
        for entry_id, url, misses in due:
            reason = (
                f"No longer in the harvest source '{source.name}' ({redact(url)}): missing "
                f"from {misses} harvests in a row."
            )
            try:
                view = self.entries.get(entry_id, actor)
                if view.state == "published":
                    self.entries.act(entry_id, "deprecate", actor, reason)
                    done += 1
            except RegistryError as exc:
                report.errors.append({"url": redact(url), "message": f"{entry_id}: {exc.detail}"})
                continue
            with transaction(self.engine) as session:
                item = SourceStore(session).items(source.id).get(entry_id)
                if item is not None:
                    item.deprecated_at = utcnow()
        return done

    # the record ---------------------------------------------------------------------
    def _finish(
        self, source: _Source, report: RunReport, started: datetime, trigger: str, actor: str
    ) -> None:
        finished = utcnow()
        try:
            with transaction(self.engine) as session:
                store = SourceStore(session)
                run = store.run(report.run_id)
                row = store.source_by_id(source.id)
                if run is not None:
                    run.finished_at = finished
                    run.status = report.status
                    run.counts = report.counts
                    run.errors = report.errors
                    run.rejections = report.rejections
                if row is not None:
                    row.last_run_id = report.run_id
                    row.next_run_at = max(started + source.interval, finished)
                Repository(session).audit(
                    actor,
                    "source.harvest",
                    None,
                    {
                        "source": source.name,
                        "run": report.run_id,
                        "trigger": trigger,
                        "status": report.status,
                        "counts": report.counts,
                        "errors": len(report.errors),
                    },
                )
        finally:
            with transaction(self.engine) as session:
                SourceStore(session).release_lease(source.id, self.instance)


def _fetch_ahead(
    pool: ThreadPoolExecutor,
    fetch: Callable[[str], Fetched],
    urls: list[str],
    workers: int,
    batch: int = FETCH_BATCH,
) -> Iterator[Fetched]:
    """Fetch results in the order of `urls`, so that parsing and importing overlap with
    fetching, with each thread fetching `batch` URLs a task and at most two tasks per
    thread in flight or waiting to be read.

    Unlike `pool.map(fetch, urls)`, memory stays bounded on a big source, and the threads
    hand over a result per batch, not per URL. Measured on the real corpus from a local
    server (7,433 URLs): an unchanged harvest took 0.63 ms of CPU per URL handed over one
    at a time against 0.37 ms fetched in one thread, since every handover wakes a thread
    and contends for the interpreter lock."""
    chunks = (urls[i : i + batch] for i in range(0, len(urls), batch))
    pending: deque[Future[list[Fetched]]] = deque()

    def fetch_all(chunk: list[str]) -> list[Fetched]:
        return [fetch(url) for url in chunk]

    try:
        for chunk in itertools.islice(chunks, 2 * workers):
            pending.append(pool.submit(fetch_all, chunk))
        while pending:
            results = pending.popleft().result()
            for chunk in itertools.islice(chunks, 1):
                pending.append(pool.submit(fetch_all, chunk))
            yield from results
    finally:
        for future in pending:
            future.cancel()


def _safe(exc: Exception) -> str:
    """An exception as a run's record may show it: its type and first line, short."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__
