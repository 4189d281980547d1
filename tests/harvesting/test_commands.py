"""`registry sources add|list|show|remove|harvest`."""

from pathlib import Path

import pytest

from registry.cli import main
from tests.builders import SEED_DIR
from tests.harvesting.conftest import FILES, FileHost, shared


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REGISTRY_DATABASE_URL", raising=False)
    monkeypatch.setenv("REGISTRY_HARVEST_ALLOW_HOSTS", "127.0.0.1")
    assert main(["db", "upgrade"]) == 0
    assert main(["seed", str(SEED_DIR)]) == 0
    return tmp_path / "data"


def test_sources_add_harvest_show_list_and_remove(
    data_dir: Path, host: FileHost, capsys: pytest.CaptureFixture[str]
) -> None:
    url = host.put("/n.json", shared(FILES["dpg"][0]))
    capsys.readouterr()

    assert main(["sources", "add", "dpg", "--format", "dpg", "--url", url, "--trust", "publish",
                 "--interval", "6h"]) == 0  # fmt: skip
    assert main(["sources", "harvest", "dpg"]) == 0
    harvested = capsys.readouterr().out
    assert main(["sources", "show", "dpg"]) == 0
    shown = capsys.readouterr().out
    assert main(["sources", "list"]) == 0
    listed = capsys.readouterr().out
    assert main(["sources", "remove", "dpg"]) == 0

    assert "dpg: run 1 ok: 1 fetched" in harvested
    assert "1 created" in harvested
    assert "every 360 min" in shown
    assert f"url: {url}" in shown
    assert "run 1 (cli)" in shown
    assert listed.startswith("dpg  dpg  1 URL(s)")
    assert main(["sources", "list"]) == 0
    assert "No sources yet" in capsys.readouterr().out


def test_sources_add_names_each_problem_and_fails(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["sources", "add", "Bad Name", "--format", "dpg", "--url", "ftp://x/y"])

    out = capsys.readouterr().out
    assert code == 1
    assert "registry: /name: " in out
    assert "registry: /urls/0: only http and https URLs are harvested" in out
    assert "registry: /supplier: " in out  # review (the default) needs a supplier


def test_sources_harvest_fails_when_a_source_has_errors(
    data_dir: Path, host: FileHost, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["sources", "add", "gone", "--format", "dpg", "--url", host.url("/x.json"),
          "--trust", "publish"])  # fmt: skip

    assert main(["sources", "harvest"]) == 1
    assert "error: " in capsys.readouterr().out


def test_sources_add_never_prints_a_password_in_a_url(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["sources", "add", "private", "--format", "dpg", "--trust", "publish",
          "--url", "https://bot:s3cret-token@example.org/n.json"])  # fmt: skip
    main(["sources", "show", "private"])

    out = capsys.readouterr().out
    assert "https://***@example.org/n.json" in out
    assert "s3cret" not in out
