"""Export: a registry entry as a publiccode.yml 0.4 mapping or text."""

from typing import Any

from registry.documents import dump_yaml
from registry.importers import mapping
from registry.importers.publiccode.vocabulary import (
    _DEFAULT_CATEGORY,
    _EXPORT_CATEGORIES,
    _EXPORT_STATUS,
    _MAINTENANCE_TYPES,
)


def to_publiccode(document: dict[str, Any]) -> dict[str, Any]:
    """A publiccode.yml 0.4 mapping for a registry entry.

    `url` is the repository, else the first other URL the entry has. What the entry
    cannot supply is left out rather than invented: `url` when it has no URL at all, a
    contractor's `until` date, `maintenance` when unknown, `releaseDate`,
    `softwareVersion`; a description shorter than the standard's 150 characters is
    exported as it is. Tags, standards and care settings have no place in the standard.
    """
    urls = document.get("urls") or {}
    owner = document.get("owner") or {}
    candidates = ("repository", "homepage", "documentation", "api_specification")
    url = next((urls[k] for k in candidates if urls.get(k)), owner.get("url"))
    result = {
        "publiccodeYmlVersion": "0.4",
        "name": document.get("name"),
        "url": url,
        "landingURL": urls.get("homepage"),
        "platforms": ["web"],
        "categories": _export_categories(document.get("categories") or []),
        "usedBy": [u["name"] for u in document.get("used_by") or [] if u.get("name")],
        "developmentStatus": _EXPORT_STATUS.get(str(document.get("status")), "development"),
        "softwareType": "library" if document.get("kind") == "library" else "standalone/web",
        "description": {"en": _export_description(document)},
        "legal": {"license": document.get("licence"), "mainCopyrightOwner": owner.get("name")},
        "maintenance": _export_maintenance(document.get("maintenance")),
        "localisation": {"localisationReady": False, "availableLanguages": ["en"]},
        "dependsOn": _export_dependencies(document.get("depends_on") or []),
    }
    return mapping.compact(result)


def render_publiccode(document: dict[str, Any]) -> str:
    """The publiccode.yml text for a registry entry."""
    return dump_yaml(to_publiccode(document))


def _export_categories(ours: list[str]) -> list[str]:
    theirs = [_EXPORT_CATEGORIES[c] for c in ours if c in _EXPORT_CATEGORIES]
    return list(dict.fromkeys(theirs)) or [_DEFAULT_CATEGORY]


def _export_description(document: dict[str, Any]) -> dict[str, Any]:
    urls = document.get("urls") or {}
    summary = str(document.get("summary") or document.get("name") or "")
    aliases = document.get("aliases") or []
    return {
        "localisedName": aliases[0] if aliases else None,
        "shortDescription": mapping.one_line(summary, 150),
        "longDescription": document.get("description") or summary,
        "documentation": urls.get("documentation"),
        "apiDocumentation": urls.get("api_specification"),
        "features": list(document.get("features") or []),
    }


def _export_maintenance(maintenance: Any) -> dict[str, Any] | None:
    if not isinstance(maintenance, dict) or maintenance.get("type") not in _MAINTENANCE_TYPES:
        return None  # mandatory in the standard, but "none" would claim what is not known
    contractor = maintenance.get("contractor") or {}
    contacts = [
        # The standard makes a contact's name mandatory; an address alone stands in for it.
        {"name": c.get("name") or c.get("email") or c.get("url"), "email": c.get("email")}
        for c in maintenance.get("contacts") or []
    ]
    return {
        "type": maintenance["type"],
        "contractors": [{"name": contractor["name"], "website": contractor.get("url")}]
        if maintenance["type"] == "contract" and contractor.get("name")
        else [],
        "contacts": contacts,
    }


def _export_dependencies(dependencies: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {"open": [], "proprietary": []}
    for dependency in dependencies:
        item = {"name": dependency.get("name"), **_export_version(dependency.get("version"))}
        if isinstance(dependency.get("optional"), bool):
            item["optional"] = dependency["optional"]
        groups["open" if dependency.get("open_source") else "proprietary"].append(item)
    return groups


def _export_version(text: Any) -> dict[str, str]:
    """The reverse of _version_text."""
    if not isinstance(text, str) or not text:
        return {}
    if text.startswith(">= "):
        return {"versionMin": text.removeprefix(">= ")}
    if text.startswith("<= "):
        return {"versionMax": text.removeprefix("<= ")}
    low, separator, high = text.partition(" - ")
    if separator and low and high:
        return {"versionMin": low, "versionMax": high}
    return {"version": text}
