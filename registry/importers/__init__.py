"""Importers: one module per foreign format, each mapping a file to registry entries.

| format             | module               | files                                              |
| ------------------ | -------------------- | -------------------------------------------------- |
| `publiccode`       | `publiccode/`        | publiccode.yml, versions 0.2 to 0.5 (and "0"/"1")  |
| `backstage`        | `backstage.py`       | catalog-info.yaml (multi-document)                 |
| `dpg`              | `dpg.py`             | Digital Public Goods nominee JSON (old and new)    |
| `codegov`          | `codegov.py`         | code.json inventories (schema 1.0 and 2.0)         |
| `uk-api-catalogue` | `uk_api_catalogue.py`| the UK API catalogue CSV and its federated JSON    |
"""

from importlib import import_module

from registry.importers.base import FileResult, Imported, Importer, Rejected

FORMATS = ("publiccode", "backstage", "dpg", "codegov", "uk-api-catalogue")


def importer_for(name: str) -> Importer:
    """The importer for a format name; ValueError for an unknown one."""
    if name not in FORMATS:
        raise ValueError(f"unknown format '{name}'; use one of: {', '.join(FORMATS)}")
    module = import_module(f"registry.importers.{name.replace('-', '_')}")
    importer: Importer = module.IMPORTER
    return importer


__all__ = ["FORMATS", "FileResult", "Imported", "Importer", "Rejected", "importer_for"]
