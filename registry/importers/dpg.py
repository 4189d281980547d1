"""Digital Public Goods Alliance nominee files (DPGAlliance/publicgoods-candidates).

One JSON file describes one nominee and gives one entry. Two shapes are read:

- current (`nominee-schema.json`): `repositories` [{name, url}], `license` [{spdx,
  licenseURL}], `SDGs` [{SDGNumber, ...}], `organizations` [{name, website, org_type}];
- older (several `excluded-nominees/`): `repositoryURL` as a string, `SDGs` as
  [number, title] pairs, licences and repositories as plain strings.

Choices, so a reader need not rediscover them:

- `status` carries what the source says. A nomination the Alliance archived (`stage:
  archive`, or a file in `archive/`) is no longer recognised: `deprecated`, with a
  warning. An excluded nominee (a file in `excluded-nominees/`) was not accepted: a
  warning says so. Current nominees and DPGs are `live`: the files say nothing else about
  where the software is in its life. Recognised DPGs get the tag "digital public good".
- The key is the first repository URL (normalised), else the website, else the name;
  the same project in `nominees/` and `archive/` therefore keeps its provenance key, and
  its id when the name is spelled the same.
- DPG screening answers (`digitalpublicgoods/`) and reviewer assessments (`reviews/`) are
  rejected: they carry no description, licence or owner, and the projects they are about
  have nominee files of their own.
- Optional fields of the wrong type are left out with a warning; a wrong `name`,
  `description`, `license` or `organizations` rejects the file.
"""

from pathlib import PurePath
from typing import Any

from registry.documents import DocumentError, parse_json, type_name
from registry.importers import mapping
from registry.importers.base import FileResult, Imported, Rejected
from registry.importers.mapping import repository_url
from registry.licences import NO_ASSERTION

#: DPG `type` values (or the website's "Open …" category names) to entry kinds, most
#: specific first: a nominee that is software and data is catalogued as software.
_KIND_ORDER = (
    ("software", "software"),
    ("standard", "standard"),
    ("data", "dataset"),
    ("aimodel", "software"),
    ("content", "dataset"),
)
_TYPE_TAGS = {
    "software": "open software",
    "standard": "open standard",
    "data": "open data",
    "aimodel": "open ai model",
    "content": "open content",
}
_OWNER_PREFERENCE = ("owner", "maintainer", "implementer")
_HEALTH_CATEGORY = "health-information-systems"
_SCREENING_KEYS = frozenset(
    {"clearOwnership", "platformIndependence", "NonPII", "privacy", "doNoHarm", "locations"}
)


class DpgImporter:
    """Digital Public Goods nominee JSON (current and older shapes)."""

    name: str = "dpg"
    suffixes: tuple[str, ...] = (".json",)

    def parse(self, text: str, source: str) -> FileResult:
        try:
            data = parse_json(text.removeprefix("\ufeff"), source)
        except DocumentError as exc:
            return _reject(source, str(exc).removeprefix(f"{source}: "))
        if not isinstance(data, dict):
            return _reject(source, f"expected a JSON object (a nominee), found {type_name(data)}")
        if "description" not in data:
            if ("user" in data and "timestamp" in data) or any(
                isinstance(k, str) and k.startswith("SDG[") for k in data
            ):
                return _reject(source, "a reviewer's assessment, not a nominee description")
            if _SCREENING_KEYS & data.keys():
                return _reject(source, "screening answers, not a nominee description")
        outcome = _nominee(data, source)
        if isinstance(outcome, Rejected):
            return FileResult(rejected=[outcome])
        return FileResult(entries=[outcome])


def _reject(source: str, reason: str) -> FileResult:
    return FileResult(rejected=[Rejected(source, reason)])


def _nominee(data: dict[str, Any], source: str) -> Imported | Rejected:
    warnings: list[str] = []

    raw_name = data.get("name")
    if not isinstance(raw_name, str):
        missing = (
            "missing" if raw_name is None else f"expected a string, found {type_name(raw_name)}"
        )
        return Rejected(source, f"name: {missing}")
    name = mapping.one_line(raw_name, 150)
    if name is None:
        return Rejected(source, "name: empty")
    if len(" ".join(raw_name.split())) > 150:
        warnings.append("name: longer than 150 characters; cut.")

    raw_description = data.get("description")
    if not isinstance(raw_description, str):
        missing = (
            "missing"
            if raw_description is None
            else f"expected a string, found {type_name(raw_description)}"
        )
        return Rejected(source, f"description: {missing}; a summary is required")
    summary = mapping.summary_from(raw_description)
    if summary is None:
        return Rejected(source, "description: empty; a summary is required")
    description = mapping.paragraphs(raw_description)

    owner = _owner(data.get("organizations"), warnings)
    if isinstance(owner, str):
        return Rejected(source, owner)

    licence = _licence(data.get("license"), "license" in data, warnings)
    if licence is None:
        return Rejected(
            source,
            f"license: expected a list of licences, found {type_name(data.get('license'))}",
        )
    expression, original = licence

    homepage = mapping.url(_optional(data, "website", str, warnings), warnings, "website")
    repository = _repository(data, warnings)
    kind, type_tags = _kind(_optional(data, "type", list, warnings), warnings)
    sectors = [s for s in _optional(data, "sectors", list, warnings) or [] if isinstance(s, str)]
    stage = _optional(data, "stage", str, warnings)

    tags = mapping.tags(
        sectors
        + _sdg_tags(_optional(data, "SDGs", list, warnings))
        + type_tags
        + (["digital public good"] if stage == "DPG" else [])
    )
    health = any(s.strip().lower() == "health" for s in sectors)
    key = repository or (homepage.rstrip("/") if homepage else None) or name

    document = mapping.compact(
        {
            "id": mapping.stable_id(name, key),
            "kind": kind,
            "name": name,
            "aliases": _aliases(_optional(data, "aliases", list, warnings), name),
            "summary": summary,
            "description": description if description != summary else None,
            "status": _status(stage, source, warnings),
            "licence": expression,
            "owner": owner,
            "urls": {"homepage": homepage, "repository": repository},
            "categories": [_HEALTH_CATEGORY] if health else [],
            "tags": tags,
            "provenance": {"format": "dpg", "source": key, "original_licence": original},
        }
    )
    return Imported(document, source, warnings)


def _status(stage: str | None, source: str, warnings: list[str]) -> str:
    folder = PurePath(source.split("#", 1)[0]).parent.name
    if stage == "archive" or folder == "archive":
        warnings.append(
            "stage: archived by the Digital Public Goods Alliance, no longer recognised as a "
            "nominee or a DPG; recorded as deprecated."
        )
        return "deprecated"
    if folder == "excluded-nominees":
        warnings.append(
            "stage: an excluded nominee, not accepted by the Digital Public Goods Alliance; "
            "recorded as live, as the file says nothing else about it."
        )
    return "live"


def _optional(data: dict[str, Any], key: str, kind: type, warnings: list[str]) -> Any:
    """The value of an optional field, or None (with a warning) when it has the wrong type."""
    value = data.get(key)
    if value is None or isinstance(value, kind):
        return value
    expected = "a list" if kind is list else "a string"
    warnings.append(f"{key}: expected {expected}, found {type_name(value)}; left out.")
    return None


def _owner(organizations: Any, warnings: list[str]) -> dict[str, Any] | str:
    """The owning organisation, or the reason there is none."""
    if organizations is None:
        return "organizations: missing; an owner is required"
    if not isinstance(organizations, list):
        return f"organizations: expected a list, found {type_name(organizations)}"
    named = [
        (org, name)
        for org in organizations
        if isinstance(org, dict) and (name := mapping.one_line(org.get("name"), 200))
    ]
    if not named:
        return "organizations: no organisation with a name; an owner is required"
    org, name = next(
        (pair for role in _OWNER_PREFERENCE for pair in named if pair[0].get("org_type") == role),
        named[0],
    )
    if org.get("org_type") != "owner":
        role = org.get("org_type") if isinstance(org.get("org_type"), str) else "no role"
        warnings.append(
            f"organizations: none has org_type 'owner'; '{name}' ({role}) recorded as owner."
        )
    return {"name": name, "url": mapping.url(org.get("website"), warnings, "organizations")}


def _licence(raw: Any, present: bool, warnings: list[str]) -> tuple[str, str | None] | None:
    """(expression, original) from `license`; None when it has the wrong type.

    A nominee with several licences offers different components under each, so all of
    them apply to the whole: they are joined with AND, as mapping.licence does for lists.
    """
    if isinstance(raw, str):
        raw = [raw]
    if raw is None or raw == []:
        reason = "empty" if present else "missing"
        warnings.append(f"license: {reason}; recorded as NOASSERTION.")
        return NO_ASSERTION, None
    if not isinstance(raw, list):
        return None
    names: list[str] = []
    for item in raw:
        if isinstance(item, dict):
            spdx = item.get("spdx")
            link = item.get("licenseURL")
            if isinstance(spdx, str) and spdx.strip():
                names.append(spdx)
            elif isinstance(link, str) and link.strip():
                names.append(link)  # only a URL: kept as the original, not guessed at
        elif isinstance(item, str):
            names.append(item)
    if not names:
        warnings.append("license: no licence name in the list; recorded as NOASSERTION.")
        return NO_ASSERTION, None
    return mapping.licence(names, warnings, "license")


def _repository(data: dict[str, Any], warnings: list[str]) -> str | None:
    """The first usable repository URL: `repositories[]` (objects or strings), else
    the older `repositoryURL`."""
    candidates: list[Any] = []
    repositories = _optional(data, "repositories", list, warnings)
    for item in repositories or []:
        candidates.append(item.get("url") if isinstance(item, dict) else item)
    candidates.append(_optional(data, "repositoryURL", str, warnings))
    for candidate in candidates:
        found = repository_url(candidate, warnings, "repositories")
        if found:
            return found
    return None


def _kind(types: Any, warnings: list[str]) -> tuple[str, list[str]]:
    """The entry kind and the tags that keep what the DPG `type` list said."""
    keys = [
        t.strip().lower().removeprefix("open ").replace(" ", "")
        for t in types or []
        if isinstance(t, str)
    ]
    tags = [_TYPE_TAGS[k] for k in keys if k in _TYPE_TAGS]
    for key, kind in _KIND_ORDER:
        if key in keys:
            if key in {"aimodel", "content"}:
                label = _TYPE_TAGS[key].removeprefix("open ")
                warnings.append(f"type: {label} has no kind of its own; recorded as {kind}.")
            return kind, tags
    warnings.append(
        "type: no known type (software, data, content, standard, aimodel); recorded as software."
    )
    return "software", tags


def _sdg_tags(sdgs: Any) -> list[str]:
    """'sdg 3' for each goal: {SDGNumber: 3} now, [3, "Good Health…"] in older files."""
    result: list[str] = []
    for item in sdgs or []:
        number = item.get("SDGNumber") if isinstance(item, dict) else item
        if isinstance(number, list) and number:
            number = number[0]
        if isinstance(number, str) and number.strip().isdigit():
            number = int(number)
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        if isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= 17:
            result.append(f"sdg {number}")
    return result


def _aliases(values: Any, name: str) -> list[str]:
    result: list[str] = []
    seen = {name.lower()}
    for value in values or []:
        alias = mapping.one_line(value, 150) if isinstance(value, str) else None
        if alias and alias.lower() not in seen:
            seen.add(alias.lower())
            result.append(alias)
    return result[:20]


IMPORTER = DpgImporter()
