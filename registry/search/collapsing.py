"""One result per product: of linked listings (`Linked`) that all match a search, only
the best-ranked is shown, naming the others as "also listed as".

Which listing is best is the engine's own order (relevance, name or date), applied to the
linked listings among the results alone, so this costs a few set operations per search and
nothing when no listings are linked. Hidden listings leave the total and the facet counts
too, so totals, counts and pages agree with what is shown.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from weakref import WeakKeyDictionary

from registry.search import bits
from registry.search.model import Hit, Linked, Listing
from registry.search.snapshot import Snapshot

#: Shown in "also listed as": listings that are public and current.
_SHOWN_STATES = ("published", "deprecated")


@dataclass(frozen=True)
class _Groups:
    """Linked listings as this snapshot's document numbers."""

    members: int  # bitset of every live document in a group
    group_of: dict[int, int]  # document -> group number
    docs: list[list[int]]  # group number -> its live documents


_CACHE: "WeakKeyDictionary[Snapshot, tuple[Linked, _Groups]]" = WeakKeyDictionary()


@dataclass(frozen=True)
class Collapsed:
    """What one search hides, and how to name the other listings on a shown hit."""

    hidden: int = 0  # bitset of documents not shown
    groups: _Groups | None = None
    _snapshot: Snapshot | None = field(default=None, repr=False)

    def annotate(self, docnum: int, hit: Hit) -> Hit:
        """The hit with the other listings of its product."""
        if self.groups is None or self._snapshot is None:
            return hit
        group = self.groups.group_of.get(docnum)
        if group is None:
            return hit
        cards = self._snapshot.cards
        others = [
            Listing(card.id, card.name)
            for d in self.groups.docs[group]
            if d != docnum and (card := cards[d]) is not None and card.state in _SHOWN_STATES
        ]
        return replace(hit, also_listed=tuple(others)) if others else hit


def collapse(
    snapshot: Snapshot, linked: Linked, results: int, order: Callable[[int, int], list[int]]
) -> Collapsed:
    """Hide all but the first (by `order(bitset, count)`) of each group in `results`."""
    if not linked.groups:
        return Collapsed()
    groups = _groups(snapshot, linked)
    present = results & groups.members
    counts: dict[int, int] = {}
    for d in bits.docnums(present):
        counts[groups.group_of[d]] = counts.get(groups.group_of[d], 0) + 1
    contested = 0
    for d in bits.docnums(present):
        if counts[groups.group_of[d]] > 1:
            contested |= 1 << d
    hidden = 0
    if contested:
        shown: set[int] = set()
        for d in order(contested, contested.bit_count()):
            group = groups.group_of[d]
            if group in shown:
                hidden |= 1 << d
            shown.add(group)
    return Collapsed(hidden, groups, snapshot)


def _groups(snapshot: Snapshot, linked: Linked) -> _Groups:
    cached = _CACHE.get(snapshot)
    if cached is not None and cached[0] == linked:
        return cached[1]
    wanted = {entry_id: n for n, group in enumerate(linked.groups) for entry_id in group}
    docs: list[list[int]] = [[] for _ in linked.groups]
    group_of: dict[int, int] = {}
    live = snapshot.live
    for d, card in enumerate(snapshot.cards):
        if card is not None and card.id in wanted and live >> d & 1:
            docs[wanted[card.id]].append(d)
            group_of[d] = wanted[card.id]
    found = _Groups(bits.from_docnums(group_of, snapshot.size), group_of, docs)
    _CACHE[snapshot] = (linked, found)
    return found
