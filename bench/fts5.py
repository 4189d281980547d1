"""A baseline search engine on SQLite FTS5 (stdlib `sqlite3`), for the search benchmarks.

It answers the same `SearchQuery` with the same `SearchResult` as `WhooshIndex`, over the
same text fields built by the same code (`registry.search.schema.fields_for`):

- one FTS5 table (`tokenize='porter unicode61'`) over names, summary, features, tags,
  standards, topics, owner and description, ranked by `bm25()` with the Whoosh field
  weights (names 8, summary 3, features 2, tags and standards 1.5, topics 1.2, owner 1,
  description 0.7) times the review state's factor;
- the query language read the same way (words, "phrases", -exclusions; the same English
  stop words dropped), turned into an FTS5 MATCH expression with every word AND-ed, and
  OR-ed when nothing in scope matches them all;
- facet values in a side table, filters applied in SQL, counts by GROUP BY over the
  matched rows, each facet counted with every other filter applied;
- highlights with `highlight()` and `snippet()`, HTML-escaped, `<mark>` around matches.

It does less than the Whoosh index: no typo correction ("did you mean"), no synonyms, no
British/American spelling folding, no exact-name boost.

Tuned so the comparison is fair: facet values are numbered (GROUP BY on integers is twice
as fast as on text); matches, filtered matches and each filtered facet's scope go into
temporary tables; joins are ordered explicitly (the planner has no statistics for the
temporary tables and otherwise scans every facet row); when results are a large part of
the index, counts walk the (value, document) index and pages walk a sort-order index
instead of sorting. WAL journal, synchronous=NORMAL (Whoosh never calls fsync either),
64 MiB page cache.
"""

import html
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from registry.search import FACETS, Hit, IndexedEntry, SearchQuery, SearchResult
from registry.search.schema import STATE_FACTORS, TEXT_FIELDS, Card, fields_for

#: The text columns, in FTS5 column order, and their bm25() weights (as Whoosh's).
COLUMNS = tuple(TEXT_FIELDS)
WEIGHTS = tuple(TEXT_FIELDS.values())
#: Whoosh's English stop words, which the registry's analyser drops too.
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if",
        "in", "is", "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to",
        "us", "we", "when", "will", "with", "yet", "you", "your",
    }
)  # fmt: skip
DEFAULT_STATES = ("published", "deprecated")
MAX_CLAUSES = 16
MAX_PER_PAGE = 100
SNIPPET_TOKENS = 32
#: Walk a sort-order index rather than sort the matches when they are over 1/8 of all.
_WALK_INDEX = 8
#: Facet keys stored in the side table: the facets, the state, whole licence expressions.
STORED_FACETS = (*FACETS, "state", "licence_expression")

_CHUNK = re.compile(r'(-?)"([^"]*)"|(\S+)')
_TOKEN = re.compile(r"[^\W_]+")  # what unicode61 keeps: letters and digits
_OPEN, _CLOSE = "\x02", "\x03"  # markers for highlight(), replaced after escaping
_NAMES, _SUMMARY, _FEATURES, _DESCRIPTION = (
    COLUMNS.index(c) for c in ("names", "summary", "features", "description")
)


def match_expression(text: str, mode: str = "AND") -> tuple[str, str, int]:
    """(required, excluded, number of required clauses) as FTS5 MATCH expressions.

    Each word becomes a quoted string (a word the tokenizer splits, such as "e-referral",
    becomes a phrase); required clauses are joined with spaces (AND) or " OR ".
    """
    required: list[str] = []
    excluded: list[str] = []
    for match in _CHUNK.finditer(str(text)[:1000]):
        if len(required) + len(excluded) >= MAX_CLAUSES:
            break
        negative, phrase, word = match.groups()
        if phrase is not None:
            tokens, is_excluded = _TOKEN.findall(phrase.lower()), negative == "-"
        else:
            typed = word.lstrip("-+")
            is_excluded = word.startswith("-") and bool(typed)
            tokens = _TOKEN.findall(typed.lower())
            if len(tokens) == 1 and tokens[0] in STOP_WORDS:
                continue
        if tokens:
            (excluded if is_excluded else required).append('"' + " ".join(tokens) + '"')
    joiner = " " if mode == "AND" else " OR "
    return joiner.join(required), " OR ".join(excluded), len(required)


class Fts5Index:
    """The baseline engine: one SQLite database file."""

    def __init__(self, path: Path, cache_mib: int = 64) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f"PRAGMA cache_size=-{cache_mib * 1024}")
        self.db.execute("PRAGMA temp_store=MEMORY")
        columns = ", ".join(COLUMNS)
        self.db.executescript(
            f"""
            CREATE TABLE IF NOT EXISTS docs (
                rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                summary TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
                state TEXT NOT NULL, licence TEXT NOT NULL, open_source INTEGER NOT NULL,
                factor REAL NOT NULL, name_sort TEXT NOT NULL, updated_at TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS facet_values (
                id INTEGER PRIMARY KEY, facet TEXT NOT NULL, value TEXT NOT NULL,
                UNIQUE (facet, value)
            );
            CREATE TABLE IF NOT EXISTS doc_facets (
                doc INTEGER NOT NULL, value_id INTEGER NOT NULL, PRIMARY KEY (doc, value_id)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS doc_facets_by_value ON doc_facets (value_id, doc);
            CREATE INDEX IF NOT EXISTS docs_by_name ON docs (name_sort);
            CREATE INDEX IF NOT EXISTS docs_by_updated ON docs (updated_at DESC, name_sort);
            CREATE INDEX IF NOT EXISTS docs_by_rank ON docs (factor DESC, name_sort);
            CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
                {columns}, tokenize='porter unicode61'
            );
            CREATE TEMP TABLE hits (doc INTEGER PRIMARY KEY, score REAL NOT NULL);
            CREATE TEMP TABLE selected (doc INTEGER PRIMARY KEY, score REAL NOT NULL);
            CREATE TEMP TABLE others (doc INTEGER PRIMARY KEY, score REAL NOT NULL);
            """
        )
        self._bm25 = "bm25(fts, " + ", ".join(str(w) for w in WEIGHTS) + ")"
        self._count: int | None = None
        # Facet values are numbered (GROUP BY on integers is twice as fast as on text).
        self._values: dict[int, tuple[str, str]] = {}
        self._ids: dict[tuple[str, str], int] = {}
        self._folded: dict[tuple[str, str], list[int]] = {}
        self._reload_values()

    # Writing

    def rebuild(self, entries: Iterable[IndexedEntry]) -> int:
        """Replace everything in one transaction, then merge the FTS5 b-trees; the count."""
        seen: set[str] = set()
        self._count = None
        self.db.execute("BEGIN")
        try:
            for table in ("docs", "doc_facets", "facet_values", "fts"):
                self.db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
            self._reload_values()
            for entry in entries:
                if entry.id not in seen:
                    seen.add(entry.id)
                    self._insert(entry)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            self._reload_values()
            raise
        self.db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.execute("ANALYZE")
        return len(seen)

    def apply(self, upserts: Sequence[IndexedEntry], deletes: Sequence[str]) -> None:
        """Delete, then (re)add, in one transaction (as `WhooshIndex.apply`)."""
        latest = {entry.id: entry for entry in upserts}
        self._count = None
        self.db.execute("BEGIN")
        try:
            for entry_id in {*deletes, *latest}:
                row = self.db.execute("SELECT rowid FROM docs WHERE id = ?", (entry_id,)).fetchone()
                if row is not None:
                    for table, key in (("docs", "rowid"), ("doc_facets", "doc"), ("fts", "rowid")):
                        self.db.execute(f"DELETE FROM {table} WHERE {key} = ?", row)  # noqa: S608
            for entry in latest.values():
                self._insert(entry)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            self._reload_values()
            raise

    def _insert(self, entry: IndexedEntry) -> None:
        fields = fields_for(entry)
        card = Card.decode(fields["card"])
        cursor = self.db.execute(
            "INSERT INTO docs (id, name, summary, kind, status, state, licence, open_source,"
            " factor, name_sort, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.id,
                card.name,
                fields.get("summary", ""),
                card.kind,
                card.status,
                card.state,
                card.licence,
                int(card.open_source),
                STATE_FACTORS.get(card.state, 1.0),
                fields["name_sort"],
                card.updated_at,
            ),
        )
        rowid = cursor.lastrowid
        self.db.execute(
            f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}) "  # noqa: S608 - fixed names
            f"VALUES (?, {', '.join('?' for _ in COLUMNS)})",
            (rowid, *(fields.get(c, "") for c in COLUMNS)),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO doc_facets (doc, value_id) VALUES (?, ?)",
            [(rowid, self._value_id(f, v)) for f in STORED_FACETS for v in card.facet_values(f)],
        )

    def _reload_values(self) -> None:
        self._values.clear()
        self._ids.clear()
        self._folded.clear()
        for value_id, facet, value in self.db.execute("SELECT id, facet, value FROM facet_values"):
            self._remember(value_id, facet, value)

    def _value_id(self, facet: str, value: str) -> int:
        found = self._ids.get((facet, value))
        if found is None:
            cursor = self.db.execute(
                "INSERT INTO facet_values (facet, value) VALUES (?, ?)", (facet, value)
            )
            assert cursor.lastrowid is not None
            found = cursor.lastrowid
            self._remember(found, facet, value)
        return found

    def _remember(self, value_id: int, facet: str, value: str) -> None:
        self._values[value_id] = (facet, value)
        self._ids[(facet, value)] = value_id
        self._folded.setdefault((facet, value.casefold()), []).append(value_id)

    def _selection(self, facet: str, values: list[str]) -> tuple[str, list[int]]:
        """SQL true for the hits carrying any of the values (case ignored), and its params."""
        keys = ("licence", "licence_expression") if facet == "licence" else (facet,)
        ids = [i for k in keys for v in values for i in self._folded.get((k, v.casefold()), [])]
        if not ids:
            return "0", []
        # An IN subquery is evaluated once per statement, then probed for each hit.
        return (
            f"h.doc IN (SELECT doc FROM doc_facets WHERE value_id IN "  # noqa: S608
            f"({', '.join('?' for _ in ids)}))"
        ), ids

    # Reading

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def _size(self) -> int:
        """Entries in the index, counted once per change."""
        if self._count is None:
            self._count = self.count()
        return self._count

    def size_bytes(self) -> int:
        """The database file and its WAL, as they are on disk now."""
        files = [self.path, self.path.with_name(self.path.name + "-wal")]
        return sum(p.stat().st_size for p in files if p.exists())

    def search(self, query: SearchQuery) -> SearchResult:
        page = max(1, int(query.page))
        per_page = min(MAX_PER_PAGE, max(1, int(query.per_page)))
        filters = _filters(query.filters)
        states = filters.pop("state", None) or (
            (*DEFAULT_STATES, "retired") if query.include_retired else DEFAULT_STATES
        )
        scope = f"d.state IN ({', '.join('?' for _ in states)})"
        required, excluded, clauses = match_expression(query.text)
        used = required
        db = self.db
        db.execute("DELETE FROM temp.hits")
        not_excluded, exclusion = "", tuple[str, ...]()
        if excluded:
            not_excluded = " AND d.rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
            exclusion = (excluded,)
        if required:
            insert = (
                f"INSERT INTO temp.hits (doc, score) SELECT d.rowid, {self._bm25} * d.factor "  # noqa: S608
                f"FROM fts CROSS JOIN docs d ON d.rowid = fts.rowid "
                f"WHERE fts MATCH ? AND {scope}{not_excluded}"
            )
            matched = db.execute(insert, (required, *states, *exclusion)).rowcount
            if not matched and clauses > 1:
                used = match_expression(query.text, "OR")[0]
                matched = db.execute(insert, (used, *states, *exclusion)).rowcount
        else:
            matched = db.execute(
                f"INSERT INTO temp.hits (doc, score) SELECT d.rowid, 0 FROM docs d "  # noqa: S608
                f"WHERE {scope}{not_excluded}",
                (*states, *exclusion),
            ).rowcount

        # The matches that pass every filter, and (for each filtered facet's own counts) the
        # matches that pass every other filter, each in a temporary table of its own.
        conditions = {facet: self._selection(facet, values) for facet, values in filters.items()}
        results, total = self._narrow("selected", conditions, None, matched)
        facets = self._facet_counts(filters, conditions, results, total, matched)
        if query.sort == "name":
            order, index = "d.name_sort", "docs_by_name"
        elif query.sort == "updated":
            order, index = "d.updated_at DESC, d.name_sort", "docs_by_updated"
        elif required:
            order, index = "h.score, d.name_sort", ""  # bm25() is negative: best is lowest
        else:
            order, index = "d.factor DESC, d.name_sort", "docs_by_rank"
        if index and self._broad(total):
            # Many results in a stored order: walk the index, stop at the page's end.
            joined = f"docs d INDEXED BY {index} CROSS JOIN temp.{results} h ON h.doc = d.rowid"
        else:
            joined = f"temp.{results} h CROSS JOIN docs d ON d.rowid = h.doc"
        rows = db.execute(
            f"SELECT d.rowid, d.id, d.name, d.summary, d.kind, d.status, d.state, d.licence, "  # noqa: S608
            f"d.open_source, h.score FROM {joined} ORDER BY {order} LIMIT ? OFFSET ?",
            (per_page, (page - 1) * per_page),
        ).fetchall()
        marked = self._highlights(used, [r[0] for r in rows]) if required and rows else {}
        hits = [
            Hit(
                id=r[1],
                name=r[2],
                summary=r[3],
                kind=r[4],
                status=r[5],
                state=r[6],
                licence=r[7],
                open_source=bool(r[8]),
                score=round(-float(r[9]), 4) or 0.0,
                highlights=marked.get(r[0], {"summary": html.escape(r[3])}),
            )
            for r in rows
        ]
        return SearchResult(
            query=query.text,
            total=total,
            page=page,
            per_page=per_page,
            hits=hits,
            facets=facets,
            suggestion=None,
        )

    def _broad(self, count: int) -> bool:
        """Whether a set of results is a large part of the index (so indexes are walked)."""
        return count * _WALK_INDEX > self._size()

    def _narrow(
        self,
        table: str,
        conditions: Mapping[str, tuple[str, list[int]]],
        skip: str | None,
        matched: int,
    ) -> tuple[str, int]:
        """The temporary table holding the matches that pass the filters (all but `skip`'s)."""
        sql = [condition for facet, (condition, _) in conditions.items() if facet != skip]
        if not sql:
            return "hits", matched
        params = [p for facet, (_, ps) in conditions.items() if facet != skip for p in ps]
        self.db.execute(f"DELETE FROM temp.{table}")  # noqa: S608 - fixed names
        count = self.db.execute(
            f"INSERT INTO temp.{table} (doc, score) SELECT h.doc, h.score "  # noqa: S608
            f"FROM temp.hits h WHERE {' AND '.join(sql)}",
            params,
        ).rowcount
        return table, count

    def _group(self, table: str, count: int) -> list[tuple[int, int]]:
        """(facet value id, documents) over a table of results, by GROUP BY."""
        if not count:
            return []
        if self._broad(count):
            # Walk the facet index in value order (no sorting) and look each document up.
            sql = (
                "SELECT f.value_id, count(*) FROM doc_facets f INDEXED BY doc_facets_by_value "  # noqa: S608
                f"CROSS JOIN temp.{table} h ON h.doc = f.doc GROUP BY f.value_id"
            )
        else:
            sql = (
                f"SELECT f.value_id, count(*) FROM temp.{table} h "  # noqa: S608
                "CROSS JOIN doc_facets f ON f.doc = h.doc GROUP BY f.value_id"
            )
        return self.db.execute(sql).fetchall()

    def _facet_counts(
        self,
        filters: Mapping[str, list[str]],
        conditions: Mapping[str, tuple[str, list[int]]],
        results: str,
        total: int,
        matched: int,
    ) -> dict[str, dict[str, int]]:
        """Counts per facet value; a facet with a filter of its own is counted without it."""
        counted: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        plain = {f for f in FACETS if f not in filters}
        for facet in FACETS:
            if facet in filters:
                table, count = self._narrow("others", conditions, facet, matched)
                for value_id, count_ in self._group(table, count):
                    name, value = self._values[value_id]
                    if name == facet:
                        counted[facet][value] = count_
        if plain:
            for value_id, count_ in self._group(results, total):
                name, value = self._values[value_id]
                if name in plain:
                    counted[name][value] = count_
        for facet, values in filters.items():
            if facet in counted:
                for value in values:
                    # A chosen value stays listed (as indexed); a whole licence expression
                    # is not a licence id, so it is not listed (as in the Whoosh index).
                    whole = self._folded.get(("licence_expression", value.casefold()))
                    if facet != "licence" or not whole:
                        known = self._folded.get((facet, value.casefold()))
                        counted[facet].setdefault(self._values[known[0]][1] if known else value, 0)
        return {
            facet: dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))
            for facet, values in counted.items()
        }

    def _highlights(self, expression: str, rowids: list[int]) -> dict[int, dict[str, str]]:
        marks = f"'{_OPEN}', '{_CLOSE}'"
        rows = self.db.execute(
            f"SELECT rowid, highlight(fts, {_NAMES}, {marks}), "  # noqa: S608
            f"highlight(fts, {_SUMMARY}, {marks}), highlight(fts, {_FEATURES}, {marks}), "
            f"snippet(fts, {_DESCRIPTION}, {marks}, '…', {SNIPPET_TOKENS}) "
            f"FROM fts WHERE fts MATCH ? AND rowid IN ({', '.join('?' for _ in rowids)})",
            (expression, *rowids),
        )
        found: dict[int, dict[str, str]] = {}
        for rowid, names, summary, features, description in rows:
            highlights: dict[str, str] = {}
            name = (names or "").split("\n", 1)[0]
            if _OPEN in name:
                highlights["name"] = _render(name)
            highlights["summary"] = _render(summary or "")
            if description and _OPEN in description:
                highlights["description"] = _render(description)
            feature = next((f for f in (features or "").split("\n") if _OPEN in f), None)
            if feature is not None:
                highlights["features"] = _render(feature)
            found[rowid] = highlights
        return found

    def close(self) -> None:
        self.db.close()


def _filters(raw: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for key, values in (raw or {}).items():
        if key not in (*FACETS, "state"):
            continue
        listed = [values] if isinstance(values, str) else list(values or [])
        cleaned = [str(v) for v in listed if str(v) != ""]
        if cleaned:
            result[key] = cleaned
    return result


def _render(text: str) -> str:
    escaped = html.escape(text).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
    return " ".join(escaped.split())
