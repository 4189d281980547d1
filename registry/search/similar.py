"""Likely duplicates of a document: entries whose names or summary closely match it.

Candidates are found through the index, then each gets a similarity from 0 to 1:
names are compared word by word, each word weighted by how rare it is (so sharing
"NHS", "FHIR" and "API" counts for little) and a word one typo away counting nearly as
much as the same word; summaries are compared word by word the same way, without typos.
Only entries scoring at least `MIN_SCORE` are returned.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    for docnum in _candidates(snapshot, normaliser, names, summary):
        card = snapshot.cards[docnum]
        if card is None or card.id == exclude or not visible >> docnum & 1:
            continue
        theirs = str(snapshot.stored(docnum).get("summary", ""))
        score = _similarity(
            snapshot, normaliser, names, summary, [card.name, *card.aliases], theirs
        )
        if score >= MIN_SCORE:
            scored.append(Similar(card.id, card.name, round(score, 3)))
        if len(scored) >= _CANDIDATES:
            break
    scored.sort(key=lambda s: (-s.score, s.name.casefold()))
    return scored[:limit]


def _candidates(
    snapshot: Snapshot, normaliser: Normaliser, names: Sequence[str], summary: str
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
    weighted = [("names", name_terms, 2.0), ("summary", set(normaliser.terms(summary)), 1.0)]
    for field, terms, weight in weighted:
        for term in terms:
            ids, values, factor = snapshot.postings(field, (term,))
            for d, v in zip(ids, values, strict=True):
                scores[d] = scores.get(d, 0.0) + v * factor * weight
    return sorted(scores, key=scores.__getitem__, reverse=True)[: _CANDIDATES * 2]


def _similarity(
    snapshot: Snapshot,
    normaliser: Normaliser,
    names: Sequence[str],
    summary: str,
    their_names: Sequence[str],
    their_summary: str,
) -> float:
    name_score = 0.0
    for mine in names:
        for theirs in their_names:
            name_score = max(name_score, _name_similarity(snapshot, normaliser, mine, theirs))
    summary_score = _weighted_overlap(
        snapshot, "summary", normaliser.terms(summary), normaliser.terms(their_summary)
    )
    return max(name_score, 0.9 * summary_score, 0.6 * name_score + 0.4 * summary_score)


def _name_similarity(snapshot: Snapshot, normaliser: Normaliser, mine: str, theirs: str) -> float:
    a, b = exact_key(mine), exact_key(theirs)
    if a == b:
        return 1.0
    if a.replace(" ", "") == b.replace(" ", ""):
        return _SPACING  # "Open MRS" and "OpenMRS"
    ours = _words(normaliser, mine)
    others = _words(normaliser, theirs)
    if not ours or not others:
        return 0.0
    idf = _idf(snapshot, "names")
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


def _words(normaliser: Normaliser, text: str) -> list[tuple[str, str]]:
    return [(w, t) for w in plain_words(text) if (t := normaliser.term(w)) is not None]


def _typo(a: str, b: str) -> float:
    """How much a word counts as another: one typo apart (two for long words) counts."""
    shortest = min(len(a), len(b))
    if shortest < 4:
        return 0.0
    edits = distance(a, b)
    return _TYPOS[edits] if edits <= (1 if shortest < 8 else 2) else 0.0


def _idf(snapshot: Snapshot, field: str) -> Callable[[str], float]:
    n = max(1, snapshot.count)

    def idf(term: str) -> float:
        df = snapshot.frequency(field, term)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    return idf


def _weighted_overlap(snapshot: Snapshot, field: str, a: Iterable[str], b: Iterable[str]) -> float:
    """Dice coefficient of two sets of terms, each term weighted by its rarity (IDF)."""
    mine, theirs = set(a), set(b)
    if not mine or not theirs:
        return 0.0
    idf = _idf(snapshot, field)
    shared = sum(idf(t) for t in mine & theirs)
    total = sum(idf(t) for t in mine) + sum(idf(t) for t in theirs)
    return 2.0 * shared / total if total else 0.0
