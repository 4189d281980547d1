"""Benchmark: ranking quality of the Whoosh index against an SQLite FTS5 baseline.

The judged queries (`bench/relevance_judgements.yaml`: known names, typos, spellings and
acronyms, needs in plain words, "X for Y" queries; each in a tune or a test split fixed
before tuning) run on the realistic corpus (real data read by the importers, deduplicated
as an import would, plus the seed entries) in both engines, in the same run.

For each query it prints NDCG@10 (gain 2^grade - 1; grades 2 = exactly what was asked,
1 = relevant), the reciprocal rank of the first relevant hit in the top 10 and recall@10;
then, for each split, the averages (MRR@10 for reciprocal ranks) overall and per kind,
flagging the kinds where Whoosh is below FTS5; then the targets of issue 10 on the test
split, each with PASS or FAIL. A judged id that is not in the corpus is reported and left
out of its query's ideal DCG and recall. Tune on `--split tune`; report `--split test`.

    .venv/bin/python -m bench.relevance [--split tune|test|all] [--show] [--json FILE]
"""

import argparse
import json
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.fts5 import Fts5Index
from bench.judgements import (
    DEPTH,
    ENGINES,
    KINDS,
    SPLITS,
    Judged,
    JudgementError,
    Scores,
    below_baseline,
    check_targets,
    load_judgements,
    mean,
    present,
    score,
)
from bench.search import load_synonyms, realistic_corpus
from registry.search import IndexedEntry, SearchQuery, WhooshIndex
from registry.search.meaning import shared_encoder

Rankings = dict[str, list[list[str]]]


def run_engines(
    entries: Sequence[IndexedEntry], queries: Sequence[str], meaning: bool = True
) -> tuple[Rankings, list[str | None]]:
    """Each engine's top `DEPTH` ids per query, and Whoosh's "did you mean" suggestions;
    `meaning`: whether Whoosh blends in meaning vectors, as the server does by default."""
    rankings: Rankings = {engine: [] for engine in ENGINES}
    suggestions: list[str | None] = []
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as temp:
        started = time.perf_counter()
        encoder = shared_encoder() if meaning else None
        whoosh = WhooshIndex(Path(temp) / "whoosh", load_synonyms(), encoder=encoder)
        whoosh.rebuild(entries, 1, encode=meaning)
        fts5 = Fts5Index(Path(temp) / "fts5.sqlite3")
        fts5.rebuild(entries)
        print(f"Both indexes built in {time.perf_counter() - started:.0f} s\n")
        try:
            for text in queries:
                query = SearchQuery(text=text, per_page=DEPTH)
                result = whoosh.search(query)
                rankings["whoosh"].append([hit.id for hit in result.hits])
                suggestions.append(result.suggestion)
                rankings["fts5"].append([hit.id for hit in fts5.search(query).hits])
        finally:
            whoosh.close()
            fts5.close()
    return rankings, suggestions


def report_missing(judged: Sequence[Judged], ids: set[str]) -> dict[str, list[str]]:
    """Judged ids not in the corpus, with the queries that judge them."""
    missing: dict[str, list[str]] = {}
    for j in judged:
        for entry_id in j.grades:
            if entry_id not in ids:
                missing.setdefault(entry_id, []).append(j.query)
    if missing:
        print("!! judged ids not in the corpus (left out of those queries' ideal DCG and recall):")
        for entry_id, queries in sorted(missing.items()):
            print(f"   {entry_id}  ({'; '.join(queries)})")
    return missing


def print_queries(
    judged: Sequence[Judged],
    grades: Sequence[Mapping[str, int]],
    scores: Mapping[str, Sequence[Scores]],
    rankings: Rankings,
    suggestions: Sequence[str | None],
    show: bool,
) -> None:
    header = (
        f"{'query':<44}{'kind':<12}{'split':<6}{'NDCG W':>7}{'FTS5':>6}"
        f"{'RR W':>6}{'FTS5':>6}{'R@10 W':>7}{'FTS5':>6}"
    )
    print(header)
    print("-" * len(header))
    for i, j in enumerate(judged):
        w, f = scores["whoosh"][i], scores["fts5"][i]
        note = f"  (did you mean: {suggestions[i]})" if suggestions[i] else ""
        print(
            f"{j.query[:43]:<44}{j.kind:<12}{j.split:<6}{w.ndcg:>7.3f}{f.ndcg:>6.3f}"
            f"{w.rr:>6.2f}{f.rr:>6.2f}{w.recall:>7.2f}{f.recall:>6.2f}{note}"
        )
        if show:
            for engine in ENGINES:
                marked = [
                    f"{d}[{grades[i][d]}]" if d in grades[i] else d for d in rankings[engine][i]
                ]
                print(f"    {engine}: {', '.join(marked) or '(nothing)'}")
    print("-" * len(header))


def summarise(
    judged: Sequence[Judged], scores: Mapping[str, Sequence[Scores]], subset: Sequence[int]
) -> tuple[dict[str, Scores], dict[str, dict[str, Scores]], dict[str, int]]:
    """Averages over `subset`: overall and per kind, for each engine; and counts per kind."""
    overall = {e: mean([scores[e][i] for i in subset]) for e in ENGINES}
    by_kind: dict[str, dict[str, Scores]] = {}
    counts: dict[str, int] = {}
    for kind in KINDS:
        members = [i for i in subset if judged[i].kind == kind]
        if members:
            counts[kind] = len(members)
            by_kind[kind] = {e: mean([scores[e][i] for i in members]) for e in ENGINES}
    return overall, by_kind, counts


def print_summary(
    label: str,
    overall: Mapping[str, Scores],
    by_kind: Mapping[str, Mapping[str, Scores]],
    counts: Mapping[str, int],
) -> None:
    print(f"\n== {label}: {sum(counts.values())} queries ==")
    print(
        f"{'':<13}{'n':>4}{'NDCG@10 W':>11}{'FTS5':>7}{'MRR@10 W':>10}{'FTS5':>7}"
        f"{'R@10 W':>8}{'FTS5':>7}"
    )
    below = set(below_baseline(by_kind))
    rows: list[tuple[str, int, Mapping[str, Scores]]] = [("all", sum(counts.values()), overall)]
    rows += [(kind, counts[kind], by_kind[kind]) for kind in by_kind]
    for name, n, s in rows:
        w, f = s["whoosh"], s["fts5"]
        flag = "  << below FTS5" if name in below else ""
        print(
            f"{name:<13}{n:>4}{w.ndcg:>11.3f}{f.ndcg:>7.3f}{w.rr:>10.3f}{f.rr:>7.3f}"
            f"{w.recall:>8.3f}{f.recall:>7.3f}{flag}"
        )


def _as_json(
    overall: Mapping[str, Scores],
    by_kind: Mapping[str, Mapping[str, Scores]],
    counts: Mapping[str, int],
) -> dict[str, Any]:
    return {
        "n": sum(counts.values()),
        "overall": {e: asdict(s) for e, s in overall.items()},
        "kinds": {
            k: {"n": counts[k], **{e: asdict(s) for e, s in by_kind[k].items()}} for k in by_kind
        },
        "below_fts5": below_baseline(by_kind),
    }


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--split", choices=(*SPLITS, "all"), default="all", help="which judged queries to run"
    )
    parser.add_argument("--show", action="store_true", help="print each engine's top 10 per query")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--no-meaning", action="store_true", help="match words only, without meaning vectors"
    )
    args = parser.parse_args(None if argv is None else list(argv))

    try:
        everything = load_judgements()
    except JudgementError as error:
        raise SystemExit(f"bad judgements: {error}") from None
    selected = [j for j in everything if args.split in ("all", j.split)]
    real = realistic_corpus()
    ids = {e.id for e in real.entries}
    print(
        f"Realistic corpus: {len(real.entries):,} entries ({real.seed} seed + "
        f"{len(real.entries) - real.seed:,} imported); split {args.split}: {len(selected)} of "
        f"{len(everything)} judged queries, {sum(len(j.grades) for j in selected)} judgements"
    )
    missing = report_missing(selected, ids)
    unscorable = [j.query for j in selected if not present(j.grades, ids)]
    if unscorable:
        print(
            "!! queries left out, none of their judged entries is in the corpus: "
            + "; ".join(unscorable)
        )
    judged = [j for j in selected if present(j.grades, ids)]
    grades = [present(j.grades, ids) for j in judged]
    print(
        "FTS5 baseline: same fields and weights, words AND-ed then OR-ed; no typo correction,\n"
        "synonyms or spelling folding."
    )

    rankings, suggestions = run_engines(
        real.entries, [j.query for j in judged], meaning=not args.no_meaning
    )
    scores = {e: [score(r, g) for r, g in zip(rankings[e], grades, strict=True)] for e in ENGINES}
    print_queries(judged, grades, scores, rankings, suggestions, args.show)

    groups = [s for s in SPLITS if args.split in ("all", s)] + (
        ["all"] if args.split == "all" else []
    )
    figures: dict[str, Any] = {}
    for group in groups:
        subset = [i for i, j in enumerate(judged) if group in ("all", j.split)]
        overall, by_kind, counts = summarise(judged, scores, subset)
        print_summary(f"split {group}", overall, by_kind, counts)
        figures[group] = _as_json(overall, by_kind, counts)
        if group == "test":
            verdicts = check_targets(by_kind, overall)
            figures["targets"] = [asdict(v) for v in verdicts]

    if "targets" in figures:
        print("\nTargets of issue 10 on the test split (Whoosh):")
        for v in figures["targets"]:
            print(f"  {'PASS' if v['passed'] else 'FAIL'}  {v['target']:<32} {v['measured']}")
    else:
        print("\nTargets of issue 10 are judged on the test split: run with --split test or all.")
    no_hits = {e: sum(1 for r in rankings[e] if not r) for e in ENGINES}
    print(f"\nqueries with no results: Whoosh {no_hits['whoosh']}, FTS5 {no_hits['fts5']}")

    if args.json:
        figures["corpus"] = {"entries": len(real.entries), "seed": real.seed}
        figures["missing"] = missing
        figures["queries"] = [
            {
                "query": j.query,
                "kind": j.kind,
                "split": j.split,
                **{e: {**asdict(scores[e][i]), "ranked": rankings[e][i]} for e in ENGINES},
            }
            for i, j in enumerate(judged)
        ]
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
