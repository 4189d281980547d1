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
        self, upserts: Sequence[IndexedEntry], deletes: Sequence[str], high_water: int
    ) -> None: ...

    def merge(self) -> bool: ...

    def high_water(self) -> int: ...

    def rebuild(
        self,
        entries: Iterable[IndexedEntry],
        high_water: int,
        progress: Callable[[int], None] | None = None,
    ) -> None: ...

    def count(self) -> int: ...

    def ready(self) -> bool: ...

    def close(self) -> None: ...
