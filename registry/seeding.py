"""Loading seed content (and exports) into the registry, and exporting it again.

A seed source is a folder laid out like `seed/` (`vocabularies/*.yaml`, `entries/*.yaml`,
`synonyms.yaml`) or one file holding `vocabularies:`, `entries:` and/or `synonyms:` (what
`registry export` writes). Everything is validated as one batch before anything is
written; loading the same source twice changes nothing. Maintainers edit vocabularies and
synonym groups on the admin pages, so seeding does not overwrite them: it only adds
vocabulary terms that are not stored and that no maintainer removed, and stores synonym
groups only when none ever were.
"""

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from registry.auth import OPERATOR, Principal
from registry.db import transaction
from registry.documents import entries_in, read_file
from registry.errors import Issue
from registry.repository import Repository
from registry.search import Synonyms
from registry.services import VISIBLE_STATES, EntryService, publish_document
from registry.validation import EntryValidator
from registry.vocabularies import (
    Vocabulary,
    VocabularySet,
    standards_in,
    vocabulary_from_document,
)
from registry.vocabulary_admin import Groups, seed_groups


@dataclass
class SeedProblem:
    source: str
    issue: Issue

    def __str__(self) -> str:
        return f"{self.source}: {self.issue.path or '/'}: {self.issue.message}"


class SeedError(ValueError):
    """The seed source has problems; nothing was written."""

    def __init__(self, problems: list[SeedProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class SeedResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    vocabularies: int = 0
    synonym_groups: int = 0  # stored now (only when none ever were)
    warnings: list[SeedProblem] = field(default_factory=list)


@dataclass(frozen=True)
class SeedSource:
    vocabularies: list[Vocabulary]
    entries: list[tuple[str, Any]]  # (where it came from, document)
    synonym_groups: Groups | None = None  # from a folder's synonyms.yaml

    def vocabulary_set(self) -> VocabularySet:
        """What documents are checked against when only this source is known."""
        return VocabularySet.build(self.vocabularies, standards_in(d for _, d in self.entries))


def read_source(path: Path) -> SeedSource:
    """Read a seed folder or an export file; malformed files raise SeedError."""
    problems: list[SeedProblem] = []
    vocabularies: list[Vocabulary] = []
    entries: list[tuple[str, Any]] = []
    synonym_groups: Groups | None = None

    def load(file: Path) -> Any:
        try:
            return read_file(file)
        except (OSError, ValueError) as exc:
            problems.append(SeedProblem(str(file), Issue("", str(exc))))
            return None

    if path.is_dir():
        for file in _files(path / "vocabularies"):
            document = load(file)
            if document is not None:
                _add_vocabulary(document, str(file), vocabularies, problems)
        for file in _files(path / "entries"):
            document = load(file)
            if document is not None:
                entries.extend(
                    (f"{file}#/entries/{i}", e) for i, e in enumerate(entries_in(document))
                )
        synonyms_file = path / "synonyms.yaml"
        document = load(synonyms_file) if synonyms_file.is_file() else None
        if document is not None:
            try:
                synonym_groups = Synonyms.from_document(document).groups
            except ValueError as exc:
                problems.append(SeedProblem(str(synonyms_file), Issue("", str(exc))))
    elif path.is_file():
        document = load(path)
        if isinstance(document, dict):
            for index, vocabulary in enumerate(document.get("vocabularies") or []):
                _add_vocabulary(vocabulary, f"{path}#/vocabularies/{index}", vocabularies, problems)
            raw = document.get("entries") or []
            entries.extend((f"{path}#/entries/{i}", e) for i, e in enumerate(raw))
            if document.get("synonyms") is not None:
                try:
                    synonym_groups = Synonyms.from_document(document["synonyms"]).groups
                except ValueError as exc:
                    problems.append(SeedProblem(f"{path}#/synonyms", Issue("", str(exc))))
        elif document is not None:
            entries.extend((f"{path}#/{i}", e) for i, e in enumerate(entries_in(document)))
    else:
        problems.append(SeedProblem(str(path), Issue("", "No such file or folder.")))
    if problems:
        raise SeedError(problems)
    return SeedSource(vocabularies, entries, synonym_groups)


def _files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        yield from sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def _add_vocabulary(
    document: Any, source: str, into: list[Vocabulary], problems: list[SeedProblem]
) -> None:
    try:
        into.append(vocabulary_from_document(document, source))
    except ValueError as exc:
        problems.append(SeedProblem(source, Issue("", str(exc))))


def merge_terms(
    stored: Vocabulary | None, seed: Vocabulary, removed: Collection[str] = ()
) -> Vocabulary:
    """The stored vocabulary with the seed's new terms appended. Terms already stored keep
    their labels and descriptions, none is removed, and a term maintainers removed is not
    added back: they edit vocabularies on the admin pages, and re-seeding must not undo
    that or break entries using a term."""
    if stored is None:
        return seed
    added = tuple(
        term for term in seed.terms if term.id not in stored.ids() and term.id not in removed
    )
    return Vocabulary(stored.name, stored.title, stored.terms + added)


class Seeder:
    def __init__(self, engine: Engine, validator: EntryValidator, entries: EntryService) -> None:
        self.engine = engine
        self.validator = validator
        self.entries = entries

    def is_empty(self) -> bool:
        with transaction(self.engine, write=False) as session:
            return not Repository(session).count_entries_by_state()

    def load(self, source: SeedSource, actor: Principal = OPERATOR) -> SeedResult:
        """Publish every entry of the source; validated as one batch, written in one go."""
        result = SeedResult()
        with transaction(self.engine) as session:
            repo = Repository(session)
            removed = repo.removed_terms() if source.vocabularies else {}
            for vocabulary in source.vocabularies:
                current = repo.vocabulary(vocabulary.name)
                merged = merge_terms(current, vocabulary, removed.get(vocabulary.name, set()))
                if merged != current:
                    repo.replace_vocabulary(merged)
                    known_ids = current.ids() if current else frozenset()
                    repo.audit(
                        actor.label,
                        "vocabulary.seed",
                        None,
                        {
                            "vocabulary": vocabulary.name,
                            "added": [t.id for t in merged.terms if t.id not in known_ids],
                        },
                    )
                    result.vocabularies += 1
            if source.synonym_groups is not None:
                result.synonym_groups = seed_groups(repo, source.synonym_groups, actor)
            session.flush()
            known = self.entries.vocabulary_set(repo)
            documents = [d for _, d in source.entries]
            reports = self.validator.validate_batch(documents, known)
            problems = [
                SeedProblem(where, issue)
                for (where, _), report in zip(source.entries, reports, strict=True)
                for issue in report.issues
            ]
            errors = [p for p in problems if p.issue.severity == "error"]
            if errors:
                raise SeedError(errors)
            result.warnings = problems
            stored = repo.entries_by_id([d["id"] for d in documents], for_update=True)
            for document in documents:
                outcome = publish_document(
                    repo,
                    document,
                    actor,
                    "seed",
                    "Loaded from seed content",
                    current=stored.get(document["id"]),
                )
                if outcome == "created":
                    result.created += 1
                elif outcome == "updated":
                    result.updated += 1
                else:
                    result.unchanged += 1
        self.entries.vocabularies.clear()
        return result

    def export(self) -> dict[str, Any]:
        """Every published entry, the vocabularies and the stored synonym groups, as one
        document `load` accepts."""
        with transaction(self.engine, write=False) as session:
            repo = Repository(session)
            exported: dict[str, Any] = {
                "vocabularies": [v.as_dict() for v in repo.vocabularies()],
                "entries": [e.document for e in repo.visible_entries(VISIBLE_STATES)],
            }
            if repo.synonyms_version():
                exported["synonyms"] = {"groups": [g.terms for g in repo.synonym_groups()]}
            return exported
