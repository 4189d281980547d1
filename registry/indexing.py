"""Keeps a search index in step with the database by following the change feed.

The database is the truth; each process applies the feed to its own index. A poll reads
the changes after the index's high-water mark, collapses them to the entries they touch,
reads each entry's *current* state (so order within the batch does not matter), and
applies them in one writer commit that also stores the new mark.

Synonym groups are stored in the database too but expand at query time, so they need no
re-indexing: each poll also reads their change counter and, when it moved, hands the
index the new groups (`SynonymFollower`).

On PostgreSQL a sequence number can become visible out of order (a transaction that took
its number earlier commits later). So the mark only advances over a contiguous run of
numbers; entries after a gap are applied anyway (applying is idempotent), and a gap that
stays open longer than GAP_TIMEOUT (a rolled-back transaction's number) is given up on.

Several processes of one host share one index folder (`registry serve --workers N`): only
the holder of the folder's `IndexLease` rebuilds and applies the feed; the others follow
the synonym groups, read the index, and take the lease over if its holder dies.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Engine

from registry.db import changes_committed, transaction
from registry.feed_gaps import FeedGaps
from registry.index_lease import IndexLease
from registry.models import Entry
from registry.repository import Repository
from registry.search import IndexedEntry, SearchIndex
from registry.services import walk_published
from registry.views import iso
from registry.workflow import VISIBLE

log = logging.getLogger("registry.indexing")

VISIBLE_STATES = sorted(s.value for s in VISIBLE)
#: Changes read per poll.
BATCH = 2000
#: Entries given meaning vectors per backfill step (about 2 s of encoding, done without
#: holding the feed): fewer steps mean fewer new segments and views.
BACKFILL_BATCH = 250


def indexed(entry: Entry, standard_names: dict[str, str]) -> IndexedEntry:
    """What the index stores for one entry."""
    references = [s.get("id") for s in entry.document.get("standards", []) if isinstance(s, dict)]
    return IndexedEntry(
        id=entry.id,
        document=entry.document,
        state=entry.state,
        open_source=entry.open_source,
        updated_at=iso(entry.updated_at) or "",
        standard_names={r: standard_names[r] for r in references if r in standard_names},
    )


Groups = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class StoredSynonyms:
    """The synonym groups in effect and the counter they were read at (0: never stored)."""

    version: int
    groups: Groups


def read_synonyms(repo: Repository, fallback: Callable[[], Groups]) -> StoredSynonyms:
    """The stored groups; `fallback()` (the seed file's) while none were ever stored."""
    version = repo.synonyms_version()
    if not version:
        return StoredSynonyms(0, fallback())
    return StoredSynonyms(version, tuple(tuple(g.terms) for g in repo.synonym_groups()))


class SynonymFollower:
    """Hands an index new synonym groups whenever the database's change counter moves."""

    def __init__(
        self,
        engine: Engine,
        apply: Callable[[Groups], None],
        fallback: Callable[[], Groups],
        version: int,
    ) -> None:
        """`version`: the counter the index's current groups were read at."""
        self.engine = engine
        self.apply = apply
        self.fallback = fallback
        self.version = version
        self._lock = threading.Lock()

    def sync(self) -> bool:
        """Reload the groups if they changed since the last look; whether they did."""
        # Read inside the lock, in a transaction begun there: a reload can then never
        # hand the index groups older than the ones another thread has just applied.
        with self._lock, transaction(self.engine, write=False) as session:
            repo = Repository(session)
            if repo.synonyms_version() == self.version:
                return False
            stored = read_synonyms(repo, self.fallback)
            self.apply(stored.groups)
            self.version = stored.version
            log.info("Synonym groups reloaded (version %s)", stored.version)
            return True


class IndexFeeder:
    """Applies the change feed to one SearchIndex; safe to call from several threads."""

    def __init__(
        self,
        engine: Engine,
        index: SearchIndex,
        clock: Callable[[], float] = time.monotonic,
        synonyms: SynonymFollower | None = None,
        lease: IndexLease | None = None,
    ) -> None:
        """`lease`: shared with the host's other processes; without one this feeder is the
        index's only writer."""
        self.engine = engine
        self.index = index
        self.clock = clock
        self.synonyms = synonyms
        self.lease = lease
        self._lock = threading.Lock()
        self._gaps = FeedGaps(self.clock)
        #: Numbers above the mark already applied (behind an open gap): not applied again.
        self._applied: set[int] = set()
        self._own_writes = -1  # changes_committed() when last caught up; -1: never
        self._backfilled = 0  # entries given meaning vectors since the backfill began
        self._backfill_started = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # one step -----------------------------------------------------------------------
    def poll(self) -> int:
        """One round of following: the synonym groups, then the change feed."""
        self.sync_synonyms()
        return self.catch_up()

    def sync_synonyms(self) -> bool:
        """Reload the synonym groups if they changed; whether they did."""
        return self.synonyms.sync() if self.synonyms is not None else False

    def catch_up(self, *, timeout: float = -1) -> int:
        """Apply every change after the mark; the number of entries touched. With a
        `timeout` (seconds) it gives up when another thread holds the index that long.
        A process that does not hold the lease applies nothing."""
        if not self.writes or not self._lock.acquire(timeout=timeout):
            return 0
        try:
            touched = 0
            while True:
                applied, more = self._step()
                touched += applied
                if not more:
                    return touched
        finally:
            self._lock.release()

    def _step(self) -> tuple[int, bool]:
        mark = self.index.high_water()
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            changes = repo.changes_after(mark, BATCH)
            if not changes:
                return 0, False
            seqs = [c.seq or 0 for c in changes]
            new_mark = self._gaps.advance(mark, seqs)
            fresh = [c for c in changes if (c.seq or 0) not in self._applied]
            if not fresh and new_mark == mark:
                return 0, False
            ids = list(dict.fromkeys(c.entry_id for c in fresh))
            standard_names = repo.standards_by_id(VISIBLE_STATES)
            upserts, deletes = self._collect(repo, ids, standard_names)
        self.index.apply(upserts, deletes, new_mark)
        self._applied = {n for n in self._applied | set(seqs) if n > new_mark}
        # Entries after a gap were applied but the mark stays before the gap; stop this
        # round there so they are not re-read in a tight loop.
        return len(ids), new_mark == seqs[-1] and len(changes) == BATCH

    def _collect(
        self, repo: Repository, ids: Iterable[str], standard_names: dict[str, str]
    ) -> tuple[list[IndexedEntry], list[str]]:
        upserts: list[IndexedEntry] = []
        deletes: list[str] = []
        wanted = list(ids)
        # One statement per 500 ids rather than one per id: a bulk import's thousands of
        # changes are read in a few round trips.
        stored: dict[str, Entry] = {}
        for start in range(0, len(wanted), 500):
            stored.update(repo.entries_by_id(wanted[start : start + 500]))
        for entry_id in wanted:
            entry = stored.get(entry_id)
            if entry is not None and entry.state in VISIBLE_STATES:
                upserts.append(indexed(entry, standard_names))
            else:
                deletes.append(entry_id)
        return upserts, deletes

    def backfill(self, limit: int = BACKFILL_BATCH) -> int:
        """Give up to `limit` indexed entries that have no meaning vector one (a rebuild
        and bulk writes leave them without, to be searchable sooner); how many it did.
        The encoding is done first, without holding the feed; then the entries are read
        afresh and applied like a change at the index's own mark, so a change applied
        meanwhile is never undone."""
        if not self.writes:
            return 0
        ids = self.index.lacking_meaning(limit)
        if not ids:
            if self._backfilled:
                # Every entry was rewritten: fold it all now, not in the middle of the
                # first writes to come (a merge holds up applies for seconds).
                self.index.merge(everything=True)
                log.info(
                    "Meaning vectors backfilled: %d entries in %.0f s",
                    self._backfilled,
                    self.clock() - self._backfill_started,
                )
                self._backfilled = 0
            return 0
        if not self._backfilled:
            self._backfill_started = self.clock()
        self.index.prepare(self._read(ids))
        if not self._lock.acquire(blocking=False):
            return 0
        try:
            # Entries gone from the database are the feed's to delete, not this.
            self.index.apply(self._read(ids), [], self.index.high_water(), encode=True)
            self._backfilled += len(ids)
            return len(ids)
        finally:
            self._lock.release()

    def _read(self, ids: list[str]) -> list[IndexedEntry]:
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            upserts, _ = self._collect(repo, ids, repo.standards_by_id(VISIBLE_STATES))
        return upserts

    # rebuilding ---------------------------------------------------------------------
    def rebuild(self, progress: Callable[[int], None] | None = None, encode: bool = False) -> int:
        """Rebuild the index from the database; the number of entries indexed. `encode`:
        with every meaning vector (else `backfill` adds them while the index is used)."""
        with self._lock:
            with transaction(self.engine, write=False) as session:
                repo = Repository(session)
                mark = repo.last_change()
            count = [0]

            def counted() -> Iterator[IndexedEntry]:
                for entry in self._visible():
                    count[0] += 1
                    yield entry

            self.index.rebuild(counted(), mark, progress, encode=encode)
            return count[0]

    def _visible(self) -> Iterator[IndexedEntry]:
        def convert(repo: Repository, rows: list[Entry]) -> list[IndexedEntry]:
            names = repo.standards_by_id(VISIBLE_STATES)
            return [indexed(e, names) for e in rows]

        return walk_published(self.engine, convert, batch=500)

    @property
    def writes(self) -> bool:
        """Whether this process applies the feed (it holds the lease, or there is none)."""
        return self.lease is None or self.lease.held

    def lead(self) -> bool:
        """Take the lease when it is free; whether this process now writes to the index."""
        return self.lease is None or self.lease.try_acquire()

    def ensure_fresh(self, recreated: bool) -> str:
        """Bring the index up to date at start-up: rebuild when it was recreated, is
        incomplete (a rebuild never finished) or is ahead of this database (it belongs to
        another one), else catch up. Only the lease holder does; others just read."""
        if not self.lead():
            return "read by this process; another process of this host feeds it"
        with transaction(self.engine, write=False) as session:
            last = Repository(session).last_change()
        if recreated or not self.index.ready() or self.index.high_water() > last:
            return f"rebuilt ({self.rebuild()} entries)"
        return f"caught up ({self.catch_up()} entries changed)"

    def wait_for_own_writes(self, timeout: float) -> bool:
        """`wait_for_feed`, when this process committed changes since it last caught up;
        otherwise at once. Searches ask this: the feed's last number cost a database
        round trip on every search (a tenth of its CPU), and writes of other processes
        and instances arrive within one poll anyway."""
        committed = changes_committed()
        if committed == self._own_writes:
            return True
        caught_up = self.wait_for_feed(timeout)
        if caught_up:
            # Everything committed before the feed was read is in the index now.
            self._own_writes = committed
        return caught_up

    def wait_for_feed(self, timeout: float) -> bool:
        """Wait, at most `timeout` seconds, until the index holds every change committed
        now (the lease holder applies it; a reader only watches): a client that wrote
        through this process then sees its write. Whether the index got there."""
        if self.writes:
            self.catch_up(timeout=timeout)
            return True
        with transaction(self.engine, write=False) as session:
            last = Repository(session).last_change()
        deadline = self.clock() + timeout
        while self.index.high_water() < last:
            if self.clock() >= deadline:
                return False
            time.sleep(0.01)
        return True

    # following ----------------------------------------------------------------------
    def start(self, interval: float = 0.25) -> None:
        """Follow the feed in a background thread until `stop`."""
        if self._thread is not None:
            return
        self._stop.clear()

        def follow() -> None:
            while not self._stop.wait(interval):
                try:
                    if self.writes:
                        # Writes add small segments; fold them here, off the write path,
                        # when a poll found nothing to apply (a write that comes during a
                        # merge waits for it).
                        if not self.poll():
                            self.index.merge(keep_first=self.backfill() > 0)
                        continue
                    self.sync_synonyms()
                    if self.lead():
                        # The holder died (or stopped): this process feeds the index now.
                        log.info("Took over feeding the search index: %s", self._take_over())
                except Exception:
                    log.exception("Applying the change feed failed; will retry")

        self._thread = threading.Thread(target=follow, name="index-feeder", daemon=True)
        self._thread.start()

    def _take_over(self) -> str:
        # The previous holder may have died in a rebuild: ensure_fresh sees it unfinished.
        return self.ensure_fresh(recreated=False)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self.lease is not None:
            self.lease.release()
