"""Spelling variants and synonym groups, and the rules every synonym group must meet.

Spellings come from `seed/synonyms.yaml` and are read once (they change how text is
indexed). Groups start in the same file but are stored in the database once seeded, so
maintainers can edit them; `clean_group` and `overlap` are the rules for both sources.
"""

import hashlib
import json
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.documents import read_file
from registry.search.analysis import Normaliser
from registry.search.query import MAX_SYNONYM_WORDS

#: Longest synonym term, in characters.
MAX_TERM_CHARS = 100
#: Most terms in one group.
MAX_GROUP_TERMS = 20
#: Most groups: each query is matched against all of them.
MAX_GROUPS = 1000

Group = tuple[str, ...]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Spelling pairs are left out on purpose: they are data, and groups are checked before
# the index (with its pairs) is known; -ize/-ise folding and stemming are built in.
_PLAIN = Normaliser()


_LOADED: dict[tuple[str, int, int], "Synonyms"] = {}
_LOADED_LOCK = threading.Lock()


@dataclass(frozen=True)
class Synonyms:
    """Terms that mean the same, and British/American spelling pairs."""

    groups: tuple[Group, ...] = ()
    spellings: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_document(cls, document: Any) -> "Synonyms":
        """From a parsed synonyms file: `{spellings: {british: american}, groups: [...]}`,
        each group a list of terms or `{terms: [...], source: "where it comes from"}`."""
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
        """Read a synonyms YAML file; ValueError (or OSError) when it can't be used.

        Kept per file version (path, size, modification time): every app and index
        built in one process reads the same file, and parsing it takes a fifth of a
        second."""
        stat = Path(path).stat()
        key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)
        with _LOADED_LOCK:
            found = _LOADED.get(key)
        if found is None:
            try:
                found = cls.from_document(read_file(path))
            except ValueError as exc:
                raise ValueError(f"{path}: {exc}") from None
            with _LOADED_LOCK:
                _LOADED[key] = found
        return found

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


def _groups(raw: Any) -> tuple[Group, ...]:
    if not isinstance(raw, list):
        raise ValueError("synonyms: 'groups' must be a list of lists of terms")
    if len(raw) > MAX_GROUPS:
        raise ValueError(f"synonyms: there are more than {MAX_GROUPS} groups")
    groups: list[Group] = []
    for index, group in enumerate(raw):
        if isinstance(group, Mapping):
            group = _sourced(group, index)
        terms = [str(t).strip() for t in group] if isinstance(group, list) else []
        valid = isinstance(group, list) and all(_is_term(t) for t in group)
        if not valid or len(terms) < 2 or not all(terms):
            raise ValueError(
                f"synonyms: groups[{index}] must be a list of at least two non-empty terms"
            )
        try:
            cleaned = clean_group(terms)
        except ValueError as exc:
            raise ValueError(f"synonyms: groups[{index}]: {exc}") from None
        clash = overlap(cleaned, groups)
        if clash is not None:
            term, other = clash
            raise ValueError(
                f"synonyms: groups[{index}]: {term!r} is already in the group {', '.join(other)}"
            )
        groups.append(cleaned)
    return tuple(groups)


def _sourced(group: Mapping[Any, Any], index: int) -> Any:
    """The terms of a group written as `{terms: [...], source: "..."}`; the source says
    where the terms are documented as meaning the same (it is for reviewers: search and
    the database keep only the terms)."""
    unknown = sorted(str(k) for k in group if k not in ("terms", "source"))
    if unknown:
        raise ValueError(f"synonyms: groups[{index}] has unknown key(s) {', '.join(unknown)}")
    source = group.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ValueError(f"synonyms: groups[{index}] needs a 'source' saying where it comes from")
    return group.get("terms")


def term_key(term: str) -> Group:
    """What search reads a term as: "GP" and "gp", or "organisation" and "organization",
    are one term."""
    return tuple(_PLAIN.terms(term))


def clean_group(terms: Sequence[str]) -> Group:
    """A group's terms as stored (trimmed, single-spaced, lower case, in the order given);
    ValueError naming the first term search could not use."""
    cleaned = [" ".join(t.split()).lower() for t in terms]
    cleaned = [t for t in cleaned if t]
    if len(cleaned) < 2:
        raise ValueError("a group needs at least two terms")
    if len(cleaned) > MAX_GROUP_TERMS:
        raise ValueError(f"a group can have at most {MAX_GROUP_TERMS} terms")
    if len(set(cleaned)) < len(cleaned):
        repeated = next(t for t in cleaned if cleaned.count(t) > 1)
        raise ValueError(f"the term {repeated!r} is given twice")
    for term in cleaned:
        if len(term) > MAX_TERM_CHARS:
            raise ValueError(f"the term {term[:30]!r}… is longer than {MAX_TERM_CHARS} characters")
        if _CONTROL.search(term):
            raise ValueError(f"the term {term!r} contains a control character")
        if len(term.split()) > MAX_SYNONYM_WORDS:
            raise ValueError(f"the term {term!r} has more than {MAX_SYNONYM_WORDS} words")
        if not term_key(term):
            raise ValueError(f"the term {term!r} has no word that search can match")
    return tuple(cleaned)


def overlap(group: Sequence[str], others: Sequence[Sequence[str]]) -> tuple[str, Group] | None:
    """The first term of `group` that search reads the same as a term of one of `others`,
    with that other group; None when they share no term."""
    owners = {term_key(t): tuple(other) for other in others for t in other}
    for term in group:
        other = owners.get(term_key(term))
        if other is not None:
            return term, other
    return None


def _is_term(value: Any) -> bool:
    # YAML reads `111` as a number; a boolean is never a term.
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _is_word(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and " " not in value.strip()
