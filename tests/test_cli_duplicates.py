"""`registry duplicates`: propose pairs from the stored entries, list them with the
evidence, approve (merge) or dismiss one."""

from pathlib import Path

import pytest

from registry.cli import main
from registry.documents import dump_yaml
from tests.builders import an_entry, write

DOCS = {"documentation": "https://example.org/docs/kestrel"}


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An embedded registry holding two listings of one product, and a third entry."""
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REGISTRY_DATABASE_URL", raising=False)
    assert main(["db", "upgrade"]) == 0
    entries = [
        an_entry(id="kestrel-rota", name="Kestrel Rota", urls=DOCS),
        an_entry(id="kestrel-rota-api", kind="api", name="Kestrel Rota API", urls=DOCS),
        an_entry(id="heron", name="Heron", urls=DOCS),
    ]
    path = write(tmp_path / "entries.yaml", dump_yaml({"entries": entries}))
    assert main(["seed", str(path)]) == 0
    return tmp_path


def test_refresh_proposes_and_lists_pairs_with_the_evidence(
    pair: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()

    assert main(["duplicates", "--refresh"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Proposed 1 new pair(s); withdrew 0 no longer supported."
    assert out[1].startswith("1: kestrel-rota-api (Kestrel Rota API) -> keep kestrel-rota")
    assert "documentation page (https://example.org/docs/kestrel)" in out[1]
    assert out[-1] == "1 proposed proposal(s)."


def test_approve_merges_the_pair(pair: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["duplicates", "--refresh"])
    capsys.readouterr()

    assert main(["duplicates", "approve", "1", "--reason", "One product"]) == 0

    assert "kestrel-rota is kept" in capsys.readouterr().out
    assert main(["duplicates", "--state", "merged"]) == 0
    out = capsys.readouterr().out
    assert "[merged]" in out
    assert "merged by operator:cli on " in out
    assert "One product" in out


def test_dismiss_keeps_both_and_a_second_decision_fails_readably(
    pair: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["duplicates", "--refresh"])

    assert main(["duplicates", "dismiss", "1", "--reason", "Two products"]) == 0
    capsys.readouterr()
    assert main(["duplicates", "approve", "1"]) == 1

    assert "already been decided" in capsys.readouterr().err
    assert main(["duplicates"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 proposed proposal(s)."
