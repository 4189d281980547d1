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
from functools import cache
from importlib.resources import files

from editdistpy import damerau_osa

from registry.search.analysis import Normaliser, plain_words
from registry.search.query import Clause, ParsedQuery
from registry.search.snapshot import Snapshot

CANDIDATES = 3
MAX_WORD = 30  # longer "words" are not typos of anything
MAX_CLAUSE_WORDS = 4  # words joined by hyphens or the like, corrected together
#: Entries that must use a word's stem before it counts as known (see `known`).
KNOWN_DOCUMENTS = 2
MIN_SPLIT = 6  # shorter unknown words are not read as several words run together
MIN_PART = 4  # with a typo, each part of a split has at least this many letters
_WEIGHTS = {1: 0.8, 2: 0.6}
ENGLISH_WORDS = "frequency_dictionary_en_82_765.txt"


@dataclass(frozen=True)
class Correction:
    parsed: ParsedQuery  # the query with corrected words added as alternatives
    suggestion: str  # the query text with each corrected word replaced


def allowed_distance(word: str) -> int:
    if len(word) < 4 or len(word) > MAX_WORD:
        return 0
    return 1 if len(word) < 6 else 2


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps
    (editdistpy's C implementation, which symspellpy uses too)."""
    return int(damerau_osa.distance(a, b, max(len(a), len(b))))


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
    """Whether a word is left as typed: a stop word, a number, a word as written in some
    entry's name, alias, summary, features, tags, standards or owner, a word whose stem
    `KNOWN_DOCUMENTS` entries use anywhere (descriptions included), or a real English word
    that no entry uses ("wound" is not a typo of "found": the registry just lacks it).

    A stem alone can mislead ("referal" stems to "refer", as "reference" does), so a
    clause of several words is also corrected when it matches nothing as a whole.
    """
    term = normaliser.term(word)
    if term is None or word.isdigit() or word in snapshot.spelling_words():
        return True
    if word in english_words():
        return True
    return len(snapshot.clause((((term,), 1.0),))) >= KNOWN_DOCUMENTS


@cache
def english_words() -> frozenset[str]:
    """English words in use: the frequency list symspellpy ships (from Google Books
    n-grams, 82,765 words), read once; it holds words, not their common misspellings."""
    text = (files("symspellpy") / ENGLISH_WORDS).read_text(encoding="utf-8")
    return frozenset(line.split(" ", 1)[0] for line in text.splitlines() if line)


def _corrections(
    clause: Clause, snapshot: Snapshot, normaliser: Normaliser
) -> list[tuple[int, str, tuple[str, ...]]]:
    """(distance, corrected text, its terms) for a clause with unknown words, best first."""
    typed = plain_words(clause.text)
    if not typed or len(typed) > MAX_CLAUSE_WORDS:
        return []
    if len(typed) == 1:
        word = typed[0]
        if known(word, snapshot, normaliser):
            return []
        found = [
            (d, near, terms)
            for d, near in _near(word, snapshot)
            if (terms := tuple(normaliser.terms(near))) and terms != clause.terms
        ]
        split = None if found else _split(word, snapshot, normaliser)
        if split is not None:
            found.append((1, split, tuple(normaliser.terms(split))))
        elif not found:
            split = _split_with_typo(word, snapshot, normaliser)
            if split is not None:
                found.append((2, split, tuple(normaliser.terms(split))))
        return found
    # Several words in one clause ("e-referal"): when they match nothing together, the
    # best correction of each word no entry uses as written.
    if snapshot.clause(clause.alternatives):
        return []
    words = snapshot.spelling_words()
    corrected = []
    for word in typed:
        near = [] if word in words or word in english_words() else _near(word, snapshot)
        corrected.append(near[0] if near else (0, word))
    text = " ".join(word for _, word in corrected)
    terms = tuple(normaliser.terms(text))
    if not terms or terms == clause.terms:
        return []
    return [(max(d for d, _ in corrected), text, terms)]


def _near(word: str, snapshot: Snapshot) -> list[tuple[int, str]]:
    """(distance, word) of the likely intended words, best first."""
    limit = allowed_distance(word)
    if not limit or word.isdigit():
        return []
    counts = snapshot.spelling_words()
    near = [(d, w) for d, w in snapshot.near_words(word, limit) if w != word]
    # The closest first, then the most used: "openmrss" means "openmrs" (one edit), not
    # "opencrvs" (two).
    near.sort(key=lambda item: (item[0], -counts.get(item[1], 0), item[1]))
    return near[:CANDIDATES]


def _split(word: str, snapshot: Snapshot, normaliser: Normaliser) -> str | None:
    """An unknown word read as two or three words run together ("fixmystreet" -> "fix my
    street"), each a word the index knows, standing together in some entry; the split
    with the fewest parts, else None."""
    if len(word) < MIN_SPLIT or len(word) > MAX_WORD:
        return None
    words = snapshot.spelling_words()

    def usable(part: str) -> bool:
        # Two-letter parts ("my") are not in the spelling field, and only come between two
        # longer ones; a name must use them.
        if len(part) >= 3:
            return part in words
        term = normaliser.term(part)
        return len(part) == 2 and term is not None and snapshot.frequency("names", term) > 0

    def found(parts: tuple[str, ...]) -> bool:
        # The words must also stand together in some entry ("fix my street").
        terms = tuple(normaliser.terms(" ".join(parts)))
        return bool(terms) and bool(snapshot.clause(((terms, 1.0),)))

    for i in range(3, len(word) - 2):
        pair = (word[:i], word[i:])
        if all(usable(p) for p in pair) and found(pair):
            return " ".join(pair)
    for i in range(3, len(word) - 4):
        for j in range(i + 2, len(word) - 2):
            parts = (word[:i], word[i:j], word[j:])
            if all(usable(p) for p in parts) and found(parts):
                return " ".join(parts)
    return None


def _split_with_typo(word: str, snapshot: Snapshot, normaliser: Normaliser) -> str | None:
    """Two words run together with one typo in one of them ("openhospitl" -> "open
    hospital"): one part a word the index knows, the other one edit from such a word, both
    of at least `MIN_PART` letters and standing together in some entry; else None. A few
    symmetric-delete lookups, only for an unknown word nothing else corrects."""
    if len(word) < MIN_SPLIT + MIN_PART or len(word) > MAX_WORD:
        return None
    words = snapshot.spelling_words()
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        first, second = word[:i], word[i:]
        if first in words:
            options = [(first, near) for d, near in snapshot.near_words(second, 1) if d == 1]
        elif second in words:
            options = [(near, second) for d, near in snapshot.near_words(first, 1) if d == 1]
        else:
            continue
        for parts in options:
            terms = tuple(normaliser.terms(" ".join(parts)))
            if terms and snapshot.clause(((terms, 1.0),)):
                return " ".join(parts)
    return None
