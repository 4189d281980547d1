"""`WhooshIndex`: the search index in a folder, kept in step with the change feed.

The index is a cache that can always be rebuilt from the database (Whoosh never calls
fsync), so anything wrong with the folder (missing, another schema version, other
spelling pairs, damaged files) is answered by recreating it empty with high-water mark 0;
`recreated` tells the caller to rebuild.

Searches run on a snapshot (a searcher and its in-memory data) that stays valid until no
search uses it, so `apply` in one thread never closes a reader under a search in another.
"""

import gc
import logging
import shutil
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import LockError
from whoosh.reading import ReaderClosed, SegmentReader
from whoosh.writing import CLEAR, NO_MERGE

from registry.search.analysis import Normaliser
from registry.search.meaning import MODEL_ID, Encoder
from registry.search.model import IndexedEntry, SearchQuery, SearchResult, Similar
from registry.search.query import SynonymTable
from registry.search.schema import (
    META_ID,
    SCHEMA_VERSION,
    build_schema,
    fields_for,
    meaning_text,
    meta_fields,
)
from registry.search.searching import search
from registry.search.similar import similar
from registry.search.snapshot import Segment, SegmentGone, Snapshot
from registry.search.synonyms import Synonyms
from registry.search.understanding import prepare

log = logging.getLogger(__name__)
T = TypeVar("T")

INDEX_NAME = "MAIN"
LOCK_TIMEOUT = 30.0
PROGRESS_EVERY = 500
#: Entries read together in a rebuild.
ENCODE_BATCH = 256
#: Writes of up to this many entries encode their meaning at once (a supplier's write is
#: found by meaning as soon as it answers); larger ones (a bulk import, a rebuild) are
#: searchable by their words at once and get their vectors from `IndexFeeder.backfill`,
#: at about 100 entries per CPU second, off the path from a write to its being found.
ENCODE_INLINE = 32
CHECK_INTERVAL = 1.0
#: Tries at opening a view while merges delete the files of the segments they fold.
OPEN_ATTEMPTS = 3
#: Answers of `similar` kept for the current index generation.
SIMILAR_CACHE = 4096
#: Every write adds a small segment, and each segment costs every search a little: past
#: this many, `merge` folds the small ones together.
MERGE_SEGMENTS = 5
#: How much bigger than the segments merged after it a segment must be to be left alone.
MERGE_RATIO = 4
#: ... and past this share of deleted documents, everything into one.
MERGE_DELETED = 0.1


class WhooshIndex:
    """The registry's search index, stored by Whoosh in `folder`."""

    def __init__(
        self,
        folder: Path,
        synonyms: Synonyms,
        lock_timeout: float = LOCK_TIMEOUT,
        check_interval: float = CHECK_INTERVAL,
        seed: Path | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        """Open the index in `folder`, or create it there (see `recreated`).

        `lock_timeout`: seconds a commit waits for another process's writer.
        `check_interval`: seconds between checks for commits by other processes.
        `seed`: a copy of another instance's index (`export`) to start from when `folder`
        holds no usable index: it carries its high-water mark, so the change feed then
        brings it up to date without a rebuild. Ignored when it cannot be used either.
        `encoder`: gives each entry a meaning vector, which search blends with its word
        matches (see `searching`); without one, search matches words only.
        """
        self.folder = Path(folder)
        self.synonyms = synonyms
        self.lock_timeout = lock_timeout
        self.check_interval = check_interval
        self.encoder = encoder
        meaning = f":{MODEL_ID}" if encoder is not None else ""
        self.fingerprint = f"v{SCHEMA_VERSION}:{synonyms.spelling_fingerprint()}{meaning}"
        self.normaliser = Normaliser(synonyms.spellings)
        self.synonym_table = SynonymTable(synonyms.groups, self.normaliser)
        self._lock = threading.Lock()  # guards the current snapshot
        self._segments_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._segments: dict[str, Segment] = {}
        self._similar_lock = threading.Lock()
        self._similar_generation = -1
        self._similar: dict[tuple[Any, ...], list[Similar]] = {}
        self._current: Snapshot | None = None
        self._stale = False
        self._checked = 0.0
        self._closed = False
        self._recreated = False
        self._ix: Any = None
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._open_existing():
            return
        if seed is not None and self._copy_seed(Path(seed)) and self._open_existing():
            log.info("Search index in %s started from the copy in %s", self.folder, seed)
            return
        self._recreate()

    def _open_existing(self) -> bool:
        """Open the index already in the folder; False when there is none that can be used."""
        if not any(self.folder.glob(f"_{INDEX_NAME}_*.toc")):
            log.info("Creating a search index in %s", self.folder)
            return False
        # Whoosh leaves files open when it fails on damaged ones: collect them here rather
        # than let a ResourceWarning surface later, far from the cause.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                self._ix = whoosh_index.open_dir(str(self.folder), indexname=INDEX_NAME)
                self._current = self._open_snapshot()
                if self._current.meta.get("fingerprint") != self.fingerprint:
                    raise ValueError("built by another schema version or spelling list")
                return True
            except Exception as exc:  # noqa: BLE001 - damaged files raise anything from pickle to zlib
                # A string, not the exception: its traceback would keep the files open.
                problem = f"{type(exc).__name__}: {exc}"
                log.warning("Recreating the search index in %s: %s", self.folder, problem)
            finally:
                gc.collect()
        return False

    def _copy_seed(self, seed: Path) -> bool:
        if not any(seed.glob(f"_{INDEX_NAME}_*.toc")):
            log.warning("No search index to start from in %s", seed)
            return False
        self._close_files()
        self._remove_index_files()
        for path in seed.iterdir():
            if path.is_file() and _is_index_file(path.name):
                shutil.copy2(path, self.folder / path.name)
        return True

    def export(self, destination: Path) -> int:
        """Copy the index as of its latest commit into `destination` (a new or empty
        folder), for another instance to start from (`seed`); its high-water mark. Writes
        by this and other processes wait meanwhile, so the copy is one commit's files."""
        destination = Path(destination)
        destination.mkdir(parents=True, exist_ok=True)
        with self._write_lock:
            self._check_open()
            writer = self._writer()  # holds Whoosh's lock on the folder
            try:
                generation = self._ix.latest_generation()
                toc = f"_{INDEX_NAME}_{generation}.toc"
                names = [toc, *(f for s in self._ix._segments() for f in _segment_files(self, s))]
                for name in names:
                    shutil.copy2(self.folder / name, destination / name)
                opened = whoosh_index.open_dir(str(destination), indexname=INDEX_NAME)
                try:
                    with opened.searcher() as searcher:
                        stored = searcher.document(id=META_ID)
                finally:
                    opened.close()
            finally:
                writer.cancel()
        meta = stored.get("meta") if stored else None
        return int(meta.get("high_water", 0)) if isinstance(meta, dict) else 0

    @property
    def recreated(self) -> bool:
        """True when the constructor found no usable index and created an empty one."""
        return self._recreated

    # Reading

    def search(self, query: SearchQuery) -> SearchResult:
        table = self.synonym_table
        return self._read(lambda s: search(s, query, self.normaliser, table, self.encoder))

    def similar(
        self, document: Mapping[str, Any], limit: int = 5, exclude: str | None = None
    ) -> list[Similar]:
        """Likely duplicates of `document`. Entry pages ask for the same ones on every view
        and submissions repeat a draft's: answers are kept per index generation."""
        key = (_similar_key(document), limit, exclude)

        def find(snapshot: Snapshot) -> list[Similar]:
            with self._similar_lock:
                if self._similar_generation != snapshot.generation:
                    self._similar_generation = snapshot.generation
                    self._similar.clear()
                found = self._similar.get(key)
            if found is None:
                found = similar(snapshot, self.normaliser, document, limit, exclude)
                with self._similar_lock:
                    if self._similar_generation == snapshot.generation:
                        if len(self._similar) >= SIMILAR_CACHE:
                            self._similar.clear()
                        self._similar[key] = found
            return list(found)

        return self._read(find)

    def high_water(self) -> int:
        """The last change-feed sequence applied, as committed inside the index."""
        return self._read(lambda s: s.high_water)

    def count(self) -> int:
        """Entries in the index, whatever their state."""
        return self._read(lambda s: s.count)

    def ready(self) -> bool:
        """Whether the index holds every entry: False after it was recreated empty, until a
        rebuild commits (searches meanwhile would present partial results as complete)."""
        return self._read(lambda s: s.meta.get("complete", True) is True)

    def set_synonym_groups(self, groups: Sequence[Sequence[str]]) -> None:
        """Use these synonym groups from the next search on. Groups expand at query time,
        so nothing is re-indexed; a search already running keeps the table it started with."""
        table = SynonymTable(groups, self.normaliser)
        synonyms = replace(self.synonyms, groups=tuple(tuple(g) for g in groups))
        with self._lock:
            self.synonym_table = table
            self.synonyms = synonyms

    # Writing

    def apply(
        self,
        upserts: Sequence[IndexedEntry],
        deletes: Sequence[str],
        high_water: int,
        encode: bool | None = None,
    ) -> None:
        """Delete, then (re)add, in one writer commit that also records `high_water`.

        An id both deleted and upserted ends up present; of several upserts of one id the
        last wins. TimeoutError when another process holds the writer lock too long.
        `encode`: whether to encode meaning vectors now (None: for up to ENCODE_INLINE
        entries); those not encoded are left to `lacking_meaning` and a later apply.
        """
        latest = {entry.id: entry for entry in upserts}
        if encode is None:
            encode = len(latest) <= ENCODE_INLINE
        with self._write_lock:
            self._check_open()
            complete = self.ready()
            writer = self._writer()
            try:
                with writer.searcher() as searcher:
                    for entry_id in {*deletes, *latest, META_ID}:
                        writer.delete_by_term("id", entry_id, searcher=searcher)
                for document in self._documents(list(latest.values()), encode):
                    writer.add_document(**document)
                writer.add_document(**meta_fields(high_water, self.fingerprint, complete))
            except BaseException:
                writer.cancel()
                raise
            # Merging is left to `merge`, off the path from a write to its being searchable.
            writer.commit(mergetype=NO_MERGE)
            self._replace_snapshot()

    def merge(self, keep_first: bool = False, everything: bool = False) -> bool:
        """Fold the small segments that writes add, once there are more than
        MERGE_SEGMENTS: the newest ones, back to one at least MERGE_RATIO times their
        size, so each document is rewritten a few times over its life, not on every merge.
        Everything into one when the first segment holds too many deleted documents or is
        smaller than the rest, unless `keep_first` (while a backfill rewrites every entry
        in turn, the first segment's deletions would fold everything every tenth of the
        way). `everything`: fold every segment into one, however few (when a backfill has
        rewritten every entry). Searches use the current snapshot meanwhile. Whether it
        merged."""
        current = self._current
        if not everything and current is not None and len(current.leaves) <= MERGE_SEGMENTS:
            # The view of this process's last commit has few segments. Asked on every
            # idle poll, reading the table of contents again (which unpickles the schema)
            # cost the server a steady 2-4% of a core doing nothing.
            return False
        with self._write_lock:
            self._check_open()
            segments = self._ix._segments()
            if len(segments) <= (1 if everything else MERGE_SEGMENTS):
                return False
            sizes = [s.doc_count_all() for s in segments]
            first = segments[0]
            whole = sum(sizes[1:]) > sizes[0] or first.deleted_count() > MERGE_DELETED * sizes[0]
            if everything or (whole and not keep_first):
                start = 0
            else:
                start = len(sizes) - 1
                while start > 1 and sizes[start - 1] < MERGE_RATIO * sum(sizes[start:]):
                    start -= 1
            writer = self._writer()
            writer.commit(mergetype=_merge_from(start))
            self._replace_snapshot()
            return True

    def rebuild(
        self,
        entries: Iterable[IndexedEntry],
        high_water: int,
        progress: Callable[[int], None] | None = None,
        encode: bool = False,
    ) -> None:
        """Replace every document in one commit; searches see the old index until then.

        `encode`: give every entry its meaning vector now; otherwise only those this
        process has already encoded get one, and `IndexFeeder.backfill` does the rest
        while the index is in use (a rebuild of 100,000 entries would otherwise take
        about 15 minutes more).

        `progress` is called with the number of entries indexed so far, every
        `PROGRESS_EVERY` entries and once at the end. Repeated ids after the first are
        skipped. If `entries` raises, the old index is left as it was.
        """
        with self._write_lock:
            self._check_open()
            writer = self._writer(limitmb=128)
            seen: set[str] = set()
            try:
                batch: list[IndexedEntry] = []
                for entry in entries:
                    if entry.id in seen:
                        continue
                    seen.add(entry.id)
                    batch.append(entry)
                    if len(batch) == ENCODE_BATCH:
                        for document in self._documents(batch, encode):
                            writer.add_document(**document)
                        batch.clear()
                    if progress is not None and len(seen) % PROGRESS_EVERY == 0:
                        progress(len(seen))
                for document in self._documents(batch, encode):
                    writer.add_document(**document)
                writer.add_document(**meta_fields(high_water, self.fingerprint))
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=CLEAR)
            self._replace_snapshot()
        if progress is not None:
            progress(len(seen))

    def lacking_meaning(self, limit: int) -> list[str]:
        """Ids of up to `limit` entries without a meaning vector (none without an encoder)."""
        if self.encoder is None:
            return []
        return self._read(lambda snapshot: snapshot.lacking_meaning(limit))

    def prepare(self, entries: Sequence[IndexedEntry]) -> None:
        """Encode the meaning of `entries` ahead of an `apply`, without holding the index,
        so that the apply only picks the vectors up."""
        if self.encoder is not None:
            self.encoder.stored([meaning_text(entry) for entry in entries])

    def _documents(self, entries: Sequence[IndexedEntry], encode: bool) -> list[dict[str, Any]]:
        """The Whoosh documents of `entries`, with meaning vectors: all of them when
        `encode`, else those this process has already encoded."""
        if self.encoder is None:
            return [fields_for(entry) for entry in entries]
        texts = [meaning_text(entry) for entry in entries]
        vectors = self.encoder.stored(texts, encode=encode)
        return [fields_for(e, v) for e, v in zip(entries, vectors, strict=True)]

    def close(self) -> None:
        with self._write_lock, self._lock:
            if self._closed:
                return
            self._closed = True
            if self._current is not None:
                self._retire(self._current)
                self._current = None
            self._ix.close()

    def _writer(self, **options: Any) -> Any:
        try:
            # Compound segment files are read through a memory map of the whole file, one
            # per reader and snapshot; separate files are read as needed.
            return self._ix.writer(
                timeout=self.lock_timeout, codec=_CODEC, **{"compound": False, **options}
            )
        except LockError:
            raise TimeoutError(
                f"the search index in {self.folder} is locked by another writer"
            ) from None

    # Snapshots

    def _read(self, action: Callable[[Snapshot], T]) -> T:
        for attempt in (1, 2):
            with self._lock:
                self._check_open()
                snapshot = self._fresh()
                snapshot.users += 1
            try:
                return action(snapshot)
            except ReaderClosed:
                # Not expected (snapshots close only when unused), but cheap to survive.
                if attempt == 2:
                    raise
                self._mark_stale()
            finally:
                with self._lock:
                    snapshot.users -= 1
                    if snapshot.retired and not snapshot.users:
                        snapshot.close()
        raise AssertionError("unreachable")

    def _fresh(self) -> Snapshot:
        current = self._current
        now = time.monotonic()
        if current is not None and not self._stale and now - self._checked >= self.check_interval:
            self._checked = now
            # Another process may have committed to the same folder.
            self._stale = self._ix.latest_generation() != current.generation
        if current is None or self._stale:
            self._stale = False
            replacement = self._open_snapshot(current)
            if current is not None:
                self._retire(current)
            self._current = current = replacement
        return current

    def _open_snapshot(self, previous: Snapshot | None = None) -> Snapshot:
        for attempt in range(1, OPEN_ATTEMPTS + 1):
            try:
                with self._segments_lock:
                    snapshot = Snapshot(self._ix, self._segments, previous)
                    for key in [k for k in self._segments if k not in snapshot.segment_keys]:
                        del self._segments[key]
                return snapshot
            except SegmentGone:
                # A merge committed between reading the table of contents and opening
                # the files: the next table of contents no longer names that segment.
                if attempt == OPEN_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def _replace_snapshot(self) -> None:
        # Built in the writer's thread, so searches keep using the old snapshot meanwhile
        # and never pay for opening the new one.
        try:
            snapshot = self._open_snapshot(self._current)
            snapshot.warm()
            prepare(snapshot, self.normaliser)
        except Exception:
            log.exception("Could not open the search index after a commit")
            self._mark_stale()
            return
        with self._lock:
            if self._current is not None:
                self._retire(self._current)
            self._current = snapshot
            self._stale = False

    def _remove_index_files(self) -> None:
        for path in self.folder.iterdir():
            if path.is_file() and _is_index_file(path.name):
                path.unlink()

    def _retire(self, snapshot: Snapshot) -> None:
        snapshot.retired = True
        if not snapshot.users:
            snapshot.close()

    def _mark_stale(self) -> None:
        with self._lock:
            self._stale = True

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the search index is closed")

    # Recreating

    def _close_files(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    def _recreate(self) -> None:
        self._close_files()
        self._remove_index_files()
        self._segments.clear()
        self._ix = whoosh_index.create_in(
            str(self.folder), build_schema(self.synonyms.spellings), indexname=INDEX_NAME
        )
        writer = self._writer()
        writer.add_document(**meta_fields(0, self.fingerprint, complete=False))
        writer.commit()
        self._current = self._open_snapshot()
        self._recreated = True


class _Codec(W3Codec):  # type: ignore[misc]
    """Whoosh's codec without per-block length statistics: only Whoosh's own scorers read
    them (searches here score from the cards), and writing them reads every posting's
    document length back from disk, a sixth of the time an index build takes."""

    length_stats = False


#: Postings blocks are not compressed: a tenth faster to build and to read, for 40% more
#: disk.
_CODEC = _Codec(compression=0)


def _is_index_file(name: str) -> bool:
    return name.startswith((f"_{INDEX_NAME}_", f"{INDEX_NAME}_")) or name.endswith(
        (".toc", ".seg", ".trm", ".pst", ".fdt", ".fdi", ".col")
    )


def _segment_files(index: WhooshIndex, segment: Any) -> list[str]:
    """The files of one segment: the compound file, or the separate ones."""
    prefix = f"{segment.segment_id()}."
    return sorted(p.name for p in index.folder.iterdir() if p.name.startswith(prefix))


def _merge_from(start: int) -> Callable[[Any, list[Any]], list[Any]]:
    """Merge policy: the segments from `start` on into the new one. The ones before keep
    their documents' numbers, so the next snapshot patches their tables instead of
    rebuilding them (Whoosh's own policy sorts segments by size, renumbering everything)."""

    def policy(writer: Any, segments: list[Any]) -> list[Any]:
        for segment in segments[start:]:
            _add_segment(writer, segment)
        return segments[:start]

    return policy


def _add_segment(writer: Any, segment: Any) -> None:
    reader = SegmentReader(writer.storage, writer.schema, segment)
    try:
        writer.add_reader(reader)
    finally:
        reader.close()


def _similar_key(document: Mapping[str, Any]) -> tuple[Any, ...]:
    """What `similar` reads of a document: its name, aliases and summary."""
    aliases = document.get("aliases")
    return (
        str(document.get("name", "")),
        tuple(str(a) for a in aliases) if isinstance(aliases, list) else (),
        str(document.get("summary", "")),
    )
