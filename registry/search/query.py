"""The query language: words, "quoted phrases" and -exclusions; nothing else is syntax.

Any text parses: quotes without a partner, `*`, `AND OR`, brackets, control characters
and markup are read as words or dropped, so a search never fails on what was typed.
Synonyms expand here (query time), so editing a synonym group needs no re-index.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from registry.search.analysis import Normaliser, exact_key

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 16
SYNONYM_WEIGHT = 0.9
#: A synonym longer than this many words is never matched against a query.
MAX_SYNONYM_WORDS = 8

_CHUNK = re.compile(r'(-?)"([^"]*)"|([^\s"]+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")

Alternatives = tuple[tuple[tuple[str, ...], float], ...]  # (terms, weight) pairs


@dataclass(frozen=True)
class Clause:
    """One thing the user asked for: a word or phrase, and what else may stand for it."""

    text: str  # as typed
    alternatives: Alternatives  # the first is the user's own wording
    quoted: bool = False
    excluded: bool = False

    @property
    def terms(self) -> tuple[str, ...]:
        return self.alternatives[0][0]

    def display(self) -> str:
        text = f'"{self.text}"' if self.quoted else self.text
        return f"-{text}" if self.excluded else text


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[Clause, ...]  # in the order typed
    exact: str  # the whole text as an `exact_key`, for the exact-name boost

    @property
    def required(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.excluded)

    @property
    def excluded(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.excluded)

    def text(self) -> str:
        return " ".join(c.display() for c in self.clauses)

    def with_clause(self, index: int, clause: Clause) -> "ParsedQuery":
        clauses = list(self.clauses)
        clauses[index] = clause
        return replace(self, clauses=tuple(clauses))

    def sequences(self) -> set[tuple[str, ...]]:
        """Every word or phrase (as terms) a matching document may contain."""
        return {terms for clause in self.required for terms, _ in clause.alternatives}


class SynonymTable:
    """Synonym groups as term sequences, matched against the clauses of a query."""

    def __init__(self, groups: Sequence[Sequence[str]], normaliser: Normaliser) -> None:
        self._groups: list[tuple[tuple[str, ...], ...]] = []
        self._members: dict[tuple[str, ...], int] = {}
        for group in groups:
            members = tuple(
                dict.fromkeys(t for t in (tuple(normaliser.terms(m)) for m in group) if t)
            )
            if len(members) < 2:
                continue
            for member in members:
                self._members.setdefault(member, len(self._groups))
            self._groups.append(members)

    def expand(self, clauses: Sequence[Clause]) -> list[Clause]:
        """Clauses with every run that spells a group member replaced by the whole group."""
        result: list[Clause] = []
        i = 0
        while i < len(clauses):
            match = self._longest_match(clauses, i)
            if match is None:
                result.append(clauses[i])
                i += 1
                continue
            end, group = match
            own = tuple(t for c in clauses[i:end] for t in c.terms)
            others = tuple((m, SYNONYM_WEIGHT) for m in self._groups[group] if m != own)
            text = " ".join(c.text for c in clauses[i:end])
            result.append(Clause(text, ((own, 1.0), *others)))
            i = end
        return result

    def _longest_match(self, clauses: Sequence[Clause], start: int) -> tuple[int, int] | None:
        terms: tuple[str, ...] = ()
        best = None
        for end in range(start, min(len(clauses), start + MAX_SYNONYM_WORDS)):
            clause = clauses[end]
            if clause.quoted or clause.excluded:
                break
            terms += clause.terms
            group = self._members.get(terms)
            if group is not None:
                best = (end + 1, group)
        return best


def parse(text: str, normaliser: Normaliser, synonyms: SynonymTable) -> ParsedQuery:
    """Read query text; never raises."""
    # Lone surrogates cannot be encoded (Whoosh stores terms as UTF-8): drop them.
    text = str(text)[:MAX_QUERY_CHARS].encode("utf-8", "ignore").decode("utf-8")
    clean = _CONTROL.sub(" ", text)
    clauses: list[Clause] = []
    for match in _CHUNK.finditer(clean):
        if len(clauses) >= MAX_CLAUSES:
            break
        negative, phrase, word = match.groups()
        if phrase is not None:
            typed, quoted, excluded = phrase.strip(), True, negative == "-"
        else:
            typed, quoted = word.lstrip("-+"), False
            excluded = word.startswith("-") and bool(typed)
        terms = tuple(normaliser.terms(typed))
        if terms:
            clauses.append(Clause(typed, ((terms, 1.0),), quoted, excluded))
    expanded = synonyms.expand(clauses)
    return ParsedQuery(tuple(expanded), exact_key(clean))
