"""Facet filters and counts over bitsets held in memory.

Whoosh's `groupedby` reads every matching document's values on each search (slow at
scale). Here each facet value has a bitset of the documents carrying it, built once per
index segment; a search ANDs them with the set of text matches and counts bits. Each
facet's counts apply every active filter except its own, so choosing one licence never
hides the other licences.
"""

from collections.abc import Mapping, Sequence

from registry.search import bits
from registry.search.model import FACETS
from registry.search.schema import Card

#: Facet values are indexed under these keys: the facets, the review state, and whole
#: licence expressions (a licence filter matches an id in the expression or all of it).
INDEXED = (*FACETS, "state", "licence_expression")
# Walk documents instead of ANDing every value's bitset when a facet has many values.
_WALK_RATIO = 4


class FacetTable:
    """For each facet, each value's bitset of documents (deleted ones included)."""

    def __init__(self, postings: dict[str, dict[str, int]]) -> None:
        self.postings = postings
        self._folded = {
            facet: {value.casefold(): value for value in values}
            for facet, values in postings.items()
        }

    @classmethod
    def from_cards(cls, cards: Sequence[Card | None]) -> "FacetTable":
        lists: dict[str, dict[str, list[int]]] = {facet: {} for facet in INDEXED}
        for docnum, card in enumerate(cards):
            if card is None:
                continue
            for facet in INDEXED:
                values = lists[facet]
                for value in card.facet_values(facet):
                    values.setdefault(value, []).append(docnum)
        size = len(cards)
        return cls(
            {
                facet: {value: bits.from_docnums(docs, size) for value, docs in values.items()}
                for facet, values in lists.items()
            }
        )

    @classmethod
    def combine(cls, parts: Sequence[tuple["FacetTable", int]]) -> "FacetTable":
        """One table from per-segment tables and their document number offsets."""
        postings: dict[str, dict[str, int]] = {facet: {} for facet in INDEXED}
        for table, offset in parts:
            for facet, values in table.postings.items():
                into = postings[facet]
                for value, members in values.items():
                    into[value] = into.get(value, 0) | (members << offset)
        return cls(postings)

    @classmethod
    def extend(
        cls, base: "FacetTable", kept: int, parts: Sequence[tuple["FacetTable", int]]
    ) -> "FacetTable":
        """`base` with its documents from number `kept` on replaced by per-segment tables:
        after a write only the values of the new segments' documents are touched."""
        below = (1 << kept) - 1
        postings: dict[str, dict[str, int]] = {}
        for facet in INDEXED:
            values = base.postings.get(facet, {})
            if any(members >> kept for members in values.values()):
                postings[facet] = {v: m & below for v, m in values.items() if m & below}
            else:
                postings[facet] = dict(values)
        for table, offset in parts:
            for facet, values in table.postings.items():
                into = postings[facet]
                for value, members in values.items():
                    into[value] = into.get(value, 0) | (members << offset)
        return cls(postings)

    def value(self, facet: str, requested: str) -> str | None:
        """The indexed spelling of a filter value; filters ignore case."""
        values = self.postings.get(facet, {})
        if requested in values:
            return requested
        return self._folded.get(facet, {}).get(requested.casefold())

    def selection(self, facet: str, requested: Sequence[str]) -> int:
        """Documents carrying any of the requested values of one facet."""
        selected = 0
        for key in (facet, "licence_expression") if facet == "licence" else (facet,):
            values = self.postings.get(key, {})
            for wanted in requested:
                found = self.value(key, str(wanted))
                if found is not None:
                    selected |= values[found]
        return selected

    def counts(
        self,
        base: int,
        selections: Mapping[str, int],
        requested: Mapping[str, Sequence[str]],
        cards: Sequence[Card | None],
    ) -> dict[str, dict[str, int]]:
        """Counts per facet value among `base`, applying every selection but the facet's own."""
        result: dict[str, dict[str, int]] = {}
        everything = base
        for members in selections.values():
            everything &= members
        for facet in FACETS:
            scope = base
            if facet in selections:
                for other, members in selections.items():
                    if other != facet:
                        scope &= members
            else:
                scope = everything
            counted = self._count(facet, scope, cards)
            for wanted in requested.get(facet, ()):
                # A chosen value stays listed (with 0) so it can be unchosen; a whole
                # licence expression is not a licence id, so it is not listed.
                if facet != "licence" or self.value("licence_expression", wanted) is None:
                    counted.setdefault(self.value(facet, wanted) or wanted, 0)
            result[facet] = dict(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))
        return result

    def _count(self, facet: str, scope: int, cards: Sequence[Card | None]) -> dict[str, int]:
        values = self.postings.get(facet, {})
        if not scope or not values:
            return {}
        size = scope.bit_count()
        if size * _WALK_RATIO < len(values):
            counted: dict[str, int] = {}
            for docnum in bits.docnums(scope):
                card = cards[docnum]
                if card is not None:
                    for value in card.facet_values(facet):
                        counted[value] = counted.get(value, 0) + 1
            return counted
        result = {}
        for value, members in values.items():
            count = (scope & members).bit_count()
            if count:
                result[value] = count
        return result
