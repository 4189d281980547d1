"""`maintenance`: its type, the first contractor and the contacts."""

from typing import Any

from registry.importers import mapping
from registry.importers.publiccode.checks import _check_email
from registry.importers.publiccode.values import _http_url, _is_date, _list, _map, _show, _text
from registry.importers.publiccode.vocabulary import _MAINTENANCE_TYPES


def _maintenance(raw: Any, warnings: list[str]) -> dict[str, Any] | None:
    if raw is None:
        warnings.append("maintenance: missing; required by the standard.")
        return None
    section = _map(raw, "maintenance", warnings)
    kind = section.get("type")
    contractors = _list(section.get("contractors"), "maintenance.contractors", warnings)
    contacts = _list(section.get("contacts"), "maintenance.contacts", warnings)
    if kind not in _MAINTENANCE_TYPES:
        shown = "missing" if kind is None else _show(kind)
        warnings.append(
            f"maintenance.type: {shown}, not one of "
            f"{', '.join(sorted(_MAINTENANCE_TYPES))}; maintenance left out."
        )
        return None
    if kind != "contract" and contractors:
        warnings.append("maintenance.contractors: only for maintenance.type 'contract'; ignored.")
        contractors = []
    if kind == "contract" and not contractors:
        warnings.append("maintenance.contractors: required when maintenance.type is 'contract'.")
    if kind in {"internal", "community"} and not contacts:
        warnings.append(f"maintenance.contacts: required when maintenance.type is '{kind}'.")
    found = [c for i, item in enumerate(contractors) if (c := _contractor(item, i, warnings))]
    if len(found) > 1:
        warnings.append(f"maintenance.contractors: {len(found)} given; the first is kept.")
    people = [c for i, item in enumerate(contacts) if (c := _contact(item, i, warnings))]
    return {"type": kind, "contractor": found[0] if found else None, "contacts": people[:20]}


def _contractor(raw: Any, index: int, warnings: list[str]) -> dict[str, Any] | None:
    where = f"maintenance.contractors[{index}]"
    item = _map(raw, where, warnings)
    name = mapping.one_line(_text(item.get("name"), f"{where}.name", warnings), 200)
    if not name and isinstance(raw, dict):
        warnings.append(f"{where}.name: missing; contractor left out.")
    _check_email(item.get("email"), f"{where}.email", warnings)
    website = _http_url(item.get("website"), f"{where}.website", warnings)
    until = item.get("until")
    if isinstance(raw, dict) and not _is_date(until):
        found = "missing" if until is None else _show(until)
        warnings.append(f"{where}.until: {found}; the standard requires a YYYY-MM-DD date.")
    return {"name": name, "url": website} if name else None


def _contact(raw: Any, index: int, warnings: list[str]) -> dict[str, Any] | None:
    where = f"maintenance.contacts[{index}]"
    item = _map(raw, where, warnings)
    name = mapping.one_line(_text(item.get("name"), f"{where}.name", warnings), 200)
    if not name and isinstance(raw, dict):
        warnings.append(f"{where}.name: missing; required by the standard.")
    address = _check_email(item.get("email"), f"{where}.email", warnings)
    contact = mapping.compact({"name": name, "email": address})
    return contact or None
