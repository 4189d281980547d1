"""What the rest of the registry sees of search: the values in and out, and the protocol."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

#: Facets counted for every search, in display order.
FACETS = (
    "kind",
    "status",
    "licence",
    "open_source",
    "standard",
    "category",
    "care_setting",
    "owner",
)
#: Keys `SearchQuery.filters` understands: the facets plus the registry's review state.
FILTERS = (*FACETS, "state")
SORTS = ("relevance", "name", "updated")
MAX_PER_PAGE = 100
#: The share of a query's weight (see `registry.search.understanding`) that the best result
#: must match for the need to count as met.
MEANINGFUL_COVERAGE = 0.5


@dataclass(frozen=True)
class IndexedEntry:
    """One entry as the index holds it: the published document plus registry-side facts."""

    id: str
    document: dict[str, Any]
    state: str  # "published" | "deprecated" | "retired"
    open_source: bool
    updated_at: str  # ISO 8601 UTC, e.g. "2026-11-26T04:15:00Z"
    standard_names: dict[str, str]  # id -> name of the standards the document references


@dataclass(frozen=True)
class Linked:
    """Entries that are one product listed more than once (a merge is proposed): search
    shows the best-ranked of each group, naming the others as "also listed as"."""

    groups: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> "Linked":
        """Groups joining every pair that shares an entry (a-b and b-c: a, b and c)."""
        parent: dict[str, str] = {}

        def root(item: str) -> str:
            while parent.setdefault(item, item) != item:
                parent[item] = parent[parent[item]]
                item = parent[item]
            return item

        for a, b in pairs:
            parent[root(a)] = root(b)
        groups: dict[str, list[str]] = {}
        for item in sorted(parent):
            groups.setdefault(root(item), []).append(item)
        return cls(tuple(tuple(g) for g in groups.values() if len(g) > 1))


@dataclass(frozen=True)
class Listing:
    """Another listing of the same product: its id and name."""

    id: str
    name: str


@dataclass(frozen=True)
class SearchQuery:
    """Text in the query language (words, "phrases", -exclusions) plus facet filters.

    Values of one filter are OR-ed, different filters AND-ed; unknown filter keys are
    ignored. Retired entries are left out unless `include_retired` or a `state` filter
    asks for them.
    """

    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    include_retired: bool = False
    sort: str = "relevance"  # relevance | name | updated
    page: int = 1
    per_page: int = 20
    linked: Linked = field(default_factory=Linked)  # shown once each (see `Linked`)


@dataclass(frozen=True)
class Hit:
    """One result: the entry's facts, its score and highlighted snippets."""

    id: str
    name: str
    summary: str
    kind: str
    status: str
    state: str
    licence: str
    open_source: bool
    score: float
    highlights: dict[str, str]  # field -> HTML-escaped snippet, <mark> only around matches
    also_listed: tuple[Listing, ...] = ()  # other listings of this product, not shown


@dataclass(frozen=True)
class SearchResult:
    """One page of results, the total, facet counts and a "did you mean" suggestion."""

    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]  # facet -> value -> count (other filters applied)
    suggestion: str | None  # "did you mean" query text
    #: The largest share of the query's weight that one result matches (0..1); None when
    #: the query has no words. Below `MEANINGFUL_COVERAGE` the need is not met.
    coverage: float | None = None

    @property
    def met(self) -> bool:
        """Whether some result matches a meaningful share of what was asked."""
        return self.coverage is None or self.coverage >= MEANINGFUL_COVERAGE


@dataclass(frozen=True)
class Similar:
    """An entry that may duplicate a document."""

    id: str
    name: str
    score: float  # 0..1; 1 is the same name


class SearchIndex(Protocol):
    """What the registry needs of a search index (see `WhooshIndex`)."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def similar(
        self, document: Mapping[str, Any], limit: int = 5, exclude: str | None = None
    ) -> list[Similar]: ...

    def apply(
        self,
        upserts: Sequence[IndexedEntry],
        deletes: Sequence[str],
        high_water: int,
        encode: bool | None = None,
    ) -> None: ...

    def merge(self, keep_first: bool = False, everything: bool = False) -> bool: ...

    def lacking_meaning(self, limit: int) -> list[str]: ...

    def prepare(self, entries: Sequence[IndexedEntry]) -> None: ...

    def high_water(self) -> int: ...

    def rebuild(
        self,
        entries: Iterable[IndexedEntry],
        high_water: int,
        progress: Callable[[int], None] | None = None,
        encode: bool = False,
    ) -> None: ...

    def count(self) -> int: ...

    def ready(self) -> bool: ...

    def close(self) -> None: ...
