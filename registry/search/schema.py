"""The Whoosh schema and how an `IndexedEntry` becomes an index document.

Text fields are searched with per-field weights (`TEXT_FIELDS`); facet values live in a
compact per-document `card` column that the search keeps in memory (see `facets`); a
special document (`META_ID`) carries the change-feed high-water mark and the schema
fingerprint, so both are committed atomically with the entries they describe.
"""

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from whoosh import columns
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from registry.search.analysis import WORD, exact_key, spelling_analyzer, text_analyzer
from registry.search.model import IndexedEntry

#: Bump when the schema or the analysis changes: an older index is then recreated.
SCHEMA_VERSION = 2
META_ID = "_meta"  # never a valid entry id (ids start with a letter or digit)

#: Searchable text fields and their weights: names first, description last.
TEXT_FIELDS: dict[str, float] = {
    "names": 8.0,
    "summary": 3.0,
    "features": 2.0,
    "tags": 1.5,
    "standards": 1.5,
    "topics": 1.2,
    "owner": 1.0,
    "description": 0.7,
}
#: Review states in ranking order and the score multiplier each gets.
STATE_FACTORS = {"published": 1.0, "deprecated": 0.5, "retired": 0.25}
_LICENCE_WORD = re.compile(r"[A-Za-z0-9.+:-]+")
_OPERATORS = {"AND", "OR", "WITH"}


def build_schema(spellings: Sequence[tuple[str, str]]) -> Schema:
    text = text_analyzer(spellings)
    keywords = {"commas": True, "scorable": False}
    return Schema(
        id=ID(stored=True, unique=True),
        names=TEXT(analyzer=text),
        summary=TEXT(analyzer=text, stored=True),
        features=TEXT(analyzer=text, stored=True),
        tags=TEXT(analyzer=text),
        standards=TEXT(analyzer=text),
        topics=TEXT(analyzer=text),
        owner=TEXT(analyzer=text),
        description=TEXT(analyzer=text, stored=True),
        spelling=TEXT(analyzer=spelling_analyzer(), phrase=False),
        name_exact=KEYWORD(**keywords),
        kind=ID,
        status=ID,
        state=ID,
        open_source=ID,
        licence=KEYWORD(**keywords),
        standard=KEYWORD(**keywords),
        category=KEYWORD(**keywords),
        care_setting=KEYWORD(**keywords),
        owner_name=ID,
        updated_at=ID,
        name_sort=ID,
        card=COLUMN(columns.VarBytesColumn()),
        meaning=COLUMN(columns.VarBytesColumn()),
        meta=STORED,
    )


@dataclass(frozen=True, slots=True)
class Card:
    """What a search needs of one entry without reading its stored fields."""

    id: str
    state: str
    kind: str
    status: str
    licence: str
    licence_ids: tuple[str, ...]
    open_source: bool
    standards: tuple[str, ...]
    categories: tuple[str, ...]
    care_settings: tuple[str, ...]
    owner: str
    name: str
    aliases: tuple[str, ...]
    updated_at: str
    lengths: tuple[int, ...]  # words in each of TEXT_FIELDS, for BM25 length normalisation

    def facet_values(self, facet: str) -> tuple[str, ...]:
        if facet == "kind":
            return (self.kind,)
        if facet == "status":
            return (self.status,)
        if facet == "state":
            return (self.state,)
        if facet == "licence":
            return self.licence_ids or ((self.licence,) if self.licence else ())
        if facet == "licence_expression":
            return (self.licence,) if self.licence else ()
        if facet == "open_source":
            return ("true" if self.open_source else "false",)
        if facet == "standard":
            return self.standards
        if facet == "category":
            return self.categories
        if facet == "care_setting":
            return self.care_settings
        if facet == "owner":
            return (self.owner,) if self.owner else ()
        return ()

    def encode(self) -> bytes:
        return json.dumps(
            [
                self.id,
                self.state,
                self.kind,
                self.status,
                self.licence,
                self.licence_ids,
                self.open_source,
                self.standards,
                self.categories,
                self.care_settings,
                self.owner,
                self.name,
                self.aliases,
                self.updated_at,
                self.lengths,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()

    @classmethod
    def decode(cls, data: bytes) -> "Card":
        v = json.loads(data)
        return cls(
            v[0], v[1], v[2], v[3], v[4], tuple(v[5]), bool(v[6]), tuple(v[7]), tuple(v[8]),
            tuple(v[9]), v[10], v[11], tuple(v[12]), v[13], tuple(v[14]),
        )  # fmt: skip


def meaning_text(entry: IndexedEntry) -> str:
    """What an entry's meaning vector reads: its names and summary, which say what it is.
    On bench's tuning split, adding features, tags, topics and the description's start
    gained 0.007 NDCG@10 for about twice the encoding time."""
    doc = entry.document
    names = [_text(doc.get("name")) or entry.id, *_texts(doc.get("aliases"))]
    return "\n".join([*names, _text(doc.get("summary"))])


def fields_for(entry: IndexedEntry, meaning: bytes = b"") -> dict[str, Any]:
    """The Whoosh document for one entry; `meaning`: its stored meaning vector, if any."""
    doc = entry.document
    name = _text(doc.get("name")) or entry.id
    aliases = _texts(doc.get("aliases"))
    summary = _text(doc.get("summary"))
    features = _texts(doc.get("features"))
    tags = _texts(doc.get("tags"))
    standards = list(_standard_ids(doc))
    standard_words = [
        *standards,
        *(entry.standard_names.get(s, "") for s in standards),
        *_profiles(doc),
    ]
    categories = _texts(doc.get("categories"))
    care_settings = _texts(doc.get("care_settings"))
    topics = [slug.replace("-", " ") for slug in (*categories, *care_settings)]
    owner = _owner(doc)
    text = {
        "names": "\n".join([name, *aliases]),
        "summary": summary,
        "features": "\n".join(features),
        "tags": "\n".join(tags),
        "standards": "\n".join(w for w in standard_words if w),
        "topics": "\n".join(topics),
        "owner": owner,
        "description": _text(doc.get("description")),
    }
    licence = _text(doc.get("licence"))
    card = Card(
        id=entry.id,
        state=entry.state,
        kind=_text(doc.get("kind")),
        status=_text(doc.get("status")),
        licence=licence,
        licence_ids=licence_ids(licence),
        open_source=entry.open_source,
        standards=tuple(standards),
        categories=tuple(categories),
        care_settings=tuple(care_settings),
        owner=owner,
        name=name,
        aliases=tuple(aliases),
        updated_at=entry.updated_at,
        lengths=tuple(len(WORD.findall(text[field])) for field in TEXT_FIELDS),
    )
    spelling = [text[f] for f in ("names", "summary", "features", "tags", "standards", "owner")]
    fields = {
        "id": entry.id,
        **text,
        "spelling": "\n".join(spelling),
        "name_exact": ",".join(k for k in (exact_key(n) for n in [name, *aliases]) if k),
        "kind": card.kind,
        "status": card.status,
        "state": card.state,
        "open_source": "true" if card.open_source else "false",
        "licence": ",".join([*card.licence_ids, card.licence.replace(",", " ")]),
        "standard": ",".join(card.standards),
        "category": ",".join(card.categories),
        "care_setting": ",".join(card.care_settings),
        "owner_name": card.owner,
        "updated_at": card.updated_at,
        "name_sort": name_key(card.name),
        "card": card.encode(),
        "meaning": meaning,
    }
    return {k: v for k, v in fields.items() if v not in ("", b"")}


def meta_fields(high_water: int, fingerprint: str, complete: bool = True) -> dict[str, Any]:
    """The index's own record: the change-feed mark, what built it, and whether it holds
    every entry (False from the moment it is recreated empty until a rebuild commits)."""
    meta = {"high_water": high_water, "fingerprint": fingerprint, "complete": complete}
    return {"id": META_ID, "meta": meta}


def licence_ids(expression: str) -> tuple[str, ...]:
    """The licence ids in an SPDX expression; exceptions (after WITH) left out."""
    found: list[str] = []
    after_with = False
    for word in _LICENCE_WORD.findall(expression):
        if word.upper() in _OPERATORS:
            after_with = word.upper() == "WITH"
            continue
        if not after_with and word not in found:
            found.append(word)
        after_with = False
    return tuple(found)


def name_key(name: str) -> str:
    """Sort key for names: case and accents ignored, then the name itself to break ties."""
    return f"{exact_key(name)}\x00{name}"


def _standard_ids(doc: Mapping[str, Any]) -> Iterable[str]:
    for ref in _list(doc.get("standards")):
        if isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
            yield ref["id"]
        elif isinstance(ref, str):
            yield ref


def _profiles(doc: Mapping[str, Any]) -> Iterable[str]:
    for ref in _list(doc.get("standards")):
        if isinstance(ref, Mapping):
            yield from _texts(ref.get("profiles"))


def _owner(doc: Mapping[str, Any]) -> str:
    owner = doc.get("owner")
    if isinstance(owner, Mapping):
        return _text(owner.get("name"))
    return _text(owner)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _texts(value: Any) -> list[str]:
    return [v.strip() for v in _list(value) if isinstance(v, str) and v.strip()]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
