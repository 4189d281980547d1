"""Typo tolerance: "did you mean" corrections built from the index's own words.

Only words the index does not know are corrected. Candidates come from the `spelling`
field (names, aliases, summaries, features, tags, standards and owners as written, not
stemmed), so a suggestion is always a real word that some entry uses; they are looked up
in a symmetric-delete dictionary (symspellpy) built once per index segment, so a lookup
costs microseconds instead of a scan of every word. Edit distance allows one edit for
words of four or five letters and two for longer ones, counting a swap of neighbouring
letters as one edit ("dhsi2" -> "dhis2").
"""

from dataclasses import dataclass

from registry.search.analysis import Normaliser, plain_words
from registry.search.query import Clause, ParsedQuery
from registry.search.snapshot import Snapshot

CANDIDATES = 3
MAX_WORD = 30  # longer "words" are not typos of anything (and make costly automata)
MAX_CLAUSE_WORDS = 4  # words joined by hyphens or the like, corrected together
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
    """Corrections for the words the index does not know; None when there are none.

    A corrected word is added as an alternative (the typed word stays first, so an entry
    that really uses it still matches); the suggestion replaces it.
    """
    corrected = parsed
    suggestion = parsed
    for index, clause in enumerate(parsed.clauses):
        if clause.excluded or clause.quoted or len(clause.alternatives) > 1:
            continue
        found = _corrections(clause, snapshot, normaliser)
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


def known(word: str, snapshot: Snapshot, normaliser: Normaliser) -> bool:
    """Whether the index knows a word: a stop word, a number, or a word as written in some
    entry's name, alias, summary, features, tags, standards or owner.

    Stems are not enough: porter2 reads "referal" as "refer", which "reference" also
    stems to, so a misspelt word often has a stem the index holds.
    """
    return normaliser.term(word) is None or word.isdigit() or word in snapshot.spelling_words()


def _corrections(
    clause: Clause, snapshot: Snapshot, normaliser: Normaliser
) -> list[tuple[int, str, tuple[str, ...]]]:
    """(distance, corrected text, its terms) for a clause with unknown words, best first."""
    typed = plain_words(clause.text)
    if not typed or len(typed) > MAX_CLAUSE_WORDS:
        return []
    options: list[list[tuple[int, str]]] = []
    for word in typed:
        limit = allowed_distance(word)
        if not limit or known(word, snapshot, normaliser):
            options.append([(0, word)])
            continue
        counts = snapshot.spelling_words()
        near = [(d, w) for d, w in snapshot.near_words(word, limit) if w != word]
        # The closest first, then the most used: "openmrss" means "openmrs" (one edit),
        # not "opencrvs" (two).
        near.sort(key=lambda item: (item[0], -counts.get(item[1], 0), item[1]))
        options.append(near[:CANDIDATES] or [(0, word)])
    if all(len(o) == 1 and o[0][0] == 0 for o in options):
        return []
    found: list[tuple[int, str, tuple[str, ...]]] = []
    if len(typed) == 1:
        for d, word in options[0]:
            terms = tuple(normaliser.terms(word))
            if terms and terms != clause.terms:
                found.append((d, word, terms))
        return found
    # Several words in one clause ("e-referal"): the best correction of each.
    text = " ".join(o[0][1] for o in options)
    terms = tuple(normaliser.terms(text))
    if terms and terms != clause.terms:
        found.append((max(o[0][0] for o in options), text, terms))
    return found
