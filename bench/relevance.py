"""Benchmark: ranking quality of the Whoosh index and the SQLite FTS5 baseline.

The judged queries (`bench/relevance_judgements.yaml`: known names, typos, British and
American spellings, an acronym, needs in plain words) run on the realistic corpus (real
data read by the importers, deduplicated as an import would, plus the seed entries) in both
engines. For each query it prints NDCG@10 (gain 2^grade - 1, grades 2 = exactly what was
asked, 1 = relevant) and the reciprocal rank of the first relevant hit within the top 10
(MRR@10 when averaged); then the averages, overall and per kind of query.

    .venv/bin/python -m bench.relevance [--show]
"""

import argparse
import math
import statistics
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.fts5 import Fts5Index
from bench.search import load_synonyms, realistic_corpus
from registry.search import SearchQuery, SearchResult, WhooshIndex

JUDGEMENTS = Path(__file__).with_name("relevance_judgements.yaml")
DEPTH = 10


@dataclass(frozen=True)
class Judged:
    query: str
    kind: str
    grades: dict[str, int]


def load_judgements(path: Path = JUDGEMENTS) -> list[Judged]:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    judged = []
    for item in data["queries"]:
        grades = {str(k): int(v) for k, v in item["relevant"].items()}
        judged.append(Judged(str(item["query"]), str(item.get("kind", "")), grades))
    return judged


def ndcg(ranked: Sequence[str], grades: Mapping[str, int], depth: int = DEPTH) -> float:
    """Normalised discounted cumulative gain of the first `depth` results."""

    def dcg(values: Iterable[int]) -> float:
        return sum((2.0**g - 1.0) / math.log2(i + 2) for i, g in enumerate(values))

    ideal = dcg(sorted(grades.values(), reverse=True)[:depth])
    return dcg(grades.get(d, 0) for d in ranked[:depth]) / ideal if ideal else 0.0


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, int], depth: int = DEPTH) -> float:
    for i, d in enumerate(ranked[:depth], 1):
        if grades.get(d, 0) > 0:
            return 1.0 / i
    return 0.0


def _ids(result: SearchResult) -> list[str]:
    return [hit.id for hit in result.hits]


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each engine's top 10")
    args = parser.parse_args(None if argv is None else list(argv))

    judged = load_judgements()
    real = realistic_corpus()
    ids = {e.id for e in real.entries}
    missing = sorted({d for j in judged for d in j.grades if d not in ids})
    print(
        f"Realistic corpus: {len(real.entries):,} entries ({real.seed} seed + "
        f"{len(real.entries) - real.seed:,} imported); {len(judged)} judged queries, "
        f"{sum(len(j.grades) for j in judged)} judgements"
    )
    if missing:
        print(f"!! judged ids not in the corpus (counted as unfindable): {', '.join(missing)}")
    print(
        "FTS5 baseline: same fields and weights, words AND-ed then OR-ed; no typo correction,\n"
        "synonyms or spelling folding (it does less than the Whoosh index)."
    )

    rankings: dict[str, list[list[str]]] = {"whoosh": [], "fts5": []}
    suggestions: list[str | None] = []
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as temp:
        started = time.perf_counter()
        whoosh = WhooshIndex(Path(temp) / "whoosh", load_synonyms())
        whoosh.rebuild(real.entries, 1)
        fts5 = Fts5Index(Path(temp) / "fts5.sqlite3")
        fts5.rebuild(real.entries)
        print(f"Both indexes built in {time.perf_counter() - started:.0f} s\n")
        for j in judged:
            query = SearchQuery(text=j.query, per_page=DEPTH)
            result = whoosh.search(query)
            rankings["whoosh"].append(_ids(result))
            suggestions.append(result.suggestion)
            rankings["fts5"].append(_ids(fts5.search(query)))
        whoosh.close()
        fts5.close()

    scores: dict[str, list[tuple[float, float]]] = {
        engine: [
            (ndcg(r, j.grades), reciprocal_rank(r, j.grades))
            for r, j in zip(ranked, judged, strict=True)
        ]
        for engine, ranked in rankings.items()
    }
    header = f"{'query':<44}{'kind':<9}{'NDCG@10 W':>10}{'FTS5':>7}{'RR W':>7}{'FTS5':>7}"
    print(header)
    print("-" * len(header))
    for i, j in enumerate(judged):
        (wn, wr), (fn, fr) = scores["whoosh"][i], scores["fts5"][i]
        note = f"  (did you mean: {suggestions[i]})" if suggestions[i] else ""
        print(f"{j.query[:43]:<44}{j.kind:<9}{wn:>10.3f}{fn:>7.3f}{wr:>7.3f}{fr:>7.3f}{note}")
        if args.show:
            for engine in ("whoosh", "fts5"):
                marked = [
                    f"{d}[{j.grades[d]}]" if d in j.grades else d for d in rankings[engine][i]
                ]
                print(f"    {engine}: {', '.join(marked) or '(nothing)'}")
    print("-" * len(header))

    def mean(engine: str, part: int, subset: Sequence[int]) -> float:
        return statistics.fmean(scores[engine][i][part] for i in subset)

    everything = list(range(len(judged)))
    rows = [("all", everything)]
    for kind in sorted({j.kind for j in judged}):
        rows.append((kind, [i for i, j in enumerate(judged) if j.kind == kind]))
    print(
        f"\n{'average':<28}{'n':>4}{'NDCG@10 Whoosh':>16}{'FTS5':>8}"
        f"{'MRR@10 Whoosh':>15}{'FTS5':>8}"
    )
    for label, subset in rows:
        print(
            f"{label:<28}{len(subset):>4}{mean('whoosh', 0, subset):>16.3f}"
            f"{mean('fts5', 0, subset):>8.3f}{mean('whoosh', 1, subset):>15.3f}"
            f"{mean('fts5', 1, subset):>8.3f}"
        )
    no_hits = {e: sum(1 for r in rankings[e] if not r) for e in rankings}
    print(f"\nqueries with no results: Whoosh {no_hits['whoosh']}, FTS5 {no_hits['fts5']}")


if __name__ == "__main__":
    main()
