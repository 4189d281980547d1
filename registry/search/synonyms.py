"""Spelling variants and synonym groups: data from `seed/synonyms.yaml`, read once."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.documents import read_file


@dataclass(frozen=True)
class Synonyms:
    """Terms that mean the same, and British/American spelling pairs."""

    groups: tuple[tuple[str, ...], ...] = ()
    spellings: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_document(cls, document: Any) -> "Synonyms":
        """From a parsed synonyms file: `{spellings: {british: american}, groups: [[...]]}`."""
        if not isinstance(document, Mapping):
            raise ValueError("synonyms: expected a mapping with 'spellings' and 'groups'")
        unknown = sorted(str(k) for k in document if k not in ("spellings", "groups"))
        if unknown:
            raise ValueError(f"synonyms: unknown key(s) {', '.join(unknown)}")
        return cls(
            groups=_groups(document.get("groups") or []),
            spellings=_spellings(document.get("spellings") or {}),
        )

    @classmethod
    def load(cls, path: Path) -> "Synonyms":
        """Read a synonyms YAML file; ValueError (or OSError) when it can't be used."""
        try:
            return cls.from_document(read_file(path))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    def spelling_fingerprint(self) -> str:
        """Changes whenever the spelling pairs (and so the indexed terms) change."""
        text = json.dumps(sorted(self.spellings), separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _spellings(raw: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, Mapping):
        raise ValueError("synonyms: 'spellings' must map each British spelling to an American one")
    pairs = []
    for british, american in raw.items():
        if not _is_word(british) or not _is_word(american):
            raise ValueError(
                f"synonyms: spelling {british!r}: {american!r} must be two single words"
            )
        pairs.append((british.strip().lower(), american.strip().lower()))
    return tuple(pairs)


def _groups(raw: Any) -> tuple[tuple[str, ...], ...]:
    if not isinstance(raw, list):
        raise ValueError("synonyms: 'groups' must be a list of lists of terms")
    groups = []
    for index, group in enumerate(raw):
        terms = [str(t).strip() for t in group] if isinstance(group, list) else []
        valid = isinstance(group, list) and all(_is_term(t) for t in group)
        if not valid or len(terms) < 2 or not all(terms):
            raise ValueError(
                f"synonyms: groups[{index}] must be a list of at least two non-empty terms"
            )
        groups.append(tuple(t.lower() for t in terms))
    return tuple(groups)


def _is_term(value: Any) -> bool:
    # YAML reads `111` as a number; a boolean is never a term.
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _is_word(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and " " not in value.strip()
