"""Judged queries and the ranking measures computed from them (NDCG, MRR, recall at 10).

The judgements live in `bench/relevance_judgements.yaml`; its header says how they were
made and how the tune/test split was fixed. This module reads them, checks their shape,
scores a ranked list of ids against one query's grades, averages scores over a group of
queries, and checks the targets of issue 10. It knows nothing about search engines.
"""

import math
import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

JUDGEMENTS = Path(__file__).with_name("relevance_judgements.yaml")
DEPTH = 10
KINDS = ("name", "typo", "spelling", "need", "two-concept")
SPLITS = ("tune", "test")
GRADES = (1, 2)
ENGINES = ("whoosh", "fts5")

#: Targets of issue 10, judged on the test split for the Whoosh engine.
OVERALL_NDCG = 0.82
NEED_NDCG = 0.75
NAME_MRR = 0.95


class JudgementError(ValueError):
    """The judgements file is not in the expected shape."""


@dataclass(frozen=True)
class Judged:
    """One judged query: its text, kind, split and the grade of each relevant entry id."""

    query: str
    kind: str
    split: str
    grades: Mapping[str, int]


@dataclass(frozen=True)
class Scores:
    """One query's (or an average of queries') measures at `DEPTH`."""

    ndcg: float
    rr: float
    recall: float


def load_judgements(path: Path = JUDGEMENTS) -> list[Judged]:
    """Read and check the judgements file; `JudgementError` names the bad query."""
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list):
        raise JudgementError(f"{path}: expected a mapping with a 'queries' list")
    judged: list[Judged] = []
    seen: set[str] = set()
    for number, item in enumerate(data["queries"], 1):
        where = f"{path.name}: query {number}"
        if not isinstance(item, dict):
            raise JudgementError(f"{where}: expected a mapping")
        query, kind, split = item.get("query"), item.get("kind"), item.get("split")
        relevant = item.get("relevant")
        if not isinstance(query, str) or not query.strip():
            raise JudgementError(f"{where}: 'query' must be non-empty text")
        where = f"{where} ({query!r})"
        key = " ".join(query.casefold().split())
        if key in seen:
            raise JudgementError(f"{where}: judged twice")
        seen.add(key)
        if kind not in KINDS:
            raise JudgementError(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
        if split not in SPLITS:
            raise JudgementError(f"{where}: 'split' must be one of {', '.join(SPLITS)}")
        if not isinstance(relevant, dict) or not relevant:
            raise JudgementError(f"{where}: 'relevant' must map entry ids to grades")
        grades: dict[str, int] = {}
        for entry_id, grade in relevant.items():
            if grade not in GRADES or isinstance(grade, bool):
                raise JudgementError(f"{where}: grade of {entry_id} must be 1 or 2")
            grades[str(entry_id)] = int(grade)
        judged.append(Judged(query, kind, split, grades))
    return judged


def present(grades: Mapping[str, int], ids: Collection[str]) -> dict[str, int]:
    """The grades of the judged entries that are in the corpus.

    An entry judged relevant but absent (not imported, or merged away as a duplicate)
    cannot be found, so it is left out of the ideal ranking and of recall rather than
    counted against the engine.
    """
    return {entry_id: grade for entry_id, grade in grades.items() if entry_id in ids}


def _dcg(grades: Iterable[int]) -> float:
    return sum((2.0**g - 1.0) / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg(ranked: Sequence[str], grades: Mapping[str, int], depth: int = DEPTH) -> float:
    """Normalised discounted cumulative gain of the first `depth` results (gain 2^g - 1)."""
    ideal = _dcg(sorted(grades.values(), reverse=True)[:depth])
    return _dcg(grades.get(d, 0) for d in ranked[:depth]) / ideal if ideal else 0.0


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, int], depth: int = DEPTH) -> float:
    """1 / rank of the first relevant result within `depth`, else 0."""
    for rank, entry_id in enumerate(ranked[:depth], 1):
        if grades.get(entry_id, 0) > 0:
            return 1.0 / rank
    return 0.0


def recall(ranked: Sequence[str], grades: Mapping[str, int], depth: int = DEPTH) -> float:
    """Share of the relevant entries found within `depth`."""
    if not grades:
        return 0.0
    return len({d for d in ranked[:depth] if grades.get(d, 0) > 0}) / len(grades)


def score(ranked: Sequence[str], grades: Mapping[str, int], depth: int = DEPTH) -> Scores:
    return Scores(
        ndcg(ranked, grades, depth),
        reciprocal_rank(ranked, grades, depth),
        recall(ranked, grades, depth),
    )


def mean(scores: Sequence[Scores]) -> Scores:
    """The average of each measure (zeros for no queries)."""
    if not scores:
        return Scores(0.0, 0.0, 0.0)
    return Scores(
        statistics.fmean(s.ndcg for s in scores),
        statistics.fmean(s.rr for s in scores),
        statistics.fmean(s.recall for s in scores),
    )


@dataclass(frozen=True)
class Verdict:
    """One target: what it asks, the figure measured and whether it is met."""

    target: str
    measured: str
    passed: bool


def check_targets(
    by_kind: Mapping[str, Mapping[str, Scores]], overall: Mapping[str, Scores]
) -> list[Verdict]:
    """The targets of issue 10 against one split's averages (engine -> Scores per kind)."""
    ours = overall["whoosh"]
    verdicts = [
        Verdict(f"overall NDCG@10 >= {OVERALL_NDCG}", f"{ours.ndcg:.3f}", ours.ndcg >= OVERALL_NDCG)
    ]
    if "need" in by_kind:
        need = by_kind["need"]["whoosh"].ndcg
        verdicts.append(Verdict(f"needs NDCG@10 >= {NEED_NDCG}", f"{need:.3f}", need >= NEED_NDCG))
    if "name" in by_kind:
        name = by_kind["name"]["whoosh"].rr
        verdicts.append(
            Verdict(f"known-item MRR@10 >= {NAME_MRR}", f"{name:.3f}", name >= NAME_MRR)
        )
    below = below_baseline(by_kind)
    verdicts.append(
        Verdict(
            "no kind below FTS5 (NDCG@10)",
            ", ".join(
                f"{k} {by_kind[k]['whoosh'].ndcg:.3f} < {by_kind[k]['fts5'].ndcg:.3f}"
                for k in below
            )
            or "none below",
            not below,
        )
    )
    return verdicts


def below_baseline(by_kind: Mapping[str, Mapping[str, Scores]]) -> list[str]:
    """The kinds where Whoosh's NDCG@10 is below FTS5's."""
    return [k for k, s in by_kind.items() if s["whoosh"].ndcg < s["fts5"].ndcg]
