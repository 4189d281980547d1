"""Giving entries back: one entry as JSON, YAML or publiccode.yml; many as CSV or NDJSON."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from registry.documents import dump_json, dump_yaml
from registry.views import EntryView

#: Single-entry formats and their media types.
ENTRY_FORMATS = {
    "json": "application/json",
    "yaml": "application/yaml",
    "publiccode": "application/yaml",
}

CSV_COLUMNS = (
    "id",
    "kind",
    "name",
    "summary",
    "status",
    "licence",
    "open_source",
    "owner",
    "homepage",
    "repository",
    "documentation",
    "standards",
    "categories",
    "care_settings",
    "tags",
    "state",
    "updated_at",
)


def render_entry(document: dict[str, Any], fmt: str) -> str:
    """The document as text in one of ENTRY_FORMATS."""
    if fmt == "json":
        return dump_json(document)
    if fmt == "yaml":
        return dump_yaml(document)
    if fmt == "publiccode":
        from registry.importers.publiccode import render_publiccode

        return str(render_publiccode(document))
    raise ValueError(f"unknown format '{fmt}'; use one of: {', '.join(ENTRY_FORMATS)}")


def public_record(view: EntryView) -> dict[str, Any]:
    """What a harvester gets for one published entry."""
    return {
        "id": view.id,
        "state": view.state,
        "revision": view.revision,
        "updated_at": view.updated_at,
        "open_source": view.open_source,
        "document": view.document,
    }


def ndjson_lines(views: Iterable[EntryView]) -> Iterator[bytes]:
    for view in views:
        yield (json.dumps(public_record(view), ensure_ascii=False) + "\n").encode("utf-8")


def csv_row(view: EntryView) -> list[str]:
    document = view.document
    urls = document.get("urls", {})
    return [
        view.id,
        document["kind"],
        document["name"],
        document["summary"],
        document["status"],
        document["licence"],
        "yes" if view.open_source else "no",
        document["owner"]["name"],
        urls.get("homepage", ""),
        urls.get("repository", ""),
        urls.get("documentation", ""),
        ";".join(s["id"] for s in document.get("standards", [])),
        ";".join(document.get("categories", [])),
        ";".join(document.get("care_settings", [])),
        ";".join(document.get("tags", [])),
        view.state,
        view.updated_at or "",
    ]


def csv_lines(views: Iterable[EntryView]) -> Iterator[str]:
    """CSV text, a line at a time; cells that a spreadsheet would run as formulas are
    prefixed with an apostrophe (entry text is untrusted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    for view in views:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_inert(cell) for cell in csv_row(view)])
        yield buffer.getvalue()


def _inert(cell: str) -> str:
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
