"""One search over one snapshot: match, correct, filter, count, rank, page, highlight.

Matching: every clause must match (AND). When that finds fewer than `FEW` entries, words
that look mistyped are corrected from the index's own vocabulary and the search retried;
when no entry matches every clause, entries matching some are returned, those matching
more clauses first. An entry whose name or alias is the whole query ranks first.
Relevance is field-weighted BM25 times the review state's factor (deprecated entries
count half).
"""

import heapq
from dataclasses import dataclass

from registry.search import bits
from registry.search.analysis import Normaliser
from registry.search.collapsing import collapse
from registry.search.highlight import Highlighter
from registry.search.model import FACETS, MAX_PER_PAGE, SORTS, Hit, SearchQuery, SearchResult
from registry.search.query import ParsedQuery, SynonymTable, parse
from registry.search.snapshot import Snapshot
from registry.search.spelling import correct

FEW = 3
DEFAULT_STATES = ("published", "deprecated")


@dataclass
class Matches:
    """Text matches: document -> score, plus ranking tiers."""

    scores: dict[int, float] | None  # None: the query has no words, everything matches
    members: int  # bitset of the matching documents
    exact: frozenset[int] = frozenset()
    coordination: dict[int, int] | None = None  # clauses matched, when not all had to be


def search(
    snapshot: Snapshot, query: SearchQuery, normaliser: Normaliser, synonyms: SynonymTable
) -> SearchResult:
    page = max(1, _int(query.page, 1))
    per_page = min(MAX_PER_PAGE, max(1, _int(query.per_page, 20)))
    sort = query.sort if query.sort in SORTS else "relevance"
    filters = _filters(query)
    table = snapshot.facets

    states = filters.get("state") or (
        (*DEFAULT_STATES, "retired") if query.include_retired else DEFAULT_STATES
    )
    scope = snapshot.live & table.selection("state", states)
    parsed = parse(query.text, normaliser, synonyms)
    matches = _match(snapshot, parsed, mode="all")
    suggestion = None
    if parsed.required and (matches.members & scope).bit_count() < FEW:
        correction = correct(parsed, snapshot, normaliser)
        if correction is not None:
            retried = _match(snapshot, correction.parsed, mode="all")
            if (retried.members & scope).bit_count() > (matches.members & scope).bit_count():
                matches, parsed, suggestion = retried, correction.parsed, correction.suggestion
        if not matches.members & scope and len(parsed.required) > 1:
            matches = _match(snapshot, parsed, mode="any")

    base = matches.members & scope
    selections = {
        facet: table.selection(facet, values)
        for facet, values in filters.items()
        if facet in FACETS
    }
    results = base
    for selected in selections.values():
        results &= selected
    shown = collapse(
        snapshot, query.linked, results, lambda d, n: _page(snapshot, matches, d, sort, n)
    )
    base, results = base & ~shown.hidden, results & ~shown.hidden
    total = results.bit_count()
    ordered = _page(snapshot, matches, results, sort, page * per_page)
    page_docs = ordered[(page - 1) * per_page :]
    highlighter = Highlighter(parsed.sequences(), normaliser)
    hits = [shown.annotate(d, _hit(snapshot, d, matches, highlighter)) for d in page_docs]
    return SearchResult(
        query=query.text,
        total=total,
        page=page,
        per_page=per_page,
        hits=hits,
        facets=table.counts(base, selections, filters, snapshot.cards),
        suggestion=suggestion,
    )


def _filters(query: SearchQuery) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for key, values in (query.filters or {}).items():
        if key not in (*FACETS, "state"):
            continue
        listed = [values] if isinstance(values, str) else list(values or [])
        cleaned = [str(v) for v in listed if str(v) != ""]
        if cleaned:
            result[key] = cleaned
    return result


def _match(snapshot: Snapshot, parsed: ParsedQuery, mode: str) -> Matches:
    required = [snapshot.clause(c.alternatives) for c in parsed.required]
    excluded: set[int] = set()
    for clause in parsed.excluded:
        excluded.update(snapshot.clause(clause.alternatives))
    if not required:
        members = snapshot.live
        if excluded:
            members &= ~bits.from_docnums(excluded, snapshot.size)
        return Matches(None, members)
    coordination: dict[int, int] | None = None
    if mode == "all":
        required.sort(key=len)
        keys = set(required[0])
        for other in required[1:]:
            keys.intersection_update(other)
        scores = {d: sum(c[d] for c in required) for d in keys}
    else:
        scores = {}
        counts: dict[int, int] = {}
        for clause_scores in required:
            for d, s in clause_scores.items():
                scores[d] = scores.get(d, 0.0) + s
                counts[d] = counts.get(d, 0) + 1
        coordination = counts
    exact = frozenset(d for d in snapshot.exact(parsed.exact) if d not in excluded)
    for d in exact:
        scores.setdefault(d, 0.0)
    for d in excluded:
        scores.pop(d, None)
    return Matches(scores, bits.from_docnums(scores, snapshot.size), exact, coordination)


def _page(snapshot: Snapshot, matches: Matches, results: int, sort: str, needed: int) -> list[int]:
    """The first `needed` result documents in the requested order."""
    if not results:
        return []
    docs = bits.docnums(results)
    if sort == "relevance" and matches.scores is not None:
        scores, factors, exact = matches.scores, snapshot.factors, matches.exact
        coordination = matches.coordination or {}
        by_name = snapshot.position("name")  # ties go by name, not by where a document sits
        return heapq.nlargest(
            needed,
            docs,
            key=lambda d: (d in exact, coordination.get(d, 0), scores[d] * factors[d], -by_name[d]),
        )
    position = snapshot.position("rank" if sort == "relevance" else sort)
    return heapq.nsmallest(needed, docs, key=position.__getitem__)


def _hit(snapshot: Snapshot, docnum: int, matches: Matches, highlighter: Highlighter) -> Hit:
    card = snapshot.cards[docnum]
    assert card is not None  # results only hold live entries
    stored = snapshot.stored(docnum)
    summary = str(stored.get("summary", ""))
    highlights: dict[str, str] = {}
    name, name_matched = highlighter.mark(card.name)
    if name_matched:
        highlights["name"] = name
    highlights["summary"] = highlighter.mark(summary)[0]
    description = highlighter.fragment(str(stored.get("description", "")))
    if description is not None:
        highlights["description"] = description
    features = highlighter.first_marked(str(stored.get("features", "")).split("\n"))
    if features is not None:
        highlights["features"] = features
    score = 0.0
    if matches.scores is not None:
        score = round(matches.scores.get(docnum, 0.0) * snapshot.factors[docnum], 4)
    return Hit(
        id=card.id,
        name=card.name,
        summary=summary,
        kind=card.kind,
        status=card.status,
        state=card.state,
        licence=card.licence,
        open_source=card.open_source,
        score=score,
        highlights=highlights,
    )


def _int(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError, OverflowError):
        return default
