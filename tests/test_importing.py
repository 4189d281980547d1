"""The import service: dry run, apply, idempotence, duplicates, rejections, suppliers."""

import json
from pathlib import Path
from typing import Any

from registry.auth import OPERATOR
from registry.importers.base import FileResult, Imported, Rejected
from registry.importing import ImportReport, expand, read_files
from registry.wiring import Services
from tests.builders import an_entry, write


class ListImporter:
    """A test format: a JSON list of entry documents; items without `id` are rejected."""

    name = "publiccode"
    suffixes: tuple[str, ...] = (".json",)

    def parse(self, text: str, source: str) -> FileResult:
        result = FileResult()
        try:
            items = json.loads(text)
        except ValueError as exc:
            return FileResult(rejected=[Rejected(source, f"not JSON: {exc}")])
        for index, item in enumerate(items):
            where = f"{source}#/{index}"
            if "id" not in item:
                result.rejected.append(Rejected(where, "id: missing"))
            else:
                result.entries.append(Imported(item, where, ["a warning"]))
        return result


IMPORTER = ListImporter()


def run(services: Services, folder: Path, *, apply: bool, **kwargs: Any) -> ImportReport:
    files, _ = expand([str(folder)], IMPORTER.suffixes)
    return services.imports.run(
        IMPORTER, read_files(IMPORTER, files), apply=apply, actor=OPERATOR, **kwargs
    )


def corpus(tmp_path: Path, *documents: dict[str, Any]) -> Path:
    write(tmp_path / "in" / "a.json", json.dumps(list(documents)))
    return tmp_path / "in"


def test_dry_run_reports_and_stores_nothing(services: Services, tmp_path: Path) -> None:
    report = run(services, corpus(tmp_path, an_entry()), apply=False)

    assert report.counts["created"] == 1
    assert report.warnings == [(f"{tmp_path}/in/a.json#/0", "a warning")]
    assert services.entries.health()["entries"] == {}


def test_apply_publishes_with_an_import_revision(services: Services, tmp_path: Path) -> None:
    report = run(services, corpus(tmp_path, an_entry()), apply=True)

    assert report.counts["created"] == 1
    view = services.entries.get("example-tool", None)
    assert view.state == "published"
    revision = services.entries.revisions("example-tool", None)[0]
    assert revision.action == "import"
    assert "a.json#/0" in revision.reason


def test_same_import_twice_changes_nothing(services: Services, tmp_path: Path) -> None:
    folder = corpus(tmp_path, an_entry(), an_entry(id="second-tool", name="Second"))
    run(services, folder, apply=True)
    revisions = services.entries.health()["revisions"]

    again = run(services, folder, apply=True)

    assert again.counts["unchanged"] == 2
    assert services.entries.health()["revisions"] == revisions


def test_changed_source_updates_the_same_entry(services: Services, tmp_path: Path) -> None:
    run(services, corpus(tmp_path, an_entry()), apply=True)

    report = run(services, corpus(tmp_path, an_entry(summary="Now does more.")), apply=True)

    assert report.counts["updated"] == 1
    assert services.entries.get("example-tool", None).document["summary"] == "Now does more."


def test_invalid_documents_are_rejected_with_paths(services: Services, tmp_path: Path) -> None:
    report = run(services, corpus(tmp_path, an_entry(licence="Nope"), {"name": "x"}), apply=True)

    rejected = [o for o in report.outcomes if o.result == "rejected"]
    assert len(rejected) == 2
    assert any(m.startswith("/licence: ") for o in rejected for m in o.messages)
    assert any(m == "id: missing" for o in rejected for m in o.messages)
    assert services.entries.health()["entries"] == {}


def test_a_broken_file_does_not_stop_the_others(services: Services, tmp_path: Path) -> None:
    folder = corpus(tmp_path, an_entry())
    write(folder / "broken.json", "{not json")

    report = run(services, folder, apply=True)

    assert report.files == 2
    assert report.counts == {**report.counts, "created": 1, "rejected": 1}


def test_duplicates_across_sources_are_detected(services: Services, tmp_path: Path) -> None:
    repo = {"repository": "https://github.com/example/tool"}
    first = an_entry(id="tool-from-a", urls=repo)
    second = an_entry(
        id="tool-from-b", urls={"repository": "http://www.github.com/Example/tool.git/"}
    )

    report = run(services, corpus(tmp_path, first, second), apply=True)

    duplicate = next(o for o in report.outcomes if o.result == "duplicate")
    assert duplicate.entry_id == "tool-from-b"
    assert "tool-from-a" in duplicate.messages[0]


def test_duplicate_of_an_existing_entry_is_detected(services: Services, tmp_path: Path) -> None:
    run(services, corpus(tmp_path, an_entry(id="first-id")), apply=True)

    report = run(services, corpus(tmp_path, an_entry(id="other-id")), apply=True)

    assert report.counts["duplicate"] == 1
    assert "first-id" in report.outcomes[0].messages[0]


def test_supplier_attribution(services: Services, tmp_path: Path) -> None:
    run(services, corpus(tmp_path, an_entry()), apply=True, supplier="Importer Ltd")

    assert services.entries.get("example-tool", None).supplier == "Importer Ltd"


def test_supplier_import_submits_for_review(services: Services, tmp_path: Path) -> None:
    supplier = services.accounts.authenticate(
        services.accounts.create_key(
            supplier="Acme", scopes=["entries:submit"], actor=OPERATOR
        ).token
    )
    files, _ = expand([str(corpus(tmp_path, an_entry()))], IMPORTER.suffixes)

    report = services.imports.run(IMPORTER, read_files(IMPORTER, files), apply=True, actor=supplier)

    assert report.counts["submitted"] == 1
    assert services.entries.get("example-tool", supplier).state == "submitted"
    assert services.entries.health()["entries"] == {"submitted": 1}


def test_expand_walks_folders_and_globs_and_reports_missing(tmp_path: Path) -> None:
    a = write(tmp_path / "d" / "a.json", "[]")
    b = write(tmp_path / "d" / "sub" / "b.JSON", "[]")
    write(tmp_path / "d" / "ignored.txt", "")

    files, missing = expand(
        [str(tmp_path / "d"), str(tmp_path / "*.nothing"), "nope.json"], (".json",)
    )

    assert files == [a, b]
    assert missing == [str(tmp_path / "*.nothing"), "nope.json"]


def test_same_repository_with_another_name_is_imported(services: Services, tmp_path: Path) -> None:
    repo = {"repository": "https://github.com/santedb/santedb-server"}
    ims = an_entry(id="santeims", name="SanteIMS", urls=repo)
    mpi = an_entry(id="santempi", name="SantéMPI", urls=repo)

    report = run(services, corpus(tmp_path, ims, mpi), apply=True)

    assert report.counts["created"] == 2
    assert report.counts["duplicate"] == 0


def test_a_copy_without_the_repository_is_a_duplicate_of_the_stored_entry(
    services: Services, tmp_path: Path
) -> None:
    docs = "https://www.notifications.service.gov.uk/documentation"
    seeded = an_entry(
        id="govuk-notify",
        kind="service",
        name="GOV.UK Notify",
        urls={"repository": "https://github.com/alphagov/notifications-api", "documentation": docs},
    )
    run(services, corpus(tmp_path, seeded), apply=True)
    copy = an_entry(
        id="gov-uk-notify-d32c0ec", kind="api", name="GOV.UK Notify", urls={"documentation": docs}
    )

    report = run(services, corpus(tmp_path, copy), apply=True)

    assert report.counts["duplicate"] == 1
    message = report.outcomes[0].messages[0]
    assert "the same documentation page" in message
    assert "'govuk-notify'" in message


def test_an_entry_from_another_format_is_not_overwritten(
    services: Services, tmp_path: Path
) -> None:
    from_dpg = an_entry(provenance={"format": "dpg", "source": "https://github.com/example/tool"})
    from_publiccode = an_entry(
        summary="Different words.",
        provenance={"format": "publiccode", "source": "https://github.com/example/tool"},
    )
    run(services, corpus(tmp_path, from_dpg), apply=True)

    for _ in range(2):  # and again: the same import twice changes nothing
        report = run(services, corpus(tmp_path, from_publiccode), apply=True)
        assert report.counts["duplicate"] == 1
        assert "already imported from dpg" in report.outcomes[0].messages[0]

    assert services.entries.get("example-tool", None).document == from_dpg


def test_an_entry_that_was_not_imported_is_not_overwritten(
    seeded: Services, tmp_path: Path
) -> None:
    curated = seeded.entries.get("hapi-fhir", None).document
    imported = {
        **curated,
        "summary": "Imported words.",
        "provenance": {"format": "publiccode", "source": "x"},
    }

    report = run(seeded, corpus(tmp_path, imported), apply=True)

    assert report.counts["duplicate"] == 1
    assert seeded.entries.get("hapi-fhir", None).document == curated
