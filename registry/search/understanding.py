"""Query understanding learnt from the index itself, not from a hand-written word list.

- **Weight**: how much a query word says, from how many entries use it anywhere (inverse
  document frequency over all text fields). Words most entries use ("system", "tool",
  "online", "manage") weigh little, so an entry is not ranked for matching them; topic
  words ("hospital", "prescription") weigh much.
- **Word forms**: porter2 leaves some forms of one word apart ("refer"/"referral",
  "prescribe"/"prescription", "notify"/"notification"). Pairs are found in the index's
  own vocabulary with a few English derivation rules and searched for each other; a rule
  only links two words that entries really use, and a short reviewed list (`NOT_FORMS`)
  keeps out the pairs the rules get wrong.
- **Facet names**: a query that names a kind, category, care setting or standard ("API",
  "pharmacy", "mental health", "SNOMED", "FHIR") boosts entries with that value. The names
  come from the values themselves and from the names and aliases of the standards'
  entries.

Everything here is derived from one snapshot and cached on it (`Snapshot.derived`).
"""

import math
import re
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from registry.search import bits
from registry.search.analysis import Normaliser
from registry.search.query import Clause
from registry.search.snapshot import Snapshot

#: An alternative found by a derivation rule weighs this much of the typed form.
FORM_WEIGHT = 0.9
#: (suffix of the derived word, ending of its base): "referral" -> "refer".
DERIVATIONS = (
    ("ication", "y"),  # notification -> notify, verification -> verify
    ("iption", "ibe"),  # prescription -> prescribe, subscription -> subscribe
    ("rral", "r"),  # referral -> refer
    ("ysis", "yse"),  # analysis -> analyse
    ("ission", "it"),  # submission -> submit, admission -> admit
    ("ision", "ide"),  # provision -> provide, decision -> decide
    ("ution", "ve"),  # resolution -> resolve
    ("ention", "ene"),  # intervention -> intervene
    ("sion", "d"),  # extension -> extend
    ("oval", "ove"),  # approval -> approve, removal -> remove
    ("osal", "ose"),  # proposal -> propose, disposal -> dispose
    ("ival", "ive"),  # arrival -> arrive
    ("osis", "ostic"),  # diagnosis -> diagnostic
    ("ysis", "ytic"),  # analysis -> analytic (and "analytics")
    ("ysis", "ytics"),
)
#: Reviewed: words a rule would pair wrongly ("commission" is not "commit").
NOT_FORMS = frozenset(
    {
        "commission",  # not "commit"
        "complication",  # not "comply"
        "replication",  # not "reply"
        "revolution",  # not "revolve"
        "solution",  # a product, mostly, not "solve"
        "inclusion",  # social inclusion, not "include"
    }
)
_MIN_BASE = 5  # shorter bases make false pairs ("final" -> "fine")
#: Facets whose values a query word can name.
NAMED_FACETS = ("kind", "category", "care_setting", "standard")
_MAX_NAME_TERMS = 3  # longer labels are descriptions, not names someone types
_VERSION = re.compile(r"\d")


@dataclass(frozen=True)
class FacetName:
    """A facet value a query names, and the query's clauses that name it."""

    facet: str
    value: str
    clauses: frozenset[int]


def idf(documents: int, total: int) -> float:
    """BM25's inverse document frequency: high for rare words, near 0 for common ones."""
    return math.log(1.0 + (max(1, total) - documents + 0.5) / (documents + 0.5))


def clause_weight(snapshot: Snapshot, clause: Clause) -> float:
    """How much a clause says: the IDF of the entries that match any of its alternatives."""
    return idf(len(snapshot.clause(clause.alternatives)), snapshot.count)


def with_word_forms(
    clauses: Sequence[Clause], snapshot: Snapshot, normaliser: Normaliser
) -> list[Clause]:
    """Clauses with the other forms of each one-word alternative added."""
    forms = word_forms(snapshot, normaliser)
    result = []
    for clause in clauses:
        if clause.quoted or clause.excluded:
            result.append(clause)
            continue
        present = {terms for terms, _ in clause.alternatives}
        extra: list[tuple[tuple[str, ...], float]] = []
        for terms, weight in clause.alternatives:
            if len(terms) != 1:
                continue
            for other in forms.get(terms[0], ()):
                if (other,) not in present:
                    present.add((other,))
                    extra.append(((other,), weight * FORM_WEIGHT))
        if extra:
            clause = Clause(clause.text, (*clause.alternatives, *extra), clause.quoted)
        result.append(clause)
    return result


class _Forms:
    """Word forms found so far over a growing vocabulary: a new snapshot only looks at the
    words it adds (a write adds a handful; the whole vocabulary took ~0.2 s a write)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.words: set[str] = set()
        self.stems: set[str | None] = set()
        self.links: dict[str, set[str]] = {}
        #: A base not (yet) in the vocabulary -> the derived terms waiting for it.
        self.pending: dict[str, set[str]] = {}
        self.found: dict[str, tuple[str, ...]] = {}

    def add(self, words: Sequence[str], normaliser: Normaliser) -> None:
        self.words.update(words)
        added = {normaliser.term(word) for word in words} - self.stems
        self.stems |= added
        changed: set[str] = set()

        def link(derived: str, root: str) -> None:
            self.links.setdefault(derived, set()).add(root)
            self.links.setdefault(root, set()).add(derived)
            changed.update((derived, root))

        for word in words:
            if word in NOT_FORMS or word.rstrip("s") in NOT_FORMS:
                continue
            for suffix, ending in DERIVATIONS:
                if not word.endswith(suffix):
                    continue
                base = word[: -len(suffix)] + ending
                if len(base) < _MIN_BASE:
                    continue
                derived, root = normaliser.term(word), normaliser.term(base)
                if not derived or not root or derived == root:
                    continue
                if root in self.stems:
                    link(derived, root)
                else:
                    self.pending.setdefault(root, set()).add(derived)
        for stem in added:
            if stem is not None:
                for derived in self.pending.pop(stem, ()):
                    link(derived, stem)
        if changed:
            found = dict(self.found)
            found.update({term: tuple(sorted(self.links[term])) for term in changed})
            self.found = found


_FORMS: "weakref.WeakKeyDictionary[Normaliser, _Forms]" = weakref.WeakKeyDictionary()
_FORMS_LOCK = threading.Lock()


def word_forms(snapshot: Snapshot, normaliser: Normaliser) -> dict[str, tuple[str, ...]]:
    """Index term -> the terms of its other forms, from the snapshot's vocabulary."""
    found = snapshot.derived.get("word_forms")
    if found is not None:
        return found  # type: ignore[no-any-return]
    vocabulary = snapshot.spelling_words()
    # After a write, only the new segments' words can be new.
    added: set[str] | None = snapshot.derived.get("spelling_added")
    with _FORMS_LOCK:
        forms = _FORMS.setdefault(normaliser, _Forms())
    with forms.lock:
        new = [word for word in (vocabulary if added is None else added) if word not in forms.words]
        if new:
            # A base counts when the index holds any of its forms ("prescribed" for
            # "prescribe"), so the new words' terms are known before they are linked.
            forms.add(new, normaliser)
        found = forms.found
    snapshot.derived["word_forms"] = found
    return found


def prepare(snapshot: Snapshot, normaliser: Normaliser) -> None:
    """Derive now what the first search of a new snapshot would otherwise pay for."""
    word_forms(snapshot, normaliser)
    _labels(snapshot, normaliser)


def facet_names(
    clauses: Sequence[Clause], snapshot: Snapshot, normaliser: Normaliser
) -> list[FacetName]:
    """The facet values named by the query: every term of one of a value's labels is
    among the clauses' own terms."""
    labels = _labels(snapshot, normaliser)
    where: dict[str, set[int]] = {}
    for index, clause in enumerate(clauses):
        if clause.excluded:
            continue
        for term in clause.terms:
            where.setdefault(term, set()).add(index)
    found: dict[tuple[str, str], set[int]] = {}
    for terms, values in labels.items():
        if all(t in where for t in terms):
            named = set().union(*(where[t] for t in terms))
            for value in values:
                found.setdefault(value, set()).update(named)
    return [FacetName(f, v, frozenset(c)) for (f, v), c in found.items()]


def _labels(
    snapshot: Snapshot, normaliser: Normaliser
) -> dict[tuple[str, ...], set[tuple[str, str]]]:
    """Label terms -> the (facet, value) pairs they name, for this snapshot."""
    found = snapshot.derived.get("facet_labels")
    if found is not None:
        return found  # type: ignore[no-any-return]
    labels: dict[tuple[str, ...], set[tuple[str, str]]] = {}

    def add(text: str, facet: str, value: str) -> None:
        # Versions and two-letter parts ("R4", "CT", "UK") are not what people type.
        terms = tuple(
            t
            for t in normaliser.terms(text.replace("-", " "))
            if len(t) > 2 and not _VERSION.search(t)
        )
        if terms and len(terms) <= _MAX_NAME_TERMS:
            labels.setdefault(tuple(sorted(set(terms))), set()).add((facet, value))

    postings = snapshot.facets.postings
    for facet in NAMED_FACETS:
        for value in postings.get(facet, {}):
            add(value, facet, value)
    standards = set(postings.get("standard", {}))
    # The standards' own entries, from the kind facet: not a look at every entry.
    for docnum in bits.docnums(postings.get("kind", {}).get("standard", 0)):
        card = snapshot.cards[docnum]
        if card is not None and card.kind == "standard" and card.id in standards:
            for name in (card.name, *card.aliases):
                add(name, "standard", card.id)
    snapshot.derived["facet_labels"] = labels
    return labels
