"""The real corpus under ../shared/data, as (format, paths) pairs the importers read."""

from pathlib import Path

from registry.settings import PROJECT_ROOT

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


def real_corpus(data: Path = SHARED_DATA) -> list[tuple[str, list[str]]]:
    """Every real file in the shared data, grouped by the format that reads it."""
    dpg = data / "dpga-publicgoods-candidates"
    codegov = data / "us-code-gov-inventory"
    return [
        (
            "uk-api-catalogue",
            [
                str(data / "uk-api-catalogue" / "data" / "catalogue.csv"),
                str(data / "uk-api-catalogue-data-source"),
            ],
        ),
        ("publiccode", [str(data / "publiccode-real")]),
        ("dpg", [str(dpg / "nominees"), str(dpg / "archive"), str(dpg / "excluded-nominees")]),
        ("codegov", [str(codegov / "agency-indexes"), str(codegov / "codegov.json")]),
        ("backstage", [str(data / "backstage-catalog-examples")]),
    ]
