"""The `registry` command line."""

from pathlib import Path

import pytest

from registry.cli import main
from registry.documents import dump_json, dump_yaml, parse_yaml
from registry.settings import Settings
from registry.wiring import build_services
from tests.builders import SEED_DIR, an_entry, write


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty embedded registry for the command to work on."""
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REGISTRY_DATABASE_URL", raising=False)
    assert main(["db", "upgrade"]) == 0
    return tmp_path / "data"


def test_validate_prints_file_path_and_message_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path / "good.yaml", dump_yaml(an_entry()))
    bad = write(tmp_path / "bad.json", dump_json(an_entry(id="x", licence="Nope")))

    code = main(["validate", str(good), str(bad)])

    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert f"{bad}: /id: " in "\n".join(out)
    assert any(line.startswith(f"{bad}: /licence: ") for line in out)
    assert not any(line.startswith(str(good)) for line in out)


def test_validate_passes_valid_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path / "good.yaml", dump_yaml(an_entry()))

    assert main(["validate", str(good)]) == 0
    assert capsys.readouterr().out == ""


def test_validate_points_into_multi_entry_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = write(
        tmp_path / "many.yaml", dump_yaml({"entries": [an_entry(), an_entry(id="b", kind="x")]})
    )

    assert main(["validate", str(many)]) == 1
    out = capsys.readouterr().out
    assert f"{many}: /entries/1/kind: " in out


def test_validate_reports_unreadable_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = write(tmp_path / "broken.yaml", "id: [")
    missing = tmp_path / "missing.yaml"

    assert main(["validate", str(broken), str(missing)]) == 1
    out = capsys.readouterr().out
    assert f"{broken}: /: " in out
    assert f"{missing}: /: " in out


def test_validate_accepts_the_seed_files(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (SEED_DIR / "entries").glob("*.yaml"))

    assert main(["validate", *files]) == 0


def test_seed_then_export_round_trips(data_dir: Path, tmp_path: Path) -> None:
    assert main(["seed"]) == 0
    first = tmp_path / "first.yaml"
    assert main(["export", "--format", "yaml", "--output", str(first)]) == 0

    assert main(["seed", str(first)]) == 0
    second = tmp_path / "second.yaml"
    assert main(["export", "--format", "yaml", "--output", str(second)]) == 0
    assert first.read_text() == second.read_text()
    assert len(parse_yaml(first.read_text())["entries"]) >= 60


def test_seed_if_empty_skips_a_populated_registry(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["seed", "--if-empty"]) == 0
    capsys.readouterr()

    assert main(["seed", "--if-empty"]) == 0
    assert "already has entries" in capsys.readouterr().out


def test_seed_with_problems_exits_non_zero_and_loads_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path / "bad.yaml", dump_yaml({"entries": [an_entry(licence="Nope")]}))

    assert main(["seed", str(bad)]) == 1
    assert "/licence" in capsys.readouterr().err


def test_keys_create_prints_token_once_and_revoke_works(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "create", "--supplier", "Acme", "--scope", "entries:submit"]) == 0
    captured = capsys.readouterr()
    token = captured.out.strip()
    assert token.startswith("rr_")
    key_id = token.split("_")[1]
    assert key_id in captured.err

    assert main(["keys", "revoke", key_id]) == 0


def test_keys_create_with_bad_scope_is_a_readable_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "create", "--maintainer", "Rita", "--scope", "god-mode"]) == 2
    assert "unknown scope" in capsys.readouterr().err


def test_commands_refuse_an_unmigrated_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path / "empty"))

    assert main(["seed"]) == 2
    assert "registry db upgrade" in capsys.readouterr().err


def test_bad_setting_is_a_readable_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGISTRY_PORT", "eighty")

    assert main(["export"]) == 2
    assert "REGISTRY_PORT" in capsys.readouterr().err


def test_reindex_rebuilds_the_search_index(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["seed"]) == 0
    capsys.readouterr()

    assert main(["reindex"]) == 0

    out = capsys.readouterr().out
    assert "Rebuilt the search index" in out
    assert f"{data_dir / 'index'}: 78 entries" in out
    assert (data_dir / "index").is_dir()


def test_index_export_lets_a_new_instance_start_without_rebuilding(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["seed"]) == 0
    assert main(["reindex"]) == 0
    capsys.readouterr()

    assert main(["index-export", str(tmp_path / "copy")]) == 0

    assert f"Copied the search index to {tmp_path / 'copy'}" in capsys.readouterr().out
    monkeypatch.setenv("REGISTRY_INDEX_DIR", str(tmp_path / "new"))
    monkeypatch.setenv("REGISTRY_INDEX_SNAPSHOT", str(tmp_path / "copy"))
    services = build_services(Settings.from_env())
    search = services.open_search()
    try:
        assert not search.recreated
        assert search.feeder.ensure_fresh(search.recreated).startswith("caught up")
        assert search.index.count() == 78
    finally:
        search.close()
        services.engine.dispose()


def test_index_export_refuses_a_folder_in_use(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "notes.txt").write_text("mine")

    assert main(["index-export", str(tmp_path / "copy")]) == 2
    assert "not empty" in capsys.readouterr().err


def test_import_dry_run_then_apply(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(
        tmp_path / "catalogue.csv",
        (
            "dateAdded,dateUpdated,url,name,description,documentation,license,maintainer,areaServed,"
            "startDate,endDate,provider\n"
            "2020-01-08,2020-08-24,https://www.gov.uk/bank-holidays.json,Bank Holidays,"
            '"Bank holidays in England and Wales, Scotland and Northern Ireland.",'
            "https://github.com/alphagov/frontend/blob/main/docs/calendars.md,,,,,,"
            "government-digital-service\n"
        ),
    )

    assert main(["import", "--format", "uk-api-catalogue", str(csv)]) == 0
    assert "1 created" in capsys.readouterr().out
    assert main(["import", "--format", "uk-api-catalogue", "--apply", str(csv)]) == 0
    assert "(applied)" in capsys.readouterr().out
    assert main(["import", "--format", "uk-api-catalogue", "--apply", str(csv)]) == 0
    assert "1 unchanged" in capsys.readouterr().out


def test_import_of_a_missing_path_is_a_readable_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--format", "dpg", "/no/such/file.json"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_export_csv_and_publiccode(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed"]) == 0
    capsys.readouterr()

    assert main(["export", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("id,kind,name,summary")
    assert len(rows) == 79
    assert main(["export", "--format", "publiccode"]) == 0
    out = capsys.readouterr().out
    assert out.count("publiccodeYmlVersion") == 78
