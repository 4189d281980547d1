"""Checks shared by the importer tests: every imported document must be a valid entry."""

from registry.importers.base import FileResult
from registry.seeding import read_source
from registry.validation import EntryValidator
from registry.vocabularies import VocabularySet
from tests.builders import SEED_DIR, SHARED_DATA, validator

__all__ = ["SHARED_DATA", "assert_all_valid", "seed_vocabularies"]

_VALIDATOR: EntryValidator | None = None
_VOCABULARIES: VocabularySet | None = None


def seed_vocabularies() -> VocabularySet:
    """The seed's categories, care settings and standards: what imports are checked against."""
    global _VOCABULARIES
    if _VOCABULARIES is None:
        _VOCABULARIES = read_source(SEED_DIR).vocabulary_set()
    return _VOCABULARIES


def assert_all_valid(result: FileResult) -> None:
    """Every entry the importer produced passes the registry's own validation."""
    global _VALIDATOR
    _VALIDATOR = _VALIDATOR or validator()
    problems = []
    for item in result.entries:
        report = _VALIDATOR.validate(item.document, seed_vocabularies())
        problems += [f"{item.source}: {i.path}: {i.message}" for i in report.errors]
    assert problems == [], "\n".join(problems[:20])
