"""US federal code.json inventories (code.gov, schema 1.0 and 2.0) to registry entries.

A file is recognised by its content:

- an inventory: `{agency, version, measurementType, releases[]}` (2.0) or
  `{version, projects[]}` (1.0); one entry per release or project;
- a single release object (`name` with `repositoryURL`, `repository` or `permissions`),
  as in the per-project files some agencies publish;
- an agency-keyed map of inventories (`{"GSA": {...}, "HHS": {...}}`).

A release that cannot be imported is rejected on its own (`file#/releases/12`); the
others still import. Choices, so a reader need not rediscover them:

- The key is the repository URL (normalised) when there is one, else
  "agency / organization / name". The id is made from the name and the key, so several
  releases in one repository (Trilinos packages, say) keep apart ids.
- A release without a description is rejected: there would be no summary. A release
  that would get the same id as an earlier one in the same file (SSA lists each of its
  releases five times) is rejected as a repeat.
- Licences come from `permissions.licenses[]` (`permissions.license[]` in the newer CMS
  files, `license` in 1.0). Several licences are joined with AND; a URL-only or
  unknown licence gives NOASSERTION with the original kept. `usageType` does not change
  the licence; an exempt release gets a warning.
- `status_dates` are left out: `date.created` is when the repository was made, not when
  the software went live.
- `maintenance.type` is the release's own `maintenance` field when it is a known value,
  else `none` for archived releases and `internal` otherwise: code.json lists code an
  agency publishes and answers for, through the contact given.
"""

from functools import lru_cache
from typing import Any

from registry.documents import DocumentError, parse_json, type_name
from registry.importers import mapping
from registry.importers.base import FileResult, Imported, Rejected
from registry.importers.mapping import repository_url
from registry.licences import NO_ASSERTION

_STATUSES = {
    "ideation": "concept",
    "development": "alpha",
    "alpha": "alpha",
    "beta": "beta",
    "release candidate": "beta",
    "release": "live",
    "production": "live",
    "archival": "retired",
    "archived": "retired",
}
_MAINTENANCE = frozenset({"internal", "contract", "community", "none"})
_OPEN_USAGE = frozenset({"openSource", "governmentWideReuse"})
_LICENCE_WHERE = "permissions.licenses"


class CodeGovImporter:
    """code.json inventories, single releases and agency-keyed maps of inventories."""

    name: str = "codegov"
    suffixes: tuple[str, ...] = (".json",)

    def parse(self, text: str, source: str) -> FileResult:
        result = FileResult()
        try:
            data = parse_json(text.removeprefix("\ufeff"), source)
        except DocumentError as exc:
            result.rejected.append(Rejected(source, str(exc).removeprefix(f"{source}: ")))
            return result
        if not isinstance(data, dict):
            result.rejected.append(
                Rejected(
                    source,
                    f"expected a JSON object (a code.json inventory), found {type_name(data)}",
                )
            )
        elif "releases" in data:
            _inventory(data, source, "", None, result)
        elif _is_release(data):
            # Before projects[]: newer CMS release files carry a `projects` list of their own.
            _add(_release(data, source, None), result)
        elif "projects" in data:
            _inventory(data, source, "", None, result)
        elif _is_agency_map(data):
            for key, value in data.items():
                where = f"/{_escape(key)}"
                if isinstance(value, dict) and ("releases" in value or "projects" in value):
                    _inventory(value, source, where, key, result)
                else:
                    result.rejected.append(
                        Rejected(f"{source}#{where}", "not a code.json inventory: no releases[]")
                    )
        else:
            result.rejected.append(
                Rejected(
                    source,
                    "not code.json: expected releases[] (2.0), projects[] (1.0) or a release "
                    "with name and repositoryURL",
                )
            )
        return _without_repeats(result)


def _without_repeats(result: FileResult) -> FileResult:
    """The first of several releases that would get the same id; the others rejected.

    Some inventories list a release more than once (SSA's lists each one five times).
    """
    first: dict[str, str] = {}
    entries: list[Imported] = []
    for item in result.entries:
        entry_id = item.document["id"]
        if entry_id in first:
            where = first[entry_id].rpartition("#")[2] or first[entry_id]
            result.rejected.append(
                Rejected(item.source, f"repeats {where}: same name and key, so the same id")
            )
        else:
            first[entry_id] = item.source
            entries.append(item)
    result.entries = entries
    return result


def _is_release(data: dict[str, Any]) -> bool:
    return "name" in data and any(k in data for k in ("repositoryURL", "repository", "permissions"))


def _is_agency_map(data: dict[str, Any]) -> bool:
    return any(isinstance(v, dict) and ("releases" in v or "projects" in v) for v in data.values())


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _add(outcome: Imported | Rejected, result: FileResult) -> None:
    if isinstance(outcome, Imported):
        result.entries.append(outcome)
    else:
        result.rejected.append(outcome)


def _inventory(
    data: dict[str, Any], source: str, where: str, map_key: str | None, result: FileResult
) -> None:
    """Every release of one inventory; `map_key` is the agency key of a curated map."""
    field = "releases" if "releases" in data else "projects"
    releases = data[field]
    if not isinstance(releases, list):
        result.rejected.append(
            Rejected(
                f"{source}#{where}" if where else source,
                f"{field}: expected a list, found {type_name(releases)}",
            )
        )
        return
    if not releases:
        result.rejected.append(
            Rejected(f"{source}#{where}" if where else source, f"{field}: empty; nothing to import")
        )
        return
    agency = _agency(data.get("agency")) or map_key
    for index, release in enumerate(releases):
        _add(_release(release, f"{source}#{where}/{field}/{index}", agency), result)


def _agency(value: Any) -> str | None:
    """The agency's acronym: a string in 2.0, an object {name, acronym} in 1.0."""
    if isinstance(value, dict):
        return mapping.one_line(value.get("acronym"), 100) or mapping.one_line(
            value.get("name"), 200
        )
    return mapping.one_line(value, 100)


def _release(release: Any, source: str, agency: str | None) -> Imported | Rejected:
    if not isinstance(release, dict):
        return Rejected(source, f"expected an object (a release), found {type_name(release)}")
    warnings: list[str] = []

    raw_name = release.get("name")
    if not isinstance(raw_name, str):
        found = "missing" if raw_name is None else f"expected a string, found {type_name(raw_name)}"
        return Rejected(source, f"name: {found}")
    name = mapping.one_line(raw_name, 150)
    if name is None:
        return Rejected(source, "name: empty")
    if len(raw_name.strip()) > 150:
        warnings.append("name: longer than 150 characters; cut.")

    raw_description = release.get("description")
    if raw_description is not None and not isinstance(raw_description, str):
        return Rejected(
            source, f"description: expected a string, found {type_name(raw_description)}"
        )
    summary = mapping.summary_from(raw_description)
    if summary is None:
        return Rejected(source, "description: missing or empty; a summary is required")
    long_description = _text(release, "longDescription", warnings)
    description = mapping.paragraphs(
        "\n\n".join(t for t in (raw_description, long_description) if t)
    )

    agency = _agency(release.get("agency")) or agency
    organization = mapping.one_line(_text(release, "organization", warnings), 200)
    owner = _owner_name(agency, organization)
    if owner is None:
        return Rejected(
            source, "organization: missing, and no agency to fall back on; an owner is required"
        )

    repository = _repository(release, warnings)
    homepage = mapping.url(
        _text(release, "homepageURL", warnings) or _text(release, "homepage", warnings),
        warnings,
        "homepageURL",
    )
    licence, original = _licences(release, warnings)
    status = _status(release.get("status"), warnings)
    key = repository or " / ".join(p for p in (agency, organization, name) if p)

    document = mapping.compact(
        {
            "id": mapping.stable_id(name, key),
            "kind": "software",
            "name": name,
            "summary": summary,
            "description": description if description != summary else None,
            "status": status,
            "licence": licence,
            "owner": {"name": owner},
            "maintenance": _maintenance(release, status, warnings),
            "urls": {"repository": repository, "homepage": homepage},
            "tags": _tags(release, warnings),
            "provenance": {
                "format": "codegov",
                "source": mapping.one_line(key, 2000),
                "original_licence": original,
            },
        }
    )
    return Imported(document, source, warnings)


def _text(release: dict[str, Any], key: str, warnings: list[str]) -> str | None:
    """An optional string field; another type is left out with a warning."""
    value = release.get(key)
    if value is None or isinstance(value, str):
        return value
    warnings.append(f"{key}: expected a string, found {type_name(value)}; left out.")
    return None


def _owner_name(agency: str | None, organization: str | None) -> str | None:
    """'HHS / Centers for Disease Control and Prevention', or whichever of the two exists."""
    if agency and organization and agency.lower() != organization.lower():
        return mapping.one_line(f"{agency} / {organization}", 200)
    return organization or agency


def _repository(release: dict[str, Any], warnings: list[str]) -> str | None:
    for key in ("repositoryURL", "repository", "repoURL"):
        value = _text(release, key, warnings)
        if value and value.strip():
            return repository_url(value, warnings, key)
    return None


def _licences(release: dict[str, Any], warnings: list[str]) -> tuple[str, str | None]:
    """(SPDX expression, original text kept when some licence could not be mapped)."""
    permissions = release.get("permissions")
    items: Any = None
    if isinstance(permissions, dict):
        items = permissions.get("licenses", permissions.get("license"))
        usage = permissions.get("usageType")
        if isinstance(usage, str) and usage.strip() and usage not in _OPEN_USAGE:
            warnings.append(
                f"permissions.usageType: '{mapping.one_line(usage, 80)}'; the source code "
                "is not shared openly."
            )
    elif permissions is not None:
        warnings.append(
            f"permissions: expected an object, found {type_name(permissions)}; left out."
        )
    if items is None and "license" in release:
        items = release["license"]  # schema 1.0: one string
    if isinstance(items, str | dict):
        items = [items]
    if not isinstance(items, list):
        if items is not None:
            warnings.append(
                f"{_LICENCE_WHERE}: expected a list, found {type_name(items)}; left out."
            )
        warnings.append(f"{_LICENCE_WHERE}: no licence given; recorded as NOASSERTION.")
        return NO_ASSERTION, None

    expressions: list[str] = []
    originals: list[str] = []
    url_only = False
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        link = item.get("URL") if isinstance(item, dict) else None
        name = name.strip() if isinstance(name, str) else ""
        link = link.strip() if isinstance(link, str) else ""
        if name:
            expression, original, notes = _map_licence(name)
            warnings.extend(notes)
            if expression != NO_ASSERTION:
                expressions.append(expression)
            elif original:
                originals.append(f"{original} ({link})" if link else original)
        elif link:
            originals.append(link)  # only a URL: kept as the original, not guessed at
            url_only = True
    if url_only:
        warnings.append(
            f"{_LICENCE_WHERE}: a licence given only by its URL; the URL is kept as the "
            "original licence, not mapped."
        )
    elif not originals and not expressions:
        warnings.append(f"{_LICENCE_WHERE}: no licence given; recorded as NOASSERTION.")
    unique = list(dict.fromkeys(expressions))
    expression = " AND ".join(f"({e})" if " " in e else e for e in unique) or NO_ASSERTION
    original = mapping.one_line("; ".join(dict.fromkeys(originals)), 2000)
    return expression, original


@lru_cache(maxsize=2048)
def _map_licence(name: str) -> tuple[str, str | None, tuple[str, ...]]:
    """mapping.licence for one name, cached: real inventories repeat a few dozen names."""
    notes: list[str] = []
    expression, original = mapping.licence(name, notes, _LICENCE_WHERE)
    return expression, original, tuple(notes)


def _status(value: Any, warnings: list[str]) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        warnings.append("status: not given; recorded as live.")
        return "live"
    if not isinstance(value, str):
        warnings.append(f"status: expected a string, found {type_name(value)}; recorded as live.")
        return "live"
    text = " ".join(value.lower().split())
    if text in _STATUSES:
        return _STATUSES[text]
    first = text.split(" ", 1)[0]
    shown = mapping.one_line(value, 80)
    if first in _STATUSES:
        warnings.append(f"status: '{shown}' read as '{_STATUSES[first]}'.")
        return _STATUSES[first]
    warnings.append(f"status: '{shown}' is not a code.json status; recorded as live.")
    return "live"


def _maintenance(release: dict[str, Any], status: str, warnings: list[str]) -> dict[str, Any]:
    declared = release.get("maintenance")
    contact = release.get("contact")
    contacts: list[dict[str, Any]] = []
    if isinstance(contact, dict):
        contacts.append(
            {
                "name": mapping.one_line(contact.get("name"), 200),
                "email": mapping.email(contact.get("email")),
                "url": mapping.url(contact.get("URL"), warnings, "contact.URL"),
            }
        )
    elif contact is not None:
        warnings.append(f"contact: expected an object, found {type_name(contact)}; left out.")
    contacts = [mapping.compact(c) for c in contacts if any(c.values())]
    if isinstance(declared, str) and declared in _MAINTENANCE:
        kind = declared
    elif not contacts:
        return {}
    else:
        kind = "none" if status == "retired" else "internal"
    return {"type": kind, "contacts": contacts}


def _tags(release: dict[str, Any], warnings: list[str]) -> list[str]:
    """The release's tags, then its languages, lower case, at most 30."""
    result: list[str] = []
    for key in ("tags", "languages"):
        value = release.get(key)
        if value is not None and not isinstance(value, list | str):
            warnings.append(f"{key}: expected a list, found {type_name(value)}; left out.")
            continue
        for tag in mapping.tags(value):
            if tag not in result:
                result.append(tag)
    return result[:30]


IMPORTER = CodeGovImporter()
