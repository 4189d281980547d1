"""`registry import` over every real file in ../shared/data: no crash, counts printed,
unparseable files reported by name."""

import re
from pathlib import Path

import pytest

from bench.corpus import SHARED_DATA, real_corpus
from registry.cli import main

CORPUS = real_corpus()


@pytest.fixture
def empty_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REGISTRY_DATABASE_URL", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert main(["seed"]) == 0
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "paths"), CORPUS, ids=[fmt for fmt, _ in CORPUS])
def test_real_files_import_with_counts_and_named_rejections(
    empty_registry: Path, capsys: pytest.CaptureFixture[str], fmt: str, paths: list[str]
) -> None:
    capsys.readouterr()

    code = main(["import", "--format", fmt, *paths])

    out = capsys.readouterr().out.splitlines()
    summary = out[-1]
    assert re.match(rf"{fmt}: \d+ file\(s\): ", summary), summary
    assert "dry run, nothing stored" in summary
    created = int(re.search(r"(\d+) created", summary).group(1))  # type: ignore[union-attr]
    assert created > 0
    rejected_lines = [line for line in out if line.startswith("rejected: ")]
    assert all(
        re.match(rf"rejected: {re.escape(str(SHARED_DATA))}/\S+", line) for line in rejected_lines
    )
    assert code == (1 if rejected_lines else 0)


def test_the_truncated_gsa_inventory_is_reported_by_name(
    empty_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gsa = SHARED_DATA / "us-code-gov-inventory" / "agency-indexes" / "GSA-index.json"

    assert main(["import", "--format", "codegov", str(gsa)]) == 1

    assert f"rejected: {gsa}: " in capsys.readouterr().out
