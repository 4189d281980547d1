"""The judged queries and the ranking measures of bench/relevance.py."""

from collections import Counter
from pathlib import Path

import pytest

from bench.judgements import (
    JudgementError,
    Scores,
    check_targets,
    load_judgements,
    ndcg,
    present,
    recall,
    reciprocal_rank,
)

#: Queries quoted as examples in issue 10: ranking must never be tuned on them.
ISSUE_EXAMPLES = {
    "patient record system for a hospital",
    "appointment reminders by text message",
    "check a patient's nhs number",
    "translate leaflets",
    "santempi",
}


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "judgements.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_ndcg_is_perfect_when_missing_judged_entries_are_left_out() -> None:
    grades = present({"a": 2, "b": 1, "gone": 2}, ids={"a", "b", "c"})

    assert ndcg(["a", "b", "c"], grades) == pytest.approx(1.0)


def test_ndcg_is_lower_when_the_exact_answer_ranks_below_a_related_one() -> None:
    grades = {"exact": 2, "related": 1}

    assert ndcg(["related", "exact"], grades) < ndcg(["exact", "related"], grades)


def test_recall_counts_relevant_entries_in_the_top_ten_only() -> None:
    ranked = [f"x{i}" for i in range(10)] + ["late"]
    grades = {"x3": 1, "late": 2}

    assert recall(ranked, grades) == pytest.approx(0.5)


def test_reciprocal_rank_is_zero_when_nothing_relevant_is_in_the_top_ten() -> None:
    ranked = [f"x{i}" for i in range(10)] + ["answer"]

    assert reciprocal_rank(ranked, {"answer": 2}) == 0.0


def test_loading_rejects_a_query_without_a_split(tmp_path: Path) -> None:
    path = _write(tmp_path, "queries:\n  - query: flood\n    kind: need\n    relevant: {a: 2}\n")

    with pytest.raises(JudgementError, match=r"'flood'.*split"):
        load_judgements(path)


def test_loading_rejects_a_grade_outside_one_and_two(tmp_path: Path) -> None:
    body = "queries:\n  - query: flood\n    kind: need\n    split: tune\n    relevant: {a: 3}\n"

    with pytest.raises(JudgementError, match="grade of a"):
        load_judgements(_write(tmp_path, body))


def test_shipped_judgements_keep_the_issue_examples_out_of_tuning() -> None:
    splits = {j.query.casefold(): j.split for j in load_judgements()}

    assert {q: splits.get(q) for q in ISSUE_EXAMPLES} == dict.fromkeys(ISSUE_EXAMPLES, "test")


def test_shipped_judgements_halve_each_kind_between_tune_and_test() -> None:
    counts = Counter((j.kind, j.split) for j in load_judgements())

    for kind in {kind for kind, _ in counts}:
        assert abs(counts[kind, "tune"] - counts[kind, "test"]) <= 2, kind


def test_shipped_judgements_are_mostly_needs() -> None:
    kinds = Counter(j.kind for j in load_judgements())

    assert sum(kinds.values()) >= 170
    assert kinds["need"] >= 90


def _figures(
    whoosh: float, fts5: float, name_rr: float
) -> tuple[dict[str, dict[str, Scores]], dict[str, Scores]]:
    by_kind = {
        "name": {"whoosh": Scores(0.95, name_rr, 1.0), "fts5": Scores(0.9, 0.9, 1.0)},
        "need": {"whoosh": Scores(whoosh, 0.9, 0.8), "fts5": Scores(fts5, 0.9, 0.8)},
    }
    overall = {"whoosh": Scores(0.9, 0.9, 0.9), "fts5": Scores(0.8, 0.8, 0.8)}
    return by_kind, overall


def test_targets_pass_when_every_figure_meets_its_target() -> None:
    verdicts = check_targets(*_figures(whoosh=0.8, fts5=0.7, name_rr=0.96))

    assert [v.passed for v in verdicts] == [True, True, True, True]


def test_targets_fail_when_a_kind_is_below_fts5() -> None:
    verdicts = check_targets(*_figures(whoosh=0.76, fts5=0.77, name_rr=0.96))

    failed = [v for v in verdicts if not v.passed]
    assert [v.target for v in failed] == ["no kind below FTS5 (NDCG@10)"]
    assert "need 0.760 < 0.770" in failed[0].measured
