"""`usedBy` and `dependsOn`: who uses the software and what it depends on.

Hardware dependencies are recorded with `open_source: false`.
"""

from typing import Any

from registry.importers import mapping
from registry.importers.publiccode.values import _kind, _list, _map, _strings, _text


def _used_by(raw: Any, warnings: list[str]) -> list[dict[str, str]]:
    names = [mapping.one_line(v, 200) for v in _strings(raw, "usedBy", warnings)]
    unique = list(dict.fromkeys(n for n in names if n))
    return [{"name": n} for n in unique[:500]]


def _depends_on(raw: Any, warnings: list[str]) -> list[dict[str, Any]]:
    section = _map(raw, "dependsOn", warnings)
    result: list[dict[str, Any]] = []
    for group, open_source in (("open", True), ("proprietary", False), ("hardware", False)):
        items = _list(section.get(group), f"dependsOn.{group}", warnings)
        for index, item in enumerate(items):
            dependency = _dependency(item, f"dependsOn.{group}[{index}]", warnings)
            if dependency:
                result.append({**dependency, "open_source": open_source})
    if len(result) > 100:
        warnings.append(f"dependsOn: {len(result)} dependencies; the first 100 kept.")
    return result[:100]


def _dependency(raw: Any, where: str, warnings: list[str]) -> dict[str, Any] | None:
    item = _map(raw, where, warnings)
    name = mapping.one_line(_text(item.get("name"), f"{where}.name", warnings), 150)
    version, low, high = (
        _text(item.get(k), f"{where}.{k}", warnings)
        for k in ("version", "versionMin", "versionMax")
    )
    optional = item.get("optional")
    if optional is not None and not isinstance(optional, bool):
        warnings.append(f"{where}.optional: expected true or false, found {_kind(optional)}.")
        optional = None
    if not name:
        if isinstance(raw, dict) and item.get("name") is None:
            warnings.append(f"{where}.name: missing; dependency left out.")
        return None
    return {"name": name, "version": _version_text(version, low, high), "optional": optional}


def _version_text(version: str | None, low: str | None, high: str | None) -> str | None:
    """Our one free-text version from version/versionMin/versionMax: "3.2", ">= 1.1",
    "<= 2" or "1.1 - 1.3"; _export_version reads these back."""
    if version:
        text = version
    elif low and high:
        text = f"{low} - {high}"
    elif low or high:
        text = f">= {low}" if low else f"<= {high}"
    else:
        return None
    return mapping.one_line(text, 50)
