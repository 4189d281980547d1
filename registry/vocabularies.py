"""Controlled vocabularies: categories and care settings (data in seed/), and the standards.

Standards are entries of kind `standard`; the `standards` vocabulary is derived from them
so there is one source of truth.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Vocabularies stored as term lists; `standards` is derived from entries.
TERM_VOCABULARIES = ("categories", "care-settings")
ALL_VOCABULARIES = (*TERM_VOCABULARIES, "standards")


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    description: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "label": self.label, "description": self.description}


@dataclass(frozen=True)
class Vocabulary:
    name: str
    title: str
    terms: tuple[Term, ...]

    def ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.terms)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "terms": [t.as_dict() for t in self.terms]}


class VocabularyError(ValueError):
    """A vocabulary file that does not have the expected shape."""


def vocabulary_from_document(document: Any, source: str) -> Vocabulary:
    if not isinstance(document, dict):
        raise VocabularyError(f"{source}: a vocabulary must be a mapping with name, title, terms")
    name, title, terms = document.get("name"), document.get("title"), document.get("terms")
    if name not in TERM_VOCABULARIES:
        raise VocabularyError(f"{source}: name must be one of {', '.join(TERM_VOCABULARIES)}")
    if not isinstance(title, str) or not isinstance(terms, list):
        raise VocabularyError(f"{source}: title must be text and terms a list")
    parsed: list[Term] = []
    seen: set[str] = set()
    for index, raw in enumerate(terms):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise VocabularyError(f"{source}: /terms/{index} needs an id")
        if raw["id"] in seen:
            raise VocabularyError(f"{source}: /terms/{index} repeats the id {raw['id']!r}")
        seen.add(raw["id"])
        parsed.append(
            Term(raw["id"], str(raw.get("label", raw["id"])), str(raw.get("description", "")))
        )
    return Vocabulary(name, title, tuple(parsed))


def standards_in(documents: Iterable[Any]) -> dict[str, str]:
    """id -> name of the `kind: standard` entries among the documents."""
    return {
        d["id"]: str(d.get("name", d["id"]))
        for d in documents
        if isinstance(d, dict) and d.get("kind") == "standard" and isinstance(d.get("id"), str)
    }


@dataclass(frozen=True)
class VocabularySet:
    """What a document's references are checked against."""

    categories: frozenset[str] = frozenset()
    care_settings: frozenset[str] = frozenset()
    standards: Mapping[str, str] = field(default_factory=dict)  # id -> name

    @classmethod
    def build(
        cls, vocabularies: Iterable[Vocabulary], standards: Mapping[str, str]
    ) -> "VocabularySet":
        by_name = {v.name: v for v in vocabularies}
        empty = Vocabulary("", "", ())
        return cls(
            categories=by_name.get("categories", empty).ids(),
            care_settings=by_name.get("care-settings", empty).ids(),
            standards=dict(standards),
        )

    def with_standards(self, extra: Mapping[str, str]) -> "VocabularySet":
        return VocabularySet(self.categories, self.care_settings, {**self.standards, **extra})
