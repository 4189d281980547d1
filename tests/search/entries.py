"""Indexed entries for search tests: the real seed entries, and hand-made ones."""

from typing import Any

from registry.licences import analyse
from registry.search import IndexedEntry
from registry.seeding import read_source
from tests.builders import SEED_DIR, an_entry

SYNONYMS_FILE = SEED_DIR / "synonyms.yaml"


def seed_documents() -> list[dict[str, Any]]:
    return [document for _, document in read_source(SEED_DIR).entries]


def seed_entries() -> list[IndexedEntry]:
    """Every seed entry, published, with the names of the standards it references."""
    documents = seed_documents()
    standards = {d["id"]: d["name"] for d in documents if d["kind"] == "standard"}
    return [
        indexed(
            document, updated_at=f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}Z", standards=standards
        )
        for i, document in enumerate(documents)
    ]


def indexed(
    document: dict[str, Any],
    state: str = "published",
    updated_at: str = "2026-11-26T04:15:00Z",
    standards: dict[str, str] | None = None,
) -> IndexedEntry:
    referenced = [ref["id"] for ref in document.get("standards", [])]
    names = standards or {}
    return IndexedEntry(
        id=document["id"],
        document=document,
        state=state,
        open_source=analyse(document["licence"]).open_source,
        updated_at=updated_at,
        standard_names={s: names[s] for s in referenced if s in names},
    )


def an_indexed_entry(
    state: str = "published", updated_at: str = "2026-11-26T04:15:00Z", **fields: Any
) -> IndexedEntry:
    """A hand-made entry (`tests.builders.an_entry` with the given fields), indexed."""
    return indexed(an_entry(**fields), state=state, updated_at=updated_at)
