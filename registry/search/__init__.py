"""Full-text search over published entries: a derived, rebuildable projection of the database.

Public interface: `SearchIndex` (the protocol the rest of the registry calls),
`WhooshIndex` (its implementation), the values passed in and out, and `Synonyms`.
Whoosh is imported only inside this package.
"""

from registry.search.index import WhooshIndex
from registry.search.model import (
    FACETS,
    FILTERS,
    Hit,
    IndexedEntry,
    Linked,
    Listing,
    SearchIndex,
    SearchQuery,
    SearchResult,
    Similar,
)
from registry.search.synonyms import Synonyms

__all__ = [
    "FACETS",
    "FILTERS",
    "Hit",
    "IndexedEntry",
    "Linked",
    "Listing",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "Similar",
    "Synonyms",
    "WhooshIndex",
]
