"""The importer: one publiccode.yml file read as one entry, or rejected."""

from typing import Any

from registry.documents import DocumentError, parse_yaml_all
from registry.importers import mapping
from registry.importers.base import FileResult, Imported, Rejected
from registry.importers.publiccode.checks import _check_unmapped
from registry.importers.publiccode.classification import (
    _categories,
    _scope_tags,
    _support_tags,
)
from registry.importers.publiccode.description import _description
from registry.importers.publiccode.legal import _licence, _owner
from registry.importers.publiccode.maintenance import _maintenance
from registry.importers.publiccode.relations import _depends_on, _used_by
from registry.importers.publiccode.required import (
    _choice,
    _name,
    _release_date,
    _repository_key,
    _url,
    _version,
)
from registry.importers.publiccode.values import _http_url, _kind, _Reject, _strings
from registry.importers.publiccode.vocabulary import (
    _MAX_TEXT,
    _SOFTWARE_TYPES,
    _STATUS,
    _SURROGATE,
)


class PubliccodeImporter:
    """publiccode.yml files, versions 0.2 to 0.7."""

    name = "publiccode"
    suffixes = ("publiccode.yml", "publiccode.yaml")

    def parse(self, text: str, source: str) -> FileResult:
        warnings: list[str] = []
        try:
            document = _entry(_read(text, source), text, warnings)
        except _Reject as exc:
            return FileResult(rejected=[Rejected(source, str(exc))])
        return FileResult(entries=[Imported(document, source, warnings)])


def _read(text: str, source: str) -> dict[str, Any]:
    if len(text) > _MAX_TEXT:
        raise _Reject(f"file: {len(text)} characters; a publiccode.yml is far smaller.")
    if _SURROGATE.search(text):
        raise _Reject("file: not valid UTF-8 text.")
    try:
        documents = parse_yaml_all(text.removeprefix("\ufeff"), source)
    except DocumentError as exc:
        raise _Reject(f"file: {str(exc).removeprefix(f'{source}: ')}") from None
    if not documents:
        raise _Reject("file: empty.")
    if len(documents) > 1:
        raise _Reject(f"file: {len(documents)} YAML documents; a publiccode.yml holds exactly one.")
    if not isinstance(documents[0], dict):
        raise _Reject(f"file: expected a YAML mapping of keys, found {_kind(documents[0])}.")
    return documents[0]


def _entry(data: dict[str, Any], text: str, warnings: list[str]) -> dict[str, Any]:
    _version(data, warnings)
    name = _name(data.get("name"), warnings)
    url, repository = _url(data.get("url"), warnings)
    homepage = _http_url(data.get("landingURL"), "landingURL", warnings, strict=True)
    status = _choice(data, "developmentStatus", _STATUS.keys())
    software_type = _choice(data, "softwareType", _SOFTWARE_TYPES)
    _release_date(data.get("releaseDate"))
    texts = _description(data.get("description"), name, warnings)
    expression, original = _licence(data.get("legal"), warnings)
    categories, category_tags = _categories(data.get("categories"), warnings)
    _check_unmapped(data, text, warnings)
    tags = mapping.tags(
        category_tags
        + texts.pop("tags")
        + _scope_tags(data.get("intendedAudience"), warnings)
        + _strings(data.get("platforms"), "platforms", warnings, required=True)
        + _support_tags(data.get("supports"), warnings)
        + _strings(data.get("tags"), "tags", warnings)
    )
    urls = texts.pop("urls")
    return mapping.compact(
        {
            "id": mapping.stable_id(name, _repository_key(url)),
            "kind": "library" if software_type == "library" else "software",
            "name": name,
            **texts,
            "status": _STATUS[status],
            "licence": expression,
            "owner": _owner(data, url, warnings),
            "maintenance": _maintenance(data.get("maintenance"), warnings),
            "urls": {"homepage": homepage, "repository": repository, **urls},
            "categories": categories,
            "tags": tags,
            "used_by": _used_by(data.get("usedBy"), warnings),
            "depends_on": _depends_on(data.get("dependsOn"), warnings),
            "provenance": {
                "format": "publiccode",
                "source": url[:2000],
                "original_licence": original,
            },
        }
    )


IMPORTER = PubliccodeImporter()
