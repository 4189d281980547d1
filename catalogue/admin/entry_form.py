"""The entry edit form: a document shown as form fields and read back from them.

The fields a maintainer changes most often (names, summary, status, licence, links,
categories) get their own inputs; everything else in the document is edited as YAML in
one "other fields" box, so no part of the schema is out of reach. Validation problems
(JSON Pointers from the validator the API uses) are placed next to the field they are
about, falling back to the YAML box.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from catalogue.forms import form_text, form_values
from registry.documents import DocumentError, parse_yaml
from registry.errors import Issue

MAX_FIELD = 20_000
MAX_OTHER = 200_000
#: Link fields, in the order the form shows them.
URL_FIELDS = {
    "homepage": "Homepage",
    "repository": "Source code repository",
    "documentation": "Documentation",
    "api_specification": "API specification",
    "issue_tracker": "Issue tracker",
    "support": "Support",
}
KINDS = ("api", "software", "library", "service", "standard", "dataset")
#: The statuses a maintainer chooses from; deprecated and retired are set by the
#: deprecate and retire actions, which record a date and a reason.
STATUSES = ("concept", "alpha", "beta", "live")
#: Document keys with inputs of their own (single values, then lists).
TEXT_KEYS = ("name", "kind", "status", "licence", "summary", "description")
LIST_KEYS = ("aliases", "tags")
CHOICE_KEYS = ("categories", "care_settings")
OWN_INPUTS = frozenset({"id", *TEXT_KEYS, *LIST_KEYS, *CHOICE_KEYS, "urls"})
OTHER = "other"


@dataclass
class EntryForm:
    """What the form shows: one value per input, and the problems by input name."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def form_from_document(document: Mapping[str, Any]) -> EntryForm:
    values: dict[str, Any] = {key: _text(document.get(key)) for key in TEXT_KEYS}
    for key in LIST_KEYS:
        values[key] = "\n".join(_text(item) for item in _list(document.get(key)))
    for key in CHOICE_KEYS:
        values[key] = [_text(item) for item in _list(document.get(key))]
    urls = document.get("urls")
    for name in URL_FIELDS:
        values[f"urls-{name}"] = _text(urls.get(name)) if isinstance(urls, Mapping) else ""
    rest = {k: v for k, v in document.items() if k not in OWN_INPUTS}
    values[OTHER] = dump_yaml(rest) if rest else ""
    return EntryForm(values)


def dump_yaml(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)


def document_from_form(data: Mapping[str, Any], entry_id: str) -> tuple[dict[str, Any], EntryForm]:
    """The document the form describes, and the form to show again (with any problem in
    the YAML box). Empty inputs leave their key out, so the validator names what is
    required next to the right field."""
    form = EntryForm(values={})
    document: dict[str, Any] = {}
    other_text = form_text(data, OTHER, MAX_OTHER)
    form.values[OTHER] = other_text
    if other_text.strip():
        try:
            rest = parse_yaml(other_text)
        except DocumentError as error:
            where = f" (at {error.location})" if error.location else ""
            form.add_error(OTHER, f"The other fields are not valid YAML{where}: {error.problem}")
            rest = {}
        if not isinstance(rest, dict):
            form.add_error(OTHER, "The other fields must be YAML keys and values (a mapping)")
            rest = {}
        for key in sorted(set(rest) & OWN_INPUTS):
            form.add_error(OTHER, f"Change '{key}' in its own field, not here")
        document.update({k: v for k, v in rest.items() if k not in OWN_INPUTS})
    document["id"] = entry_id
    for key in TEXT_KEYS:
        value = form_text(data, key, MAX_FIELD + 1)
        form.values[key] = value
        if value.strip():
            document[key] = value.strip() if key != "description" else value.strip("\n")
    for key in LIST_KEYS:
        text = form_text(data, key, MAX_FIELD + 1)
        form.values[key] = text
        items = [line.strip() for line in text.splitlines() if line.strip()]
        if items:
            document[key] = items
    for key in CHOICE_KEYS:
        chosen = [v.strip() for v in form_values(data, key) if v.strip()]
        form.values[key] = chosen
        if chosen:
            document[key] = chosen
    urls = {}
    for name in URL_FIELDS:
        value = form_text(data, f"urls-{name}", 2001).strip()
        form.values[f"urls-{name}"] = value
        if value:
            urls[name] = value
    if urls:
        document["urls"] = urls
    return document, form


MISSING: Any = object()


def three_way(
    opened: Mapping[str, Any], mine: Mapping[str, Any], current: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Someone saved `current` after this maintainer opened `opened` and typed `mine`:
    each top-level field keeps whichever side changed it, so neither person's change is
    lost. Fields both changed differently keep `mine` and are listed, to be checked."""
    merged: dict[str, Any] = {}
    both: list[str] = []
    for key in dict.fromkeys([*current, *mine, *opened]):
        before, theirs, ours = (d.get(key, MISSING) for d in (opened, current, mine))
        if ours == before:
            chosen = theirs
        elif theirs in (before, ours):
            chosen = ours
        else:
            chosen = ours
            both.append(key)
        if chosen is not MISSING:
            merged[key] = chosen
    return merged, both


def input_for(path: str) -> str:
    """The input a JSON Pointer's problem belongs next to."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]
    if not parts:
        return OTHER
    head = parts[0]
    if head == "id":
        return "id"
    if head == "urls" and len(parts) > 1 and parts[1] in URL_FIELDS:
        return f"urls-{parts[1]}"
    if head in TEXT_KEYS or head in LIST_KEYS or head in CHOICE_KEYS:
        return head
    return OTHER


def place_issues(form: EntryForm, issues: Sequence[Issue]) -> None:
    """Put each error next to its input; the path is kept where it says more than the
    input does (the third alias, a key inside the YAML)."""
    for issue in issues:
        if issue.severity != "error":
            continue
        name = input_for(issue.path)
        shown_path = issue.path if name == OTHER or issue.path.count("/") > 1 else ""
        form.add_error(name, f"{shown_path}: {issue.message}" if shown_path else issue.message)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
