"""Likely duplicates of a document: entries whose names or summary closely match it.

Candidates are found through the index, then each gets a similarity from 0 to 1:
names are compared word by word, each word weighted by how rare it is (so sharing
"NHS", "FHIR" and "API" counts for little) and a word one typo away counting nearly as
much as the same word; summaries are compared word by word the same way, without typos.
Only entries scoring at least `MIN_SCORE` are returned.
"""

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from registry.search.analysis import Normaliser, exact_key, plain_words
from registry.search.model import Similar
from registry.search.snapshot import Snapshot
from registry.search.spelling import MAX_WORD, distance

MIN_SCORE = 0.7
VISIBLE_STATES = ("published", "deprecated")
_CANDIDATES = 30
_SPACING = 0.95
_TYPOS = {1: 0.9, 2: 0.6}  # how much a word one or two edits away counts
_EXACT_BONUS = 1000.0
_PREPARED = 20_000  # names and summaries kept prepared for comparison


def similar(
    snapshot: Snapshot,
    normaliser: Normaliser,
    document: Mapping[str, Any],
    limit: int,
    exclude: str | None,
) -> list[Similar]:
    raw_aliases = document.get("aliases")
    aliases = raw_aliases if isinstance(raw_aliases, list) else []
    names = [n for n in [document.get("name"), *aliases] if isinstance(n, str) and n.strip()]
    summary = document.get("summary")
    summary = summary if isinstance(summary, str) else ""
    if limit <= 0 or not (names or summary):
        return []
    visible = 0
    for state in VISIBLE_STATES:
        visible |= snapshot.state_bits.get(state, 0)
    visible &= snapshot.live
    scored = []
    summary_terms = normaliser.terms(summary)
    names_idf, summary_idf = _idf(snapshot, "names"), _idf(snapshot, "summary")
    for docnum in _candidates(snapshot, normaliser, names, summary_terms):
        card = snapshot.cards[docnum]
        if card is None or card.id == exclude or not visible >> docnum & 1:
            continue
        theirs = snapshot.summary(docnum)
        score = _similarity(
            (names_idf, summary_idf),
            normaliser,
            names,
            summary_terms,
            [card.name, *card.aliases],
            theirs,
        )
        if score >= MIN_SCORE:
            scored.append(Similar(card.id, card.name, round(score, 3)))
        if len(scored) >= _CANDIDATES:
            break
    scored.sort(key=lambda s: (-s.score, s.name.casefold()))
    return scored[:limit]


def _candidates(
    snapshot: Snapshot, normaliser: Normaliser, names: Sequence[str], summary_terms: list[str]
) -> list[int]:
    scores: dict[int, float] = {}
    name_terms: set[str] = set()
    for name in names:
        for docnum in snapshot.exact(exact_key(name)):
            scores[docnum] = scores.get(docnum, 0.0) + _EXACT_BONUS
        words = plain_words(name)
        name_terms.update(t for w in words if (t := normaliser.term(w)) is not None)
        # Written together ("Open MRS" for "OpenMRS") or one typo away ("OpenMRSS").
        joined = normaliser.term("".join(words))
        if joined is not None:
            name_terms.add(joined)
        for word in words:
            if 4 <= len(word) <= MAX_WORD and not snapshot.word_frequency(word):
                for near in snapshot.words_near(word, 2):
                    if _typo(word, near) and (term := normaliser.term(near)) is not None:
                        name_terms.add(term)
    weighted = [("names", name_terms, 2.0), ("summary", set(summary_terms), 1.0)]
    for field, terms, weight in weighted:
        for term in terms:
            ids, values, factor = snapshot.postings(field, (term,))
            for d, v in zip(ids, values, strict=True):
                scores[d] = scores.get(d, 0.0) + v * factor * weight
    return sorted(scores, key=scores.__getitem__, reverse=True)[: _CANDIDATES * 2]


def _similarity(
    idf: tuple[Callable[[str], float], Callable[[str], float]],
    normaliser: Normaliser,
    names: Sequence[str],
    summary_terms: list[str],
    their_names: Sequence[str],
    their_summary: str,
) -> float:
    name_score = 0.0
    for mine in names:
        for theirs in their_names:
            name_score = max(
                name_score,
                _name_similarity(idf[0], _name(normaliser, mine), _name(normaliser, theirs)),
            )
    summary_score = _weighted_overlap(idf[1], summary_terms, _terms(normaliser, their_summary))
    return max(name_score, 0.9 * summary_score, 0.6 * name_score + 0.4 * summary_score)


@dataclass(frozen=True)
class _Name:
    """A name as the comparison reads it."""

    key: str  # exact_key
    squashed: str  # the key without spaces: "Open MRS" is "OpenMRS"
    words: tuple[tuple[str, str], ...]  # (word, index term), stop words left out


# Names and summaries of candidates recur from one duplicate check to the next (entry
# pages ask for every entry's); reading them again was a third of an entry page's CPU.
@functools.lru_cache(maxsize=_PREPARED)
def _name(normaliser: Normaliser, text: str) -> _Name:
    key = exact_key(text)
    words = tuple((w, t) for w in plain_words(text) if (t := normaliser.term(w)) is not None)
    return _Name(key, key.replace(" ", ""), words)


@functools.lru_cache(maxsize=_PREPARED)
def _terms(normaliser: Normaliser, text: str) -> frozenset[str]:
    return frozenset(normaliser.terms(text))


def _name_similarity(idf: Callable[[str], float], mine: _Name, theirs: _Name) -> float:
    if mine.key == theirs.key:
        return 1.0
    if mine.squashed == theirs.squashed:
        return _SPACING
    ours, others = mine.words, theirs.words
    if not ours or not others:
        return 0.0
    our_weights = [idf(term) for _, term in ours]
    other_weights = [idf(term) for _, term in others]
    shared = 0.0
    used: set[int] = set()
    for i, (word, term) in enumerate(ours):
        best, best_j = 0.0, -1
        for j, (other_word, other_term) in enumerate(others):
            if j in used:
                continue
            match = 1.0 if term == other_term else _typo(word, other_word)
            if match > best:
                best, best_j = match, j
        if best_j >= 0:
            used.add(best_j)
            shared += best * (our_weights[i] + other_weights[best_j])
    return shared / (sum(our_weights) + sum(other_weights))


def _typo(a: str, b: str) -> float:
    """How much a word counts as another: one typo apart (two for long words) counts."""
    shortest = min(len(a), len(b))
    if shortest < 4:
        return 0.0
    edits = distance(a, b)
    return _TYPOS[edits] if edits <= (1 if shortest < 8 else 2) else 0.0


def _idf(snapshot: Snapshot, field: str) -> Callable[[str], float]:
    """How rare each term is in the field; remembered for one duplicate check, which asks
    of the same terms for every candidate."""
    n = max(1, snapshot.count)
    known: dict[str, float] = {}

    def idf(term: str) -> float:
        found = known.get(term)
        if found is None:
            df = snapshot.frequency(field, term)
            found = known[term] = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        return found

    return idf


def _weighted_overlap(idf: Callable[[str], float], a: Iterable[str], b: Iterable[str]) -> float:
    """Dice coefficient of two sets of terms, each term weighted by its rarity (IDF)."""
    mine, theirs = set(a), set(b)
    if not mine or not theirs:
        return 0.0
    shared = sum(idf(t) for t in mine & theirs)
    total = sum(idf(t) for t in mine) + sum(idf(t) for t in theirs)
    return 2.0 * shared / total if total else 0.0
