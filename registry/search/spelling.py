"""Typo tolerance: "did you mean" corrections built from the index's own words.

Candidates come from the `spelling` field (names, aliases, summaries, features, tags,
standards and owners as written, not stemmed), so a suggestion is always a real word that
some entry uses. Edit distance allows one edit for words of four or five letters and two
for longer ones, counting a swap of neighbouring letters as one edit ("dhsi2" -> "dhis2");
the first letter must match.
"""

from dataclasses import dataclass

from registry.search.analysis import Normaliser, plain_words
from registry.search.query import Clause, ParsedQuery
from registry.search.snapshot import Snapshot

CANDIDATES = 3
MAX_WORD = 30  # longer "words" are not typos of anything (and make costly automata)
#: A word that some entries use is only corrected to one this many times as common.
POPULAR = 10
_WEIGHTS = {1: 0.8, 2: 0.6}


@dataclass(frozen=True)
class Correction:
    parsed: ParsedQuery  # the query with corrected words added as alternatives
    suggestion: str  # the query text with each corrected word replaced


def allowed_distance(word: str) -> int:
    if len(word) < 4 or len(word) > MAX_WORD:
        return 0
    return 1 if len(word) < 6 else 2


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def correct(parsed: ParsedQuery, snapshot: Snapshot, normaliser: Normaliser) -> Correction | None:
    """Corrections for the words that look mistyped; None when none do."""
    corrected = parsed
    suggestion = parsed
    for index, clause in enumerate(parsed.clauses):
        found = [
            (d, word, terms)
            for d, _, word in _candidates(clause, snapshot)
            if (terms := tuple(normaliser.terms(word))) and terms != clause.terms
        ]
        if not found:
            continue
        extra = tuple((terms, _WEIGHTS[d]) for d, _, terms in found)
        corrected = corrected.with_clause(
            index, Clause(clause.text, (*clause.alternatives, *extra))
        )
        _, best, best_terms = found[0]
        suggestion = suggestion.with_clause(index, Clause(best, ((best_terms, 1.0),)))
    if corrected is parsed:
        return None
    return Correction(corrected, suggestion.text())


def _candidates(clause: Clause, snapshot: Snapshot) -> list[tuple[int, int, str]]:
    """(distance, -frequency, word) of the likely intended words, best first."""
    if clause.excluded or clause.quoted or len(clause.alternatives) > 1:
        return []
    typed = plain_words(clause.text)
    if len(typed) != 1:
        return []
    word = typed[0]
    limit = allowed_distance(word)
    if not limit or word.isdigit():
        return []
    own = len(snapshot.clause(clause.alternatives))
    found = []
    # Levenshtein distance 2 also finds the one-swap typos of short words.
    for candidate in snapshot.words_near(word, 2):
        d = distance(word, candidate)
        if 0 < d <= limit:
            frequency = snapshot.word_frequency(candidate)
            if not own or frequency >= POPULAR * own:
                found.append((d, -frequency, candidate))
    found.sort()
    # Only the closest: "openmrss" means "openmrs" (one edit), not "opencrvs" (two).
    return [c for c in found if c[0] == found[0][0]][:CANDIDATES]
