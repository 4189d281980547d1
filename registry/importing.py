"""Import use cases: run an importer over files, validate, find duplicates, report, store.

A dry run (the default) reports what would happen and writes nothing. With `apply`, the
operator's import publishes entries (each a revision attributed to the import and its
source file); a supplier's import through the API submits them for review instead.
A file that fails never stops the others, and running the same import twice changes
nothing the second time.
"""

import glob
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from registry.auth import Principal, Scope
from registry.db import transaction
from registry.duplicates import DuplicateFinder
from registry.errors import NotFound, RegistryError
from registry.importers import Importer
from registry.importers.base import FileResult, Imported, Rejected
from registry.models import Entry, Supplier, utcnow
from registry.repository import Repository
from registry.services import VISIBLE_STATES, EntryService, publish_document
from registry.validation import EntryValidator
from registry.views import EntryView

#: How many entries one write transaction stores when applying an operator import.
BATCH = 500


@dataclass
class Outcome:
    """What happened (or would happen) to one imported item."""

    source: str
    entry_id: str | None
    result: str  # created, updated, unchanged, kept, submitted, duplicate, rejected
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.entry_id,
            "result": self.result,
            "messages": self.messages,
        }


@dataclass
class ImportReport:
    format: str
    applied: bool
    files: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (source, message)

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def counts(self) -> dict[str, int]:
        names = ("created", "updated", "unchanged", "kept", "submitted", "duplicate", "rejected")
        return {name: self.count(name) for name in names}

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "applied": self.applied,
            "files": self.files,
            "counts": self.counts,
            "warnings": len(self.warnings),
            "items": [o.as_dict() for o in self.outcomes],
        }


def expand(paths: Sequence[str], suffixes: tuple[str, ...]) -> tuple[list[Path], list[str]]:
    """Files named by the arguments (files, folders walked for the format's suffixes, and
    glob patterns), in a stable order; plus the arguments that matched nothing."""
    found: list[Path] = []
    missing: list[str] = []
    for argument in paths:
        path = Path(argument)
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.name.lower().endswith(suffixes)
            )
        elif path.is_file():
            found.append(path)
        elif glob.has_magic(argument):
            matches = sorted(Path(p) for p in glob.glob(argument, recursive=True))
            files = [p for p in matches if p.is_file()]
            if files:
                found.extend(files)
            else:
                missing.append(argument)
        else:
            missing.append(argument)
    return list(dict.fromkeys(found)), missing


def read_files(
    importer: Importer, files: Iterable[Path], progress: Callable[[Path], None] | None = None
) -> Iterator[tuple[str, FileResult]]:
    """Each file's import result; a file that cannot be read or parsed is one rejection."""
    for path in files:
        if progress is not None:
            progress(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            yield str(path), FileResult(rejected=[Rejected(str(path), f"cannot be read: {exc}")])
            continue
        yield str(path), parse_safely(importer, text, str(path))


def parse_safely(importer: Importer, text: str, source: str) -> FileResult:
    try:
        return importer.parse(text, source)
    except Exception as exc:  # noqa: BLE001 - one broken file must never stop the others
        return FileResult(
            rejected=[Rejected(source, f"the {importer.name} importer failed: {exc!r}")]
        )


_ABSENT = object()


def _held(repo: Repository, entry: Entry | None, document: dict[str, Any]) -> str | None:
    """Why an operator import must leave a stored entry as it is, or None.

    An import refreshes what an import made; it never undoes a maintainer's curation
    (an edit, a deprecation, a merge) or publishes over an entry in review.
    """
    if entry is None or entry.document == document:
        return None
    if entry.state != "published":
        return f"the entry is {entry.state} in the registry; not overwritten by the import"
    if entry.pending_revision is not None:
        return "a change to the entry is in review; not overwritten by the import"
    head = repo.revision(entry.id, entry.head_revision)
    if head is not None and head.action != "import":
        return f"changed in the registry since it was imported ({head.action}); not overwritten"
    return None


def _other_source(document: dict[str, Any], stored: Any) -> str | None:
    """Why an import must not overwrite the stored entry with this id, or None.

    The same item can reach two formats (a project in both the DPG registry and a
    publiccode.yml) and get the same id; each import would then overwrite the other's
    version on every run. The first source keeps the entry; the other is a duplicate.
    """
    if stored is _ABSENT:
        return None
    mine = document.get("provenance") or {}
    if not isinstance(stored, dict):
        if not mine:
            return None
        return "an entry with this id exists and was not imported; not overwritten"
    if stored.get("format") != mine.get("format"):
        return f"already imported from {stored.get('format')} ({stored.get('source')})"
    return None


class ImportService:
    def __init__(self, engine: Engine, validator: EntryValidator, entries: EntryService) -> None:
        self.engine = engine
        self.validator = validator
        self.entries = entries

    def run(
        self,
        importer: Importer,
        results: Iterable[tuple[str, FileResult]],
        *,
        apply: bool,
        actor: Principal,
        supplier: str | None = None,
    ) -> ImportReport:
        """Validate and (with `apply`) store what the importer produced."""
        report = ImportReport(importer.name, apply)
        accepted = self._check(importer, results, report)
        if apply and actor.has(Scope.ADMIN):
            self._publish(importer, accepted, report, actor, supplier)
        elif apply:
            self._submit(importer, accepted, report, actor)
        else:
            self._preview(accepted, report)
        return report

    # checking ---------------------------------------------------------------------
    def _check(
        self, importer: Importer, results: Iterable[tuple[str, FileResult]], report: ImportReport
    ) -> list[Imported]:
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            vocabularies = self.entries.vocabulary_set(repo)
            finder, provenance = self._existing(repo)
        accepted: list[Imported] = []
        seen_ids: dict[str, Imported] = {}
        for name, result in results:
            report.files += 1
            report.warnings.extend((name, w) for w in result.warnings)
            for rejected in result.rejected:
                report.outcomes.append(
                    Outcome(rejected.source, None, "rejected", [rejected.reason])
                )
            for item in result.entries:
                report.warnings.extend((item.source, w) for w in item.warnings)
                problems = self.validator.validate(item.document, vocabularies).errors
                entry_id = item.document.get("id") if isinstance(item.document, dict) else None
                if problems:
                    messages = [f"{i.path or '/'}: {i.message}" for i in problems]
                    report.outcomes.append(Outcome(item.source, entry_id, "rejected", messages))
                    continue
                assert isinstance(entry_id, str)
                if entry_id in seen_ids:
                    same = seen_ids[entry_id].document == item.document
                    note = "an exact duplicate of" if same else "the same source key as"
                    report.outcomes.append(
                        Outcome(
                            item.source,
                            entry_id,
                            "duplicate",
                            [f"{note} {seen_ids[entry_id].source}"],
                        )
                    )
                    continue
                owner = _other_source(item.document, provenance.get(entry_id, _ABSENT))
                if owner is not None:
                    report.outcomes.append(Outcome(item.source, entry_id, "duplicate", [owner]))
                    continue
                clash = finder.find(item.document, exclude=entry_id)
                if clash is not None:
                    other, evidence = clash
                    report.outcomes.append(
                        Outcome(
                            item.source,
                            entry_id,
                            "duplicate",
                            [f"{evidence.describe()} as the entry '{other}'; not imported twice"],
                        )
                    )
                    continue
                seen_ids[entry_id] = item
                finder.add(entry_id, item.document)
                accepted.append(item)
        return accepted

    def _existing(self, repo: Repository) -> tuple[DuplicateFinder, dict[str, Any]]:
        """The stored entries, to find duplicates among, and each one's provenance."""
        finder = DuplicateFinder()
        provenance: dict[str, Any] = {}
        for entry in repo.visible_entries(VISIBLE_STATES):
            provenance[entry.id] = entry.document.get("provenance")
            finder.add(entry.id, entry.document)
        return finder, provenance

    # storing ----------------------------------------------------------------------
    def _preview(self, accepted: list[Imported], report: ImportReport) -> None:
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            for item in accepted:
                entry = repo.entry(item.document["id"])
                if entry is None:
                    result = "created"
                elif entry.document == item.document and entry.state in VISIBLE_STATES:
                    result = "unchanged"
                else:
                    result = "updated"
                report.outcomes.append(Outcome(item.source, item.document["id"], result))

    def _publish(
        self,
        importer: Importer,
        accepted: list[Imported],
        report: ImportReport,
        actor: Principal,
        supplier: str | None,
    ) -> None:
        supplier_id = self._supplier_id(supplier, actor) if supplier else None
        for start in range(0, len(accepted), BATCH):
            batch = accepted[start : start + BATCH]
            with transaction(self.engine) as session:
                repo = Repository(session)
                stored = repo.entries_by_id([i.document["id"] for i in batch], for_update=True)
                for item in batch:
                    current = stored.get(item.document["id"])
                    held = _held(repo, current, item.document)
                    if held is not None:
                        report.outcomes.append(
                            Outcome(item.source, item.document["id"], "kept", [held])
                        )
                        continue
                    result = publish_document(
                        repo,
                        item.document,
                        actor,
                        "import",
                        f"Imported from {item.source} ({importer.name})",
                        supplier_id,
                        current=current,
                    )
                    report.outcomes.append(Outcome(item.source, item.document["id"], result))

    def _supplier_id(self, name: str, actor: Principal) -> int:
        with transaction(self.engine) as session:
            repo = Repository(session)
            supplier = repo.supplier_by_name(name)
            if supplier is None:
                supplier = Supplier(name=name, created_at=utcnow())
                repo.add(supplier)
                repo.audit(actor.label, "supplier.create", None, {"supplier": name})
            assert supplier.id is not None
            return supplier.id

    def _submit(
        self, importer: Importer, accepted: list[Imported], report: ImportReport, actor: Principal
    ) -> None:
        """A supplier's import: new entries become submissions, changes to its own entries
        become proposals; each entry in its own transaction."""
        for item in accepted:
            entry_id = item.document["id"]
            reason = f"Imported from {item.source} ({importer.name})"
            try:
                current = self._current(entry_id, actor)
                if current is None:
                    self.entries.create(item.document, actor, reason)
                elif current.document == item.document and current.pending is None:
                    report.outcomes.append(Outcome(item.source, entry_id, "unchanged"))
                    continue
                else:
                    self.entries.update(entry_id, item.document, actor, [current.etag], reason)
                self.entries.act(entry_id, "submit", actor, reason)
            except RegistryError as exc:
                report.outcomes.append(Outcome(item.source, entry_id, "rejected", [exc.detail]))
                continue
            report.outcomes.append(Outcome(item.source, entry_id, "submitted"))

    def _current(self, entry_id: str, actor: Principal) -> EntryView | None:
        try:
            return self.entries.get(entry_id, actor)
        except NotFound:
            return None
