"""Backstage software-catalog descriptors (catalog-info.yaml) to registry entries.

A file is a multi-document YAML stream; each document is one entity
`{apiVersion, kind, metadata: {name, namespace, title, description, tags, links,
annotations}, spec: {...}}`. One bad document rejects only itself, named `source#/N`
(N counts the non-empty documents from 0).

Kinds:

- Component → by `spec.type`: service → service, library → library, website and anything
  else → software (types other than those three are warned about).
- API → api; `spec.type` becomes a tag, openapi also gives the `openapi` standard, and a
  `spec.definition.$text` URL is the API specification.
- System → service: a system is a product made of components and APIs.
- Resource → dataset for data stores (database, bucket, table, …); anything else → service,
  with a warning.
- Group, User, Domain, Location, Template and any other kind → skipped with a warning:
  people, groupings, pointers and scaffolding are not reusable technology. A Location's
  targets are never followed (no file or network access).

Fields:

- name: `metadata.title`, else `metadata.name`. Names with unrendered template placeholders
  (`${{ … }}`, `{{ … }}`) or that break Backstage's own naming rule are rejected.
- summary: `metadata.description`; else a sentence built from kind and type, with a warning.
- owner: `spec.owner` as a readable name (`group:default/team-a` → "Team A"; a namespace
  other than `default` is kept in brackets); a user as owner is warned about. Without one,
  the namespace stands in, with a warning.
- status from `spec.lifecycle`: experimental → alpha, development → alpha, production → live,
  deprecated → deprecated, sunset/retired/decommissioned → retired, registry statuses as
  themselves; an unknown value → beta with a warning. System and Resource have no lifecycle
  in Backstage: they are catalogued because they run, so live. A missing lifecycle on a
  Component or API → beta with a warning.
- urls from `metadata.links` by title or type (docs → documentation; repository/source/code →
  repository; homepage/website/home → homepage; support/help → support; issues/bugs →
  issue_tracker; others ignored), then annotations fill the gaps
  (`backstage.io/source-location: url:…` and `github.com/project-slug` / `gitlab.com/project-slug`
  → repository); `backstage.io/techdocs-ref` is ignored.
- licence: Backstage has no licence field, so NOASSERTION (warned for software and
  libraries); an annotation whose key ends in `/license` or `/licence` is mapped when present.
- depends_on: `spec.dependsOn` and `spec.consumesApis` entity refs, by entity name. The schema
  requires `open_source`; a catalog's dependencies are the organisation's own components, so
  `open_source: false`, with one warning per entry saying it was not stated.
- id: `stable_id(name, "<namespace>/<kind>/<metadata.name>")`; provenance source is the
  entity ref `<kind>:<namespace>/<name>`.

Notes about skipped documents are the file's own warnings (`FileResult.warnings`).
"""

import re
from dataclasses import dataclass
from typing import Any

from registry.documents import DocumentError, parse_yaml, parse_yaml_all, type_name
from registry.importers.base import FileResult, Imported, Rejected
from registry.importers.mapping import (
    compact,
    licence,
    one_line,
    paragraphs,
    stable_id,
    summary_from,
    tags,
    url,
)

#: Standard ids this module may refer to; each exists in seed/entries/standards.yaml.
OPENAPI_STANDARD = "openapi"

_KNOWN_API_VERSIONS = frozenset({"backstage.io/v1alpha1", "backstage.io/v1beta1"})
_ENTITY_NAME = re.compile(r"^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$")
_PLACEHOLDER = re.compile(r"\$\{\{|\{\{|\{%")
_DOCUMENT_START = re.compile(r"^---(?=\s|$)", re.MULTILINE)
_SLUG = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$")
_ENTITY_REF = re.compile(r"^(?:([A-Za-z0-9_.-]+):)?(?:([A-Za-z0-9_.-]+)/)?([A-Za-z0-9_.-]+)$")

_COMPONENT_KINDS = {"service": "service", "website": "software", "library": "library"}
_DATA_RESOURCES = frozenset(
    {
        "database",
        "dataset",
        "data-set",
        "table",
        "bucket",
        "s3-bucket",
        "storage",
        "file-store",
        "data-lake",
        "data-warehouse",
        "warehouse",
    }
)
_LIFECYCLES = {
    "experimental": "alpha",
    "development": "alpha",
    "production": "live",
    "deprecated": "deprecated",
    "sunset": "retired",
    "retired": "retired",
    "decommissioned": "retired",
    "concept": "concept",
    "alpha": "alpha",
    "beta": "beta",
    "live": "live",
}
#: Link titles or types (lower case words) and the url field each one fills.
_LINK_FIELDS = (
    (("documentation", "docs", "doc", "manual", "guide"), "documentation"),
    (("repository", "repo", "source", "code", "github", "gitlab"), "repository"),
    (("homepage", "website", "home", "site", "web"), "homepage"),
    (("support", "help", "helpdesk"), "support"),
    (("issues", "issue", "bugs", "tracker"), "issue_tracker"),
)
_SKIPPED = {
    "group": "a group of people, not reusable technology",
    "user": "a person, not reusable technology",
    "domain": "a business area grouping systems, not reusable technology",
    "template": "a scaffolder template, not reusable technology",
}


@dataclass(frozen=True)
class _Document:
    index: int
    value: Any = None
    error: str | None = None


class BackstageImporter:
    """catalog-info.yaml: Component, API, System and Resource entities become entries."""

    name = "backstage"
    suffixes = (".yaml", ".yml")

    def parse(self, text: str, source: str) -> FileResult:
        result = FileResult()
        if not text.strip():
            result.rejected.append(Rejected(source, "the file is empty: no Backstage entities"))
            return result
        documents = _documents(text, source)
        if not documents:
            result.rejected.append(Rejected(source, "the file holds no YAML documents"))
            return result
        if len(documents) == 1 and documents[0].error is not None:
            result.rejected.append(Rejected(source, documents[0].error))
            return result
        notes: list[str] = []
        seen: set[str] = set()
        for document in documents:
            where = f"{source}#/{document.index}"
            if document.error is not None:
                result.rejected.append(Rejected(where, document.error))
                continue
            outcome = _entity(document.value, where, notes)
            if isinstance(outcome, Rejected):
                result.rejected.append(outcome)
            elif isinstance(outcome, Imported):
                ref = outcome.document["provenance"]["source"].lower()
                if ref in seen:
                    result.rejected.append(
                        Rejected(where, f"the entity {ref} appears more than once in this file")
                    )
                    continue
                seen.add(ref)
                result.entries.append(outcome)
        result.warnings.extend(notes)
        return result


IMPORTER = BackstageImporter()


def _documents(text: str, source: str) -> list[_Document]:
    """The stream's non-empty documents; when the whole stream fails to parse, each
    `---`-separated part is parsed alone so one bad document does not sink the others."""
    try:
        return [_Document(i, d) for i, d in enumerate(_load_all(text, source))]
    except DocumentError as exc:
        whole_error = _reason(exc, source)
        if _PLACEHOLDER.search(text):
            whole_error += " (the file holds unrendered template placeholders: render it first)"
    parts = _DOCUMENT_START.split(text)
    if len(parts) <= 1:
        return [_Document(0, error=whole_error)]
    documents: list[_Document] = []
    for part in parts:
        try:
            value = _load_one(part, source)
        except DocumentError as exc:
            documents.append(_Document(len(documents), error=_reason(exc, source)))
            continue
        if value is not None:
            documents.append(_Document(len(documents), value))
    return documents


def _load_all(text: str, source: str) -> list[Any]:
    try:
        return parse_yaml_all(text, source)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        # PyYAML's constructors raise these for explicit tags with bad values (`!!int x`).
        raise _as_document_error(exc, source) from None


def _load_one(text: str, source: str) -> Any:
    try:
        return parse_yaml(text, source)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise _as_document_error(exc, source) from None


def _as_document_error(exc: Exception, source: str) -> DocumentError:
    if isinstance(exc, DocumentError):
        return exc
    return DocumentError(f"{source}: not valid YAML: a tagged value could not be read ({exc})")


def _reason(exc: DocumentError, source: str) -> str:
    return str(exc).removeprefix(f"{source}: ")


def _entity(value: Any, where: str, notes: list[str]) -> Imported | Rejected | None:
    """One document as an entry, a rejection, or None when skipped (noted in `notes`)."""
    if not isinstance(value, dict):
        return Rejected(where, f"a Backstage entity must be a mapping, not {type_name(value)}")
    api_version = value.get("apiVersion")
    kind = value.get("kind")
    metadata = value.get("metadata")
    if not isinstance(api_version, str) or not api_version.strip():
        return Rejected(where, "apiVersion is missing or not text")
    if not isinstance(kind, str) or not kind.strip():
        return Rejected(where, "kind is missing or not text")
    if not isinstance(metadata, dict):
        return Rejected(where, "metadata is missing or not a mapping")
    entity_name = metadata.get("name")
    if not isinstance(entity_name, str) or not entity_name.strip():
        return Rejected(where, "metadata.name is missing or not text")
    if _PLACEHOLDER.search(entity_name):
        return Rejected(
            where,
            f"metadata.name '{one_line(entity_name, 80)}' is an unrendered template "
            "placeholder: render the template first",
        )
    if len(entity_name) > 63 or not _ENTITY_NAME.match(entity_name):
        return Rejected(
            where,
            f"metadata.name '{one_line(entity_name, 80)}' is not a valid Backstage entity name "
            "(letters and digits separated by single '-', '_' or '.', at most 63 characters)",
        )
    namespace = metadata.get("namespace") or "default"
    if not isinstance(namespace, str) or not _ENTITY_NAME.match(namespace):
        return Rejected(where, "metadata.namespace is not a valid Backstage namespace")
    lower_kind = kind.strip().lower()
    ref = f"{lower_kind}:{namespace}/{entity_name}"
    spec = value.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    if lower_kind == "location":
        targets = spec.get("targets")
        count = len(targets) if isinstance(targets, list) else 0
        if isinstance(spec.get("target"), str):
            count += 1
        notes.append(
            f"{where}: {ref} skipped: a Location only points at other files; its {count} "
            "target(s) were not followed (import those files themselves)."
        )
        return None
    if lower_kind not in ("component", "api", "system", "resource"):
        why = _SKIPPED.get(lower_kind, f"kind '{one_line(kind, 40)}' is not one this importer maps")
        notes.append(f"{where}: {ref} skipped: {why}.")
        return None
    return _entry(value, metadata, spec, lower_kind, namespace, entity_name, where)


def _entry(
    value: dict[str, Any],
    metadata: dict[str, Any],
    spec: dict[str, Any],
    kind: str,
    namespace: str,
    entity_name: str,
    where: str,
) -> Imported:
    warnings: list[str] = []
    if value["apiVersion"].strip() not in _KNOWN_API_VERSIONS:
        warnings.append(
            f"apiVersion '{one_line(value['apiVersion'], 60)}' is not backstage.io/v1alpha1 or "
            "v1beta1; read as if it were."
        )
    spec_type = spec.get("type") if isinstance(spec.get("type"), str) else None
    entry_kind = _entry_kind(kind, spec_type, warnings)
    name = one_line(metadata.get("title"), 150) or entity_name
    summary = summary_from(metadata.get("description"))
    if summary is None:
        summary = _built_summary(kind, spec_type, entity_name)
        warnings.append("metadata.description is missing; the summary was built from the kind.")
    description = paragraphs(metadata.get("description"))
    if description == summary:
        description = None
    entry_tags = tags(metadata.get("tags"))
    standards: list[dict[str, Any]] = []
    if kind == "api" and spec_type:
        entry_tags = list(dict.fromkeys([*entry_tags, *tags([spec_type])]))[:30]
        if spec_type.strip().lower() == "openapi":
            standards.append({"id": OPENAPI_STANDARD})
    annotations = metadata.get("annotations")
    annotations = annotations if isinstance(annotations, dict) else {}
    spdx, original = _licence(annotations, entry_kind, warnings)
    depends_on = _depends_on(spec, warnings)
    key = f"{namespace}/{kind}/{entity_name}"
    document = {
        "id": stable_id(name, key),
        "kind": entry_kind,
        "name": name,
        "summary": summary,
        "description": description,
        "status": _status(kind, spec.get("lifecycle"), warnings),
        "licence": spdx,
        "owner": {"name": _owner(spec.get("owner"), namespace, warnings)},
        "urls": _urls(metadata.get("links"), annotations, spec, warnings),
        "standards": standards,
        "tags": entry_tags,
        "depends_on": depends_on,
        "provenance": {
            "format": "backstage",
            "source": f"{kind}:{namespace}/{entity_name}",
            "original_licence": original,
        },
    }
    return Imported(compact(document), where, warnings)


def _entry_kind(kind: str, spec_type: str | None, warnings: list[str]) -> str:
    lower_type = spec_type.strip().lower() if spec_type else ""
    if kind == "api":
        return "api"
    if kind == "system":
        return "service"
    if kind == "resource":
        if lower_type in _DATA_RESOURCES:
            return "dataset"
        warnings.append(
            f"spec.type '{one_line(spec_type, 40) or ''}' of a Resource is not a data store; "
            "recorded as a service."
        )
        return "service"
    if lower_type in _COMPONENT_KINDS:
        return _COMPONENT_KINDS[lower_type]
    warnings.append(
        f"spec.type '{one_line(spec_type, 40) or ''}' of a Component is not service, website "
        "or library; recorded as software."
    )
    return "software"


def _built_summary(kind: str, spec_type: str | None, entity_name: str) -> str:
    noun = {"api": "API", "system": "system", "resource": "resource"}.get(kind, "component")
    type_text = one_line(spec_type, 40)
    typed = f"{type_text} {noun}" if type_text else noun
    article = "An" if typed[:1].lower() in "aeiou" else "A"
    sentence = f"{article} {typed} named {entity_name}, from a Backstage software catalog."
    return one_line(sentence, 200) or "A Backstage catalog entity."


def _status(kind: str, lifecycle: Any, warnings: list[str]) -> str:
    text = lifecycle.strip().lower() if isinstance(lifecycle, str) else ""
    if text in _LIFECYCLES:
        return _LIFECYCLES[text]
    if not text and kind in ("system", "resource"):
        return "live"
    if not text:
        warnings.append("spec.lifecycle is missing; status set to beta.")
    else:
        warnings.append(
            f"spec.lifecycle '{one_line(lifecycle, 40)}' is not experimental, production or "
            "deprecated; status set to beta."
        )
    return "beta"


def _owner(owner: Any, namespace: str, warnings: list[str]) -> str:
    match = _ENTITY_REF.match(owner.strip()) if isinstance(owner, str) else None
    if match is None:
        if isinstance(owner, str) and one_line(owner, 200):
            return one_line(owner, 200) or namespace
        warnings.append(
            f"spec.owner is missing; the namespace '{namespace}' stands in as the owner."
        )
        return _readable(namespace)
    owner_kind, owner_namespace, owner_name = match.groups()
    if owner_kind and owner_kind.lower() == "user":
        warnings.append(
            f"spec.owner '{owner.strip()}' is a person, not a team or organisation; "
            "check the owner."
        )
    readable = _readable(owner_name)
    if owner_namespace and owner_namespace.lower() != "default":
        readable = f"{readable} ({owner_namespace})"
    return readable


def _readable(name: str) -> str:
    """`team-a` → "Team A", `janelle.dawe` → "Janelle Dawe"; mixed case words kept."""
    words = re.split(r"[-_.\s]+", name.strip())
    shown = [w.capitalize() if w.islower() else w for w in words if w]
    return one_line(" ".join(shown), 200) or name


def _urls(
    links: Any, annotations: dict[str, Any], spec: dict[str, Any], warnings: list[str]
) -> dict[str, str]:
    found: dict[str, str] = {}
    for index, link in enumerate(links if isinstance(links, list) else []):
        if not isinstance(link, dict):
            continue
        words = _words(link.get("title")) | _words(link.get("type"))
        field = next((f for keys, f in _LINK_FIELDS if words & set(keys)), None)
        if field is None or field in found:
            continue
        address = url(link.get("url"), warnings, f"metadata.links[{index}].url")
        if address:
            found[field] = address
    if "repository" not in found:
        repository = _repository(annotations, warnings)
        if repository:
            found["repository"] = repository
    definition = spec.get("definition")
    if isinstance(definition, dict) and isinstance(definition.get("$text"), str):
        address = url(definition["$text"], warnings, "spec.definition.$text")
        if address:
            found["api_specification"] = address
    return found


def _words(value: Any) -> set[str]:
    return set(re.findall(r"[a-z]+", value.lower())) if isinstance(value, str) else set()


def _repository(annotations: dict[str, Any], warnings: list[str]) -> str | None:
    location = annotations.get("backstage.io/source-location")
    if isinstance(location, str) and location.strip().startswith("url:"):
        address = url(
            location.strip().removeprefix("url:"), warnings, "backstage.io/source-location"
        )
        if address:
            return address
    for annotation, host in (
        ("github.com/project-slug", "https://github.com/"),
        ("gitlab.com/project-slug", "https://gitlab.com/"),
    ):
        slug = annotations.get(annotation)
        if isinstance(slug, str) and _SLUG.match(slug.strip()):
            return host + slug.strip()
        if isinstance(slug, str) and slug.strip():
            warnings.append(f"{annotation} '{one_line(slug, 80)}' is not owner/name; left out.")
    return None


def _licence(
    annotations: dict[str, Any], entry_kind: str, warnings: list[str]
) -> tuple[str, str | None]:
    for key, raw in annotations.items():
        if isinstance(key, str) and key.lower().rsplit("/", 1)[-1] in ("license", "licence"):
            return licence(raw, warnings, key)
    if entry_kind in ("software", "library"):
        warnings.append("licence: Backstage descriptors state no licence; NOASSERTION recorded.")
    return "NOASSERTION", None


def _depends_on(spec: dict[str, Any], warnings: list[str]) -> list[dict[str, Any]]:
    names: list[str] = []
    for field in ("dependsOn", "consumesApis"):
        refs = spec.get(field)
        for ref in refs if isinstance(refs, list) else []:
            match = _ENTITY_REF.match(ref.strip()) if isinstance(ref, str) else None
            if match is None:
                shown = one_line(ref, 80) if isinstance(ref, str) else type_name(ref)
                warnings.append(f"spec.{field}: {shown} is not an entity ref; left out.")
                continue
            if match.group(3) not in names:
                names.append(match.group(3))
    if names:
        warnings.append(
            "depends_on: Backstage does not say whether dependencies are open source; "
            "recorded as open_source: false (the organisation's own components)."
        )
    return [{"name": n, "open_source": False} for n in names[:100]]
