"""One search over one snapshot: understand, match, filter, count, rank, page, highlight.

Understanding (see `understanding`): words the index does not know are corrected from
its own vocabulary; other forms of a word and synonyms are added as alternatives; each
clause gets a weight from how many entries use it, so "system" or "online" weigh little.

Matching does not require every word. An entry matches when it has any clause (and every
"quoted phrase", and no -excluded word); its coverage is the share of the query's weight
it matches, and entries covering much less than the best one are left out. Relevance is
field-weighted BM25 (each clause scaled by its weight) times coverage cubed, times a
boost when the entry has a facet value the query names, times the review state's factor
(deprecated entries count half). An entry whose name or alias is the whole query ranks
first.
"""

import heapq
import math
from dataclasses import dataclass, replace

import numpy as np

from registry.search import bits
from registry.search.analysis import Normaliser
from registry.search.bits import Mask
from registry.search.collapsing import collapse
from registry.search.highlight import Highlighter
from registry.search.meaning import Encoder, Vectors
from registry.search.model import FACETS, MAX_PER_PAGE, SORTS, Hit, SearchQuery, SearchResult
from registry.search.query import ParsedQuery, SynonymTable, parse
from registry.search.snapshot import Docnums, Scores, Snapshot
from registry.search.spelling import correct
from registry.search.understanding import clause_weight, facet_names, with_word_forms

#: Ranking: an entry's score is its BM25F text score times its coverage (the share of the
#: query's weight it matches) to this power, so matching the important words counts more
#: than matching any one word often. Tuned on the tuning split of bench's judged queries.
COVERAGE_POWER = 3.0
#: Each clause's BM25F score is scaled by (its weight / the heaviest clause's) to this power.
WEIGHT_POWER = 1.0
#: Entries covering less than this share of the best entry's coverage are left out.
RELATIVE_FLOOR = 0.35
#: A score multiplier for entries with a facet value the query names ("API", "FHIR").
FACET_BOOST = 0.3
#: With meaning vectors, an entry's score is (1 - MEANING_WEIGHT) x its word score (as a
#: share of the best) + MEANING_WEIGHT x the cosine similarity of its meaning to the
#: query's (as a share of the closest entry's); and the MEANING_EXTRA entries closest in
#: meaning join the results even when they share no word with the query, if at least
#: MEANING_FLOOR similar.
MEANING_WEIGHT = 0.65
MEANING_EXTRA = 15
MEANING_FLOOR = 0.4
#: Feedback: the query's meaning is moved towards the mean of the FEEDBACK_ENTRIES best
#: results of a first blend (weight FEEDBACK_WEIGHT), and the blend is made again. A need
#: worded unlike any entry ("report side effects") borrows the wording of the entries it
#: found ("adverse reactions"). Tuning split: recall@10 0.763 -> 0.778.
FEEDBACK_ENTRIES = 5
FEEDBACK_WEIGHT = 0.5
DEFAULT_STATES = ("published", "deprecated")


@dataclass
class Matches:
    """Text matches: each document's ranking score and coverage, plus the exact-name tier."""

    scores: Scores | None  # per document; None: the query has no words, everything matches
    members: int  # bitset of the matching documents
    exact: frozenset[int] = frozenset()
    coverage: Scores | None = None  # per document, for the members


def search(
    snapshot: Snapshot,
    query: SearchQuery,
    normaliser: Normaliser,
    synonyms: SynonymTable,
    encoder: Encoder | None = None,
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
    suggestion = None
    correction = correct(parsed, snapshot, normaliser)
    if correction is not None:
        parsed, suggestion = correction.parsed, correction.suggestion
    similarities = None
    if encoder is not None and parsed.required and snapshot.has_meaning:
        wording = " ".join(c.text for c in parsed.required)
        similarities = snapshot.similarities(encoder.query(wording))
    parsed = replace(parsed, clauses=tuple(with_word_forms(parsed.clauses, snapshot, normaliser)))
    matches = _match(snapshot, parsed, normaliser, scope, similarities)

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
    coverage = None
    if matches.coverage is not None:
        coverage = float(matches.coverage[bits.to_mask(results, snapshot.size)].max(initial=0.0))
    return SearchResult(
        query=query.text,
        total=total,
        page=page,
        per_page=per_page,
        hits=hits,
        facets=table.counts(base, selections, filters, snapshot.cards),
        suggestion=suggestion,
        coverage=None if coverage is None else round(coverage, 4),
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


def _match(
    snapshot: Snapshot,
    parsed: ParsedQuery,
    normaliser: Normaliser,
    scope: int,
    similarities: Vectors | None = None,
) -> Matches:
    # Arrays over every document of the snapshot: a few numpy operations per clause cost
    # less than a Python loop over the documents that match any word of a long need.
    size = snapshot.size
    required = parsed.required
    excluded = np.zeros(size, dtype=np.bool_)
    for clause in parsed.excluded:
        excluded[snapshot.clause_arrays(clause.alternatives)[0]] = True
    if not required:
        members = snapshot.live
        if excluded.any():
            members &= ~bits.from_mask(excluded)
        return Matches(None, members)
    weights = [clause_weight(snapshot, c) for c in required]
    heaviest = max(weights) or 1.0
    total_weight = sum(weights) or 1.0
    # Which clauses each document matches (row i: clause i), and its summed BM25F score.
    hits = np.zeros((len(required), size), dtype=np.bool_)
    text = np.zeros(size)
    for i, clause in enumerate(required):
        docs, values = snapshot.clause_arrays(clause.alternatives)
        hits[i, docs] = True
        text[docs] += values * (weights[i] / heaviest) ** WEIGHT_POWER
    matched = hits.any(axis=0)
    boosted = np.zeros(size, dtype=np.bool_)
    for named in facet_names(required, snapshot, normaliser):
        postings = snapshot.facets.postings.get(named.facet, {})
        having = bits.to_mask(postings.get(named.value, 0), size)
        if named.facet == "standard":
            having[snapshot.with_id(named.value)] = True  # the standard's own entry
        # The entry is what the query names ("API"), whether or not its text says so.
        named_docs = matched & having
        boosted |= named_docs
        for i in named.clauses:
            hits[i] |= named_docs
    eligible = matched & ~excluded
    coverage = np.zeros(size)
    for i, clause in enumerate(required):
        if clause.quoted:
            eligible &= hits[i]
        coverage += hits[i] * weights[i]
    coverage /= total_weight
    best = float(coverage[eligible & bits.to_mask(scope, size)].max(initial=0.0))
    kept = eligible & (coverage >= best * RELATIVE_FLOOR)
    boost = np.where(boosted, 1.0 + FACET_BOOST, 1.0)
    scores = np.where(kept, text * boost * coverage**COVERAGE_POWER, 0.0)
    if similarities is not None:
        in_scope = bits.to_mask(scope, size)
        similarities = _with_feedback(snapshot, scores, kept, similarities, in_scope, excluded)
        quoted = any(c.quoted for c in required)
        scores, added = _blend(scores, kept, similarities, in_scope, excluded, quoted)
        kept[added] = True
        coverage[added] = 0.0  # they match no word
    exact = frozenset(d for d in snapshot.exact(parsed.exact) if not excluded[d])
    for d in exact:
        if not kept[d]:
            kept[d], scores[d] = True, 0.0
        coverage[d] = 1.0
    return Matches(scores, bits.from_mask(kept), exact, coverage)


def _with_feedback(
    snapshot: Snapshot,
    scores: Scores,
    kept: Mask,
    similarities: Vectors,
    in_scope: Mask,
    excluded: Mask,
) -> Vectors:
    """Each document's similarity to the query's meaning moved towards its best results'
    (see FEEDBACK_ENTRIES): Rocchio's relevance feedback, with the first results taken as
    relevant. As M q and M c are both known, M (q + b c) needs one more product, not a
    new encoding; dividing by |q + b c| keeps it a cosine."""
    first, added = _blend(scores, kept, similarities, in_scope, excluded, quoted=False)
    candidates = kept & in_scope
    candidates[added] = True
    docs = np.flatnonzero(candidates)
    if not docs.size:
        return similarities
    best = docs[np.argsort(-first[docs], kind="stable")[:FEEDBACK_ENTRIES]]
    centre = snapshot.vectors(best.tolist()).mean(axis=0)
    closeness = float(similarities[best].mean())  # q . c, since M q is known
    length = math.sqrt(
        1.0 + 2.0 * FEEDBACK_WEIGHT * closeness + FEEDBACK_WEIGHT**2 * float(centre @ centre)
    )
    around = snapshot.similarities(centre)
    if around is None:
        return similarities
    moved: Vectors = ((similarities + FEEDBACK_WEIGHT * around) / length).astype(np.float32)
    return moved


def _blend(
    scores: Scores,
    kept: Mask,
    similarities: Vectors,
    in_scope: Mask,
    excluded: Mask,
    quoted: bool,
) -> tuple[Scores, Docnums]:
    """Word scores blended with meaning, and the nearest entries in meaning that join the
    results (they match no word), unless the query quotes a phrase. Both parts are shares
    of their best, so that neither dominates when the query is close to everything or to
    nothing."""
    best = float(scores[kept & in_scope].max(initial=0.0)) or 1.0
    closest = float(similarities.max()) if len(similarities) else 0.0
    nearness = 1.0 / closest if closest > 0.0 else 0.0
    meaning = np.maximum(0.0, similarities.astype(np.float64) * nearness)
    blended = np.where(kept, (1.0 - MEANING_WEIGHT) * scores / best + MEANING_WEIGHT * meaning, 0.0)
    added: list[int] = []
    if not quoted:
        # A few times more candidates than needed: some are outside the scope or excluded.
        count = min(len(similarities), MEANING_EXTRA * 4)
        nearest = np.argpartition(-similarities, count - 1)[:count] if count else kept[:0]
        for d in nearest[np.argsort(-similarities[nearest], kind="stable")].tolist():
            if len(added) == MEANING_EXTRA or similarities[d] < MEANING_FLOOR:
                break
            if not kept[d] and not excluded[d] and in_scope[d]:
                added.append(d)
    joined = np.array(added, dtype=np.intp)
    blended[joined] = MEANING_WEIGHT * meaning[joined]
    return blended, joined


def _page(snapshot: Snapshot, matches: Matches, results: int, sort: str, needed: int) -> list[int]:
    """The first `needed` result documents in the requested order."""
    if not results or needed <= 0:
        return []
    docs = np.flatnonzero(bits.to_mask(results, snapshot.size))
    if sort == "relevance" and matches.scores is not None:
        scores, factors, exact = matches.scores, snapshot.factors, matches.exact
        # Only the documents that can reach the page are sorted by the whole key.
        keys = scores[docs] * snapshot.factor_array[docs]
        if len(docs) > needed:
            docs = docs[keys >= np.partition(keys, len(keys) - needed)[len(keys) - needed]]
        candidates = set(docs.tolist()).union(d for d in exact if results >> d & 1)
        by_name = snapshot.position("name")  # ties go by name, not by where a document sits
        return heapq.nlargest(
            needed,
            candidates,
            key=lambda d: (d in exact, float(scores[d]) * factors[d], -by_name[d]),
        )
    labels = snapshot.position_array("rank" if sort == "relevance" else sort)[docs]
    if len(docs) > needed:
        chosen = np.argpartition(labels, needed - 1)[:needed]
        docs, labels = docs[chosen], labels[chosen]
    return docs[np.argsort(labels, kind="stable")].tolist()  # type: ignore[no-any-return]


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
        score = round(float(matches.scores[docnum]) * snapshot.factors[docnum], 4)
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
