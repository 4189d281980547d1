"""One consistent view of the index: a Whoosh searcher plus what searches keep in memory.

Whoosh's matchers cost microseconds per posting in pure Python; over every field of a
broad query at 10k entries that alone would exceed the latency budget. So postings are
read in whole blocks, turned into BM25 term-frequency factors once per (immutable)
segment and cached there, and combined per search with plain dict arithmetic. Facet
values, names and field lengths come from a per-document `card` column, also loaded once
per segment; a new snapshot after `apply` only loads the segments it has not seen.

A write must not rebuild what it did not change: a snapshot opened after a commit that
left the leading segments in place (an apply adds one small segment; a background merge
replaces the small ones after the first) derives its document tables, facet bitsets and
sort orders from the previous snapshot's, touching only the new segments and the newly
deleted documents.
"""

import bisect
import math
import threading
import weakref
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from symspellpy import SymSpell, Verbosity
from whoosh.query import Term

from registry.search import bits
from registry.search.facets import FacetTable
from registry.search.meaning import DIMENSIONS, Vectors, decode
from registry.search.postings import deleted_docs, phrase_docs, read_postings
from registry.search.query import Alternatives
from registry.search.schema import META_ID, STATE_FACTORS, TEXT_FIELDS, Card, name_key

K1 = 1.2
#: BM25 length normalisation per field: lists and names barely penalise length.
B = {"names": 0.3, "tags": 0.3, "standards": 0.3, "topics": 0.3, "owner": 0.3}
DEFAULT_B = 0.75
_FIELD_INDEX = {name: i for i, name in enumerate(TEXT_FIELDS)}
_SEGMENT_BUDGET = 2_000_000  # cached postings per segment before its cache is emptied
_SNAPSHOT_BUDGET = 2_000_000  # postings cached per snapshot (merged across segments)
_CLAUSE_BUDGET = 1_000_000  # clause results cached per snapshot
_FREQUENCIES = 200_000  # summed document frequencies cached per snapshot
_SUMMARIES = 20_000  # entry summaries cached per segment (for the duplicate check)
#: Typo correction: the longest edit distance looked up, and the symmetric-delete prefix
#: (5 keeps the structure ~10 MB for 18k words at the same answers as the default 7).
TYPO_DISTANCE = 2
_TYPO_PREFIX = 5
#: Sort orders give documents labels this far apart, so a new document gets a label
#: between its neighbours' without renumbering the others.
_GAP = 1 << 20
_LAST = 1 << 62  # the label of documents not in the order (deleted, or the meta record)
#: Beyond this many documents changed, an order is sorted afresh rather than patched.
_PATCH_LIMIT = 5_000
ORDERS = ("rank", "name", "updated")

#: Document numbers, values and a factor: each document's score is value * factor.
Postings = tuple["array[int]", "array[float]", float]
Docnums = npt.NDArray[np.intp]
Scores = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Segment:
    """What is kept in memory of one immutable Whoosh segment; shared by snapshots."""

    cards: list[Card | None]
    facets: FacetTable
    name_keys: list[str]
    lengths: list[list[int]]  # per text field, words in each document
    factors: list[float]  # each document's review-state score multiplier
    live: int  # bitset of the documents that are entries (not the meta record)
    totals: tuple[int, ...]  # per text field, words over every entry
    having: tuple[int, ...]  # per text field, entries with any words in it
    meaning: Vectors | None  # each document's meaning vector (zeros: none); None: no vectors
    unencoded: list[int]  # entries (documents with a card) without a meaning vector
    _terms: dict[tuple[str, str, float], tuple["array[int]", "array[float]"]] = field(
        default_factory=dict
    )
    _phrases: dict[tuple[str, tuple[str, ...]], list[int]] = field(default_factory=dict)
    _frequencies: dict[tuple[str, str], int] = field(default_factory=dict)
    _summaries: dict[int, str] = field(default_factory=dict)
    _cached: list[int] = field(default_factory=lambda: [0])
    _spelling: list[Any] = field(default_factory=list)  # [words, SymSpell] once built

    @classmethod
    def load(cls, reader: Any) -> "Segment":
        size = reader.doc_count_all()
        column = reader.column_reader("card") if reader.has_column("card") else None
        cards: list[Card | None] = []
        for docnum in range(size):
            data = column[docnum] if column is not None else b""
            cards.append(Card.decode(data) if data else None)
        lengths = [[c.lengths[i] if c else 0 for c in cards] for i in range(len(TEXT_FIELDS))]
        meaning = _meaning(reader, size)
        return cls(
            cards=cards,
            facets=FacetTable.from_cards(cards),
            name_keys=[name_key(c.name) if c else "" for c in cards],
            lengths=lengths,
            factors=[STATE_FACTORS.get(c.state, 1.0) if c else 0.0 for c in cards],
            live=bits.from_docnums([d for d, c in enumerate(cards) if c is not None], size),
            totals=tuple(sum(field) for field in lengths),
            having=tuple(sum(1 for n in field if n) for field in lengths),
            meaning=meaning,
            unencoded=[
                d
                for d in (
                    range(size)
                    if meaning is None
                    else np.flatnonzero(~meaning.any(axis=1)).tolist()
                )
                if cards[d] is not None
            ],
        )

    def term(
        self, reader: Any, name: str, term: str, average: float
    ) -> tuple["array[int]", "array[float]"]:
        """(document numbers, BM25 term-frequency factors) of a term in a field."""
        key = (name, term, average)
        found = self._terms.get(key)
        if found is None:
            ids, frequencies = read_postings(reader, name, term)
            lengths = self.lengths[_FIELD_INDEX[name]]
            b = B.get(name, DEFAULT_B)
            constant = K1 * (1.0 - b)
            per_word = K1 * b / average
            factors = array(
                "d",
                [
                    tf / (tf + constant + per_word * lengths[d])
                    for d, tf in zip(ids, frequencies, strict=True)
                ],
            )
            found = (ids, factors)
            self._remember(len(ids))
            self._terms[key] = found
        return found

    def phrase(self, reader: Any, name: str, terms: tuple[str, ...], docs: list[int]) -> list[int]:
        """Which of `docs` (holding every word) hold the words one after another."""
        key = (name, terms)
        found = self._phrases.get(key)
        if found is None:
            found = list(phrase_docs(reader, name, terms, docs))
            self._remember(len(found))
            self._phrases[key] = found
        return found

    def spelling_words(self, reader: Any) -> dict[str, int]:
        """The segment's words as written (the `spelling` field) -> documents using them."""
        self._build_spelling(reader)
        words: dict[str, int] = self._spelling[0]
        return words

    def typo_lookup(self, reader: Any, word: str, distance: int) -> list[tuple[int, str]]:
        """(edit distance, word) of the closest words of this segment, from a
        symmetric-delete dictionary built once per (immutable) segment."""
        self._build_spelling(reader)
        lookup: SymSpell = self._spelling[1]
        found = lookup.lookup(word, Verbosity.ALL, max_edit_distance=distance)
        return [(item.distance, item.term) for item in found if item.distance]

    def _build_spelling(self, reader: Any) -> None:
        if self._spelling:
            return
        words: dict[str, int] = {}
        if reader.doc_count_all() and "spelling" in reader.indexed_field_names():
            for term, info in reader.iter_field("spelling"):
                text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
                words[text] = info.doc_frequency()
        lookup = SymSpell(max_dictionary_edit_distance=TYPO_DISTANCE, prefix_length=_TYPO_PREFIX)
        for text, count in words.items():
            if len(text) >= 3 and not text[0].isdigit():
                lookup.create_dictionary_entry(text, count)
        self._spelling[:] = [words, lookup]

    def frequency(self, reader: Any, name: str, term: str) -> int:
        """Documents of this segment with the term in the field (from its term table)."""
        key = (name, term)
        found = self._frequencies.get(key)
        if found is None:
            found = int(reader.doc_frequency(name, term)) if reader.doc_count_all() else 0
            if len(self._frequencies) > _SEGMENT_BUDGET // 10:
                self._frequencies.clear()
            self._frequencies[key] = found
        return found

    def _remember(self, size: int) -> None:
        # A running count, not a sum over the cache: other threads may be adding to it.
        self._cached[0] += size + 1
        if self._cached[0] > _SEGMENT_BUDGET:
            self._terms.clear()
            self._phrases.clear()
            self._cached[0] = 0


class Snapshot:
    """A searcher and the in-memory data derived from it; safe to share between threads."""

    def __init__(
        self, ix: Any, segments: dict[str, Segment], previous: "Snapshot | None" = None
    ) -> None:
        """`previous`: the snapshot this one replaces, whose tables it derives its own from
        where the segments are the same."""
        self.searcher = ix.searcher()
        # Closed by `close`, or when the snapshot is dropped unclosed (an index nobody
        # closed): segment files are separate open files, not one memory map.
        self._close = weakref.finalize(self, self.searcher.close)
        try:
            reader = self.searcher.reader()
            self.generation: int = reader.generation()
            self.leaves: list[tuple[Any, Segment, int]] = []
            for leaf, offset in reader.leaf_readers():
                key = _segment_key(leaf)
                _open_stored_fields(leaf)
                if key not in segments:
                    segments[key] = Segment.load(leaf)
                self.leaves.append((leaf, segments[key], offset))
            self.segment_keys = {_segment_key(leaf) for leaf, _, _ in self.leaves}
            self._offsets = [offset for _, _, offset in self.leaves]
            # Sort orders: (documents in order, each document's label), labels ascending.
            self._orders: dict[str, tuple[list[int], list[int]]] = {}
            self._build(previous)
            # After a write: the segments this snapshot adds to the previous one's, whose
            # sums over the segments are then carried over, not taken again.
            tail = _added_segments(previous, self.leaves)
            self._spelling_base = None
            self._frequency_base = None
            if previous is not None and tail is not None:
                words = previous.derived.get("spelling_words")
                self._spelling_base = None if words is None else (words, tail)
                self._frequency_base = (previous._frequencies, tail)
            self.meta: dict[str, Any] = self._meta()
        except BaseException:
            self._close()
            raise
        # Whoosh readers seek and read shared file objects: one thread at a time.
        self.io = threading.Lock()
        self.users = 0
        self.retired = False
        self._postings: dict[tuple[str, tuple[str, ...]], Postings] = {}
        self._postings_size = 0
        self._clauses: dict[Alternatives, dict[int, float]] = {}
        self._clause_arrays: dict[Alternatives, tuple[Docnums, Scores]] = {}
        self._clauses_size = 0
        # Summed over the segments, once a snapshot: a submission's duplicate check asks
        # for the same few hundred words again and again, and the sum took the io lock
        # and visited every segment each time (a quarter of a submission's CPU).
        self._frequencies: dict[tuple[str, str], int] = {}
        #: What query understanding derives from this snapshot (see `understanding`).
        self.derived: dict[str, Any] = {}

    def _build(self, previous: "Snapshot | None") -> None:
        # The leading segments this snapshot shares with the previous one, at the same
        # document numbers: their tables are taken over, not rebuilt.
        shared = 0
        if previous is not None:
            for (_, segment, offset), (_, before, was) in zip(
                self.leaves, previous.leaves, strict=False
            ):
                if segment is not before or offset != was:
                    break
                shared += 1
        if previous is None or not shared:
            kept, previous = 0, None
        elif shared < len(previous.leaves):
            kept = previous.leaves[shared][2]
        else:
            kept = previous.size
        tail = self.leaves[shared:]
        cards = previous.cards[:kept] if previous else []
        name_keys = previous.name_keys[:kept] if previous else []
        factors = previous.factors[:kept] if previous else []
        for _, segment, _ in tail:
            cards.extend(segment.cards)
            name_keys.extend(segment.name_keys)
            factors.extend(segment.factors)
        self.cards: list[Card | None] = cards
        self.name_keys: list[str] = name_keys
        self.factors: list[float] = factors
        self.size: int = len(cards)
        # Deletions can reach any segment, but there are few of them: read them all.
        deleted: set[int] = set()
        live = 0
        for reader, segment, offset in self.leaves:
            members = segment.live
            if reader.has_deletions():
                local = list(deleted_docs(reader))
                deleted.update(offset + d for d in local)
                members &= ~bits.from_docnums(local, len(segment.cards))
            live |= members << offset
        self.deleted = deleted
        self.live = live
        self.count = live.bit_count()
        tables = [(segment.facets, offset) for _, segment, offset in tail]
        self.facets: FacetTable
        if previous is not None:
            self.facets = FacetTable.extend(previous.facets, kept, tables)
        else:
            self.facets = FacetTable.combine(tables)
        self.state_bits = self.facets.postings.get("state", {})
        # Statistics over live entries only, so the same entries always score the same
        # however often they were deleted and re-added. Averages are over the entries that
        # have the field at all, as Lucene does.
        self.average = []
        gone = [c for d in deleted if (c := cards[d]) is not None]
        for i in range(len(TEXT_FIELDS)):
            total = sum(segment.totals[i] for _, segment, _ in self.leaves)
            total -= sum(c.lengths[i] for c in gone)
            having = sum(segment.having[i] for _, segment, _ in self.leaves)
            having -= sum(1 for c in gone if c.lengths[i])
            self.average.append(max(1.0, total / max(1, having)))
        if previous is not None:
            for order, (docs, labels) in list(previous._orders.items()):
                patched = self._patch(order, docs, labels, previous, kept)
                if patched is not None:
                    self._orders[order] = patched

    def _meta(self) -> dict[str, Any]:
        stored = self.searcher.document(id=META_ID)
        meta = stored.get("meta") if stored else None
        return meta if isinstance(meta, dict) else {}

    @property
    def high_water(self) -> int:
        value = self.meta.get("high_water", 0)
        return value if isinstance(value, int) else 0

    def close(self) -> None:
        with self.io:
            self._close()

    # Postings and scores

    def postings(self, name: str, terms: tuple[str, ...]) -> Postings:
        """Documents with a term (or phrase) in a field; score = value * factor (BM25)."""
        key = (name, terms)
        found = self._postings.get(key)
        if found is None:
            found = self._term(name, terms[0]) if len(terms) == 1 else self._phrase(name, terms)
            self._postings_size += len(found[0]) + 1
            if self._postings_size > _SNAPSHOT_BUDGET:
                self._postings.clear()
                self._postings_size = len(found[0]) + 1
            self._postings[key] = found
        return found

    def _term(self, name: str, term: str) -> Postings:
        # Three significant figures: the averages move a little with every write, and the
        # segments' cached BM25 factors are keyed by the average they were computed with;
        # a change that small does not change any ranking.
        average = float(f"{self.average[_FIELD_INDEX[name]]:.3g}")
        with self.io:
            parts = [
                (segment.term(reader, name, term, average), offset)
                for reader, segment, offset in self.leaves
            ]
        if len(parts) == 1 and not parts[0][1]:
            ids, values = parts[0][0]
        else:
            ids, values = array("i"), array("d")
            for (local, factors), offset in parts:
                ids.extend([d + offset for d in local])
                values.extend(factors)
        deleted = self.deleted
        df = sum(1 for d in ids if d not in deleted) if deleted else len(ids)
        idf = math.log(1.0 + (max(1, self.count) - df + 0.5) / (df + 0.5))
        return ids, values, idf * (K1 + 1.0)

    def _phrase(self, name: str, terms: tuple[str, ...]) -> Postings:
        # Only documents with every word in the field can hold the phrase, so positions are
        # read for those alone (Whoosh's own phrase matcher walks every posting).
        words = []
        for term in terms:
            ids, values, factor = self.postings(name, (term,))
            words.append({d: v * factor for d, v in zip(ids, values, strict=True)})
        candidates = sorted(set(words[0]).intersection(*words[1:]))
        found: list[int] = []
        if candidates:
            with self.io:
                for reader, segment, offset in self.leaves:
                    end = offset + reader.doc_count_all()
                    local = [d - offset for d in candidates if offset <= d < end]
                    if local:
                        found.extend(d + offset for d in segment.phrase(reader, name, terms, local))
        # The mean of the words' scores: a phrase synonym ("emergency department") weighs
        # the same as a one-word synonym ("a&e").
        scores = [sum(w[d] for w in words) / len(terms) for d in found]
        return array("i", found), array("d", scores), 1.0

    def clause(self, alternatives: Alternatives) -> dict[int, float]:
        """Document -> score for one query clause: its best alternative over all text fields."""
        found = self._clauses.get(alternatives)
        if found is not None:
            return found
        scores: dict[int, float] = {}
        for terms, weight in alternatives:
            alternative: dict[int, float] = {}
            get = alternative.get
            for name, field_weight in TEXT_FIELDS.items():
                ids, values, factor = self.postings(name, terms)
                w = weight * field_weight * factor
                for d, v in zip(ids, values, strict=True):
                    alternative[d] = get(d, 0.0) + v * w
            if not scores:
                scores = alternative
                continue
            for d, s in alternative.items():
                if s > scores.get(d, 0.0):
                    scores[d] = s
        if self._clauses_size > _CLAUSE_BUDGET:
            self._clauses.clear()
            self._clause_arrays.clear()
            self._clauses_size = 0
        self._clauses[alternatives] = scores
        self._clauses_size += len(scores) + 1
        return scores

    def clause_arrays(self, alternatives: Alternatives) -> tuple[Docnums, Scores]:
        """`clause` as arrays (documents ascending, and their scores), for ranking in numpy."""
        found = self._clause_arrays.get(alternatives)
        if found is None:
            scores = self.clause(alternatives)
            docs = np.fromiter(scores.keys(), dtype=np.intp, count=len(scores))
            values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
            found = docs, values
            self._clause_arrays[alternatives] = found
        return found

    def with_id(self, entry_id: str) -> list[int]:
        """The live document of the entry `entry_id` (none or one)."""
        with self.io:
            found = self.searcher.docs_for_query(Term("id", entry_id))
        return [d for d in found if self.cards[d] is not None]

    @property
    def factor_array(self) -> Scores:
        """`factors` as an array."""
        found = self.derived.get("factor_array")
        if found is None:
            found = self.derived["factor_array"] = np.array(self.factors, dtype=np.float64)
        return found

    def exact(self, key: str) -> list[int]:
        """Entries whose name or an alias is exactly `key` (an `exact_key`)."""
        if not key:
            return []
        with self.io:
            return list(self.searcher.docs_for_query(Term("name_exact", key)))

    def frequency(self, name: str, term: str) -> int:
        """Documents with the term in the field (deleted ones included, as before a merge).

        Read from each segment's term table and kept with the (immutable) segment, not
        from the postings: the duplicate check asks this of every word of dozens of
        summaries, often on a snapshot just opened after a write."""
        key = (name, term)
        found = self._frequencies.get(key)
        if found is None:
            leaves = self.leaves
            known = None
            if self._frequency_base is not None:
                before, tail = self._frequency_base
                known = before.get(key)
                if known is not None:
                    leaves = tail
            with self.io:
                found = (known or 0) + sum(
                    segment.frequency(reader, name, term) for reader, segment, _ in leaves
                )
            if len(self._frequencies) >= _FREQUENCIES:
                self._frequencies.clear()
            self._frequencies[key] = found
        return found

    # Spelling

    def word_frequency(self, word: str) -> int:
        """Documents using the word (as written) in a name, summary, feature, tag or owner."""
        with self.io:
            return int(self.searcher.reader().doc_frequency("spelling", word))

    def words_near(self, word: str, distance: int) -> set[str]:
        """Words of the spelling field within an edit distance (insertions, deletions,
        substitutions, swaps of neighbours), same first letter. From the segments'
        symmetric-delete dictionaries: Whoosh's own automaton walk over the word list
        cost most of a submission's duplicate check."""
        found: set[str] = set()
        with self.io:
            for reader, segment, _ in self.leaves:
                if reader.doc_count_all():
                    found.update(
                        near
                        for _, near in segment.typo_lookup(reader, word, distance)
                        if near[:1] == word[:1]
                    )
        return found

    def near_words(self, word: str, distance: int) -> list[tuple[int, str]]:
        """(edit distance, word) of the other words of the spelling field closest to `word`
        (insertions, deletions, substitutions and swaps of neighbours), up to `distance`."""
        found: set[tuple[int, str]] = set()
        with self.io:
            for reader, segment, _ in self.leaves:
                found.update(segment.typo_lookup(reader, word, distance))
        if not found:
            return []
        best = min(d for d, _ in found)
        return sorted((d, w) for d, w in found if d == best)

    def spelling_words(self) -> dict[str, int]:
        """Every word of the spelling field (as written) -> documents using it; deleted
        documents included (they only make a word look a little more common)."""
        found: dict[str, int] | None = self.derived.get("spelling_words")
        if found is None:
            base, tail = self._spelling_base or ({}, self.leaves)
            # After a write, the previous snapshot's words plus the new segments' (not
            # every segment's again: that was a sixth of a write's index work).
            found = dict(base)
            added: set[str] = set()
            with self.io:
                for reader, segment, _ in tail:
                    for text, count in segment.spelling_words(reader).items():
                        found[text] = found.get(text, 0) + count
                        added.add(text)
            self.derived["spelling_added"] = added if self._spelling_base else None
            self.derived["spelling_words"] = found
            self._spelling_base = None
        return found

    # Documents

    @property
    def has_meaning(self) -> bool:
        """Whether any document has a meaning vector."""
        return any(segment.meaning is not None for _, segment, _ in self.leaves)

    def similarities(self, vector: Vectors) -> Vectors | None:
        """Each document's cosine similarity to `vector` (0 for documents without a
        meaning vector), or None when no segment has any."""
        if not self.has_meaning:
            return None
        parts = [
            segment.meaning @ vector
            if segment.meaning is not None
            else np.zeros(len(segment.cards), dtype=np.float32)
            for _, segment, _ in self.leaves
        ]
        return np.concatenate(parts)

    def vectors(self, docs: Sequence[int]) -> Vectors:
        """The meaning vectors of `docs` (zeros for a document without one), a row each."""
        rows = np.zeros((len(docs), DIMENSIONS), dtype=np.float32)
        for row, d in enumerate(docs):
            _, segment, offset = self.leaves[bisect.bisect_right(self._offsets, d) - 1]
            if segment.meaning is not None:
                rows[row] = segment.meaning[d - offset]
        return rows

    def lacking_meaning(self, limit: int) -> list[str]:
        """Ids of up to `limit` live entries that have no meaning vector."""
        found: list[str] = []
        for _, segment, offset in self.leaves:
            for d in segment.unencoded:
                card = self.cards[offset + d]
                if self.live >> (offset + d) & 1 and card is not None:
                    found.append(card.id)
                    if len(found) == limit:
                        return found
        return found

    def stored(self, docnum: int) -> dict[str, Any]:
        with self.io:
            return dict(self.searcher.stored_fields(docnum))

    def summary(self, docnum: int) -> str:
        """An entry's summary, kept with its (immutable) segment: the duplicate check of
        every submission reads the summaries of dozens of candidates, and read from the
        stored fields of a snapshot just opened after a write they were a fifth of a
        submission's CPU."""
        i = bisect.bisect_right(self._offsets, docnum) - 1
        reader, segment, offset = self.leaves[i]
        local = docnum - offset
        found = segment._summaries.get(local)
        if found is None:
            with self.io:
                found = str(reader.stored_fields(local).get("summary", ""))
            if len(segment._summaries) >= _SUMMARIES:
                segment._summaries.clear()
            segment._summaries[local] = found
        return found

    def position(self, order: str) -> list[int]:
        """Each document's label in an order ("name", "updated" newest first, or "rank"):
        a smaller label comes first; documents not in the order (deleted) come last.
        Labels are spaced apart so that a later snapshot can place new documents between
        them: compare them, don't count with them."""
        found = self._orders.get(order)
        if found is None:
            docs = sorted(bits.docnums(self.live), key=self._key(order))
            found = docs, _labels(docs, self.size)
            self._orders[order] = found
        return found[1]

    def position_array(self, order: str) -> npt.NDArray[np.int64]:
        """`position` as an array."""
        key = f"position:{order}"
        found = self.derived.get(key)
        if found is None:
            found = self.derived[key] = np.array(self.position(order), dtype=np.int64)
        return found

    def _key(self, order: str) -> Callable[[int], tuple[Any, ...]]:
        """The sort key of an order: ties go by name, then id, then document number."""
        keys, cards, factors = self.name_keys, self.cards, self.factors
        if order == "name":
            return lambda d: (keys[d], cards[d].id, d)  # type: ignore[union-attr]
        if order == "updated":
            return lambda d: (_Newest(cards[d].updated_at), keys[d], cards[d].id, d)  # type: ignore[union-attr]
        return lambda d: (-factors[d], keys[d], cards[d].id, d)  # type: ignore[union-attr]

    def _patch(
        self, order: str, docs: list[int], labels: list[int], previous: "Snapshot", kept: int
    ) -> tuple[list[int], list[int]] | None:
        """The previous snapshot's order with the documents it lost taken out and the new
        ones put in, or None when so much changed that sorting afresh is cheaper. The first
        `kept` documents are the same ones, at the same numbers, in both snapshots."""
        below = (1 << kept) - 1
        removed = bits.docnums(previous.live & below & ~self.live)
        added = [kept + d for d in bits.docnums(self.live >> kept)]
        if len(removed) + len(added) > _PATCH_LIMIT:
            return None
        key = self._key(order)
        docs = [d for d in docs if d < kept] if kept < previous.size else list(docs)
        labels = labels[:kept]
        labels.extend([_LAST] * (self.size - kept))
        for d in removed:
            i = bisect.bisect_left(docs, key(d), key=key)
            if i < len(docs) and docs[i] == d:
                del docs[i]
            else:  # not expected: the card of a kept document does not change
                docs.remove(d)
            labels[d] = _LAST
        for d in added:
            i = bisect.bisect_left(docs, key(d), key=key)
            low = labels[docs[i - 1]] if i else None
            high = labels[docs[i]] if i < len(docs) else None
            docs.insert(i, d)
            if low is None:
                labels[d] = (high if high is not None else 0) - _GAP
            elif high is None:
                labels[d] = low + _GAP
            elif high - low > 1:
                labels[d] = (low + high) // 2
            else:  # no room left between the neighbours: label everything afresh
                labels = _labels(docs, self.size)
        return docs, labels

    def warm(self) -> None:
        """Compute the sort orders now rather than in the first search that needs them
        (after a write, the new snapshot has patched the previous one's already)."""
        for order in ORDERS:
            self.position(order)
        with self.io:
            for reader, segment, _ in self.leaves:
                segment.spelling_words(reader)  # builds the typo dictionary too


def _meaning(reader: Any, size: int) -> Vectors | None:
    if not reader.has_column("meaning"):
        return None
    column = reader.column_reader("meaning")
    matrix = np.zeros((size, DIMENSIONS), dtype=np.float32)
    found = False
    for docnum in range(size):
        vector = decode(column[docnum])
        if vector is not None:
            matrix[docnum] = vector
            found = True
    return matrix if found else None


def _added_segments(
    previous: "Snapshot | None", leaves: list[tuple[Any, Segment, int]]
) -> list[tuple[Any, Segment, int]] | None:
    """The segments after the previous snapshot's, when this snapshot holds all of those at
    the same places (a write); None when segments were merged or removed."""
    if previous is None:
        return None
    before = previous.leaves
    if len(leaves) < len(before):
        return None
    for (_, segment, offset), (_, was, at) in zip(leaves, before, strict=False):
        if segment is not was or offset != at:
            return None
    return leaves[len(before) :]


class _Newest(str):
    """A timestamp that sorts newest first."""

    __slots__ = ()

    def __lt__(self, other: str) -> bool:
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:
        return str.__lt__(self, other)


def _labels(docs: list[int], size: int) -> list[int]:
    labels = [_LAST] * size
    for place, d in enumerate(docs):
        labels[d] = place * _GAP
    return labels


class SegmentGone(OSError):
    """A segment's files were deleted (folded by a merge) before this view opened them."""


def _open_stored_fields(leaf: Any) -> None:
    """Open the segment's stored-fields file now. Whoosh opens it at the first read, and
    segments are separate files: by then a merge may have folded the segment and deleted
    its files. An open file outlives its deletion, so the view stays readable."""
    if not leaf.doc_count_all():
        return
    try:
        leaf.stored_fields(0)
    except (TypeError, OSError):
        raise SegmentGone(f"segment {_segment_key(leaf)} was merged away") from None


def _segment_key(reader: Any) -> str:
    segment = reader.segment() if hasattr(reader, "segment") else None
    return str(segment.segment_id()) if segment is not None else f"empty-{id(reader)}"
