"""Entry validation: the JSON Schema plus the rules a schema cannot express.

Every problem is reported at once, each with a JSON Pointer and a plain-English message.
"""

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from registry.documents import type_name
from registry.errors import Issue
from registry.licences import NO_ASSERTION, analyse
from registry.text import describe, text_faults
from registry.vocabularies import VocabularySet, standards_in

ENTRY_SCHEMA_FILE = "entry.schema.json"
_SOFTWARE_KINDS = frozenset({"software", "library"})


def pointer(parts: Iterable[str | int]) -> str:
    """RFC 6901 JSON Pointer for a path."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def load_schemas(schemas_dir: Path) -> dict[str, dict[str, Any]]:
    """Every `*.schema.json` under the folder, by file name."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(schemas_dir.glob("*.schema.json"))
    }


@dataclass(frozen=True)
class Report:
    """The outcome of validating one document."""

    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors


#: Schemas (as JSON text) already checked against the metaschema in this process.
_CHECKED: set[str] = set()


class EntryValidator:
    """Validates entry documents; build once, the schema is compiled in the constructor."""

    def __init__(self, schemas: dict[str, dict[str, Any]]) -> None:
        self.schema = schemas[ENTRY_SCHEMA_FILE]
        registry: Registry[Any] = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in schemas.values() if "$id" in s
        )
        # Checking the schema itself takes a tenth of a second; every app built in a
        # process (tests build hundreds) has the same one.
        fingerprint = json.dumps(self.schema, sort_keys=True)
        if fingerprint not in _CHECKED:
            Draft202012Validator.check_schema(self.schema)
            _CHECKED.add(fingerprint)
        self._validator = Draft202012Validator(
            self.schema,
            registry=registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )

    @classmethod
    def from_dir(cls, schemas_dir: Path) -> "EntryValidator":
        return cls(load_schemas(schemas_dir))

    def validate(self, document: Any, vocabularies: VocabularySet) -> Report:
        if not isinstance(document, dict):
            kind = type(document).__name__ if document is not None else "nothing"
            return Report([Issue("", f"An entry must be a JSON object, not {kind}.")])
        text = [Issue(pointer(path), _text_message(char)) for path, char in text_faults(document)]
        faulty = {i.path for i in text}
        issues = [
            i
            for e in self._validator.iter_errors(document)
            for i in _schema_issues(e)
            # The text rule's message names the character; the pattern's would not.
            if not (e.validator == "pattern" and i.path in faulty)
        ]
        issues.extend(text)
        issues.extend(_rule_issues(document, vocabularies))
        issues.sort(key=lambda i: (i.severity != "error", i.path))
        return Report(_unique(issues))

    def validate_batch(self, documents: Sequence[Any], vocabularies: VocabularySet) -> list[Report]:
        """Validate several documents together: standards may refer to ones in the batch,
        and ids must be unique across it."""
        combined = vocabularies.with_standards(standards_in(documents))
        reports = [self.validate(d, combined) for d in documents]
        counts = Counter(_text_id(d) for d in documents)
        for document, report in zip(documents, reports, strict=True):
            entry_id = _text_id(document)
            if entry_id is not None and counts[entry_id] > 1:
                report.issues.insert(
                    0, Issue("/id", f"The id '{entry_id}' is used by more than one entry.")
                )
        return reports


def _text_message(char: str) -> str:
    if char == "\t":
        return "Must be a single line of plain text; remove the tab (U+0009)."
    if char in "\n\r\u2028\u2029":
        return f"Must be a single line of plain text; remove the line break ({describe(char)})."
    return f"Contains {describe(char)}, an invisible control or formatting character; remove it."


def _text_id(document: Any) -> str | None:
    if isinstance(document, dict) and isinstance(document.get("id"), str):
        return str(document["id"])
    return None


def _unique(issues: list[Issue]) -> list[Issue]:
    seen: set[Issue] = set()
    return [i for i in issues if not (i in seen or seen.add(i))]  # type: ignore[func-returns-value]


def _schema_issues(error: ValidationError) -> list[Issue]:
    """One issue per fault: an object with three unknown fields gives three issues."""
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        path = list(error.absolute_path)
        allowed = sorted(error.schema.get("properties", {}))  # type: ignore[union-attr]
        value = error.instance if isinstance(error.instance, dict) else {}
        return [
            Issue(
                pointer([*path, name]),
                f"'{name}' is not a field here; allowed fields: {', '.join(allowed)}.",
            )
            for name in sorted(k for k in value if k not in allowed)
        ]
    if error.validator == "pattern" and error.schema.get("format") and _fails_format(error):  # type: ignore[union-attr]
        return []  # the format message already says what is wrong
    return [_schema_issue(error)]


def _fails_format(error: ValidationError) -> bool:
    checker = Draft202012Validator.FORMAT_CHECKER
    return not checker.conforms(error.instance, str(error.schema.get("format")))  # type: ignore[union-attr]


def _schema_issue(error: ValidationError) -> Issue:
    path = list(error.absolute_path)
    validator = error.validator
    value = error.instance
    if validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else "?"
        return Issue(pointer([*path, missing]), f"'{missing}' is required.")
    if validator == "enum":
        options = ", ".join(json.dumps(o) for o in error.validator_value)  # type: ignore[union-attr]
        return Issue(pointer(path), f"{_show(value)} is not allowed; use one of: {options}.")
    if validator == "type":
        return Issue(
            pointer(path), f"Must be {_article(error.validator_value)}, not {type_name(value)}."
        )
    if validator == "pattern":
        return Issue(pointer(path), _pattern_message(path, value, str(error.validator_value)))
    if validator == "format":
        return Issue(pointer(path), _format_message(str(error.validator_value), value))
    if validator == "maxLength":
        return Issue(pointer(path), f"Must be at most {error.validator_value} characters long.")
    if validator == "minLength":
        return Issue(pointer(path), "Must not be empty.")
    if validator == "maxItems":
        return Issue(pointer(path), f"Must have at most {error.validator_value} items.")
    if validator == "minItems":
        return Issue(pointer(path), f"Must have at least {error.validator_value} item(s).")
    if validator == "minProperties":
        return Issue(pointer(path), "Must not be empty; leave the field out instead.")
    if validator == "uniqueItems":
        return Issue(pointer(path), "Must not contain the same item twice.")
    return Issue(pointer(path), error.message)


def _pattern_message(path: list[str | int], value: Any, pattern: str) -> str:
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    if pattern.startswith("^[a-z0-9][a-z0-9-]"):
        return (
            f"{_show(value)} is not a valid id: use 2 to 63 lower-case letters, digits and "
            "hyphens, starting with a letter or digit."
        )
    if pattern.startswith("^https?"):
        return f"{_show(value)} must be an http or https URL."
    if field == "tags":
        return f"{_show(value)} is not a valid tag: lower case, at most 50 characters."
    if "\\u2028" in pattern:
        return "Must be a single line of text, without line breaks or control characters."
    if "@" in pattern:
        return f"{_show(value)} is not an email address."
    if field == "ods_code":
        return f"{_show(value)} is not an ODS code (3 to 10 upper-case letters and digits)."
    return f"{_show(value)} does not have the expected form."


def _format_message(fmt: str, value: Any) -> str:
    if fmt == "date":
        return f"{_show(value)} is not a date; write it as YYYY-MM-DD."
    if fmt == "uri":
        return f"{_show(value)} is not an absolute URL."
    if fmt == "email":
        return f"{_show(value)} is not an email address."
    return f"{_show(value)} is not a valid {fmt}."


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


def _article(expected: Any) -> str:
    names = expected if isinstance(expected, list) else [expected]
    words = {"object": "an object", "array": "an array", "integer": "a whole number"}
    return " or ".join(words.get(n, f"a {n}") for n in names)


def _rule_issues(document: dict[str, Any], vocabularies: VocabularySet) -> list[Issue]:
    issues: list[Issue] = []
    licence = document.get("licence")
    if isinstance(licence, str) and licence and not licence.strip():  # "" fails minLength
        issues.append(
            Issue(
                "/licence",
                "The licence is empty; give an SPDX expression, "
                "LicenseRef-Proprietary, or NOASSERTION when it is not known.",
            )
        )
    elif isinstance(licence, str) and licence:
        report = analyse(licence)
        issues.extend(Issue("/licence", m) for m in report.errors)
        issues.extend(
            Issue("/licence", m, "warning")
            for m in report.warnings
            if report.canonical != NO_ASSERTION
        )
        if report.canonical == NO_ASSERTION and document.get("kind") in _SOFTWARE_KINDS:
            issues.append(
                Issue(
                    "/licence",
                    "No licence is stated; reusers cannot tell whether they may use this software.",
                    "warning",
                )
            )
    issues.extend(_reference_issues(document, "standards", vocabularies))
    issues.extend(_reference_issues(document, "categories", vocabularies))
    issues.extend(_reference_issues(document, "care_settings", vocabularies))
    return issues


def _reference_issues(
    document: dict[str, Any], field: str, vocabularies: VocabularySet
) -> list[Issue]:
    values = document.get(field)
    if not isinstance(values, list):
        return []
    issues: list[Issue] = []
    seen: set[str] = set()
    for index, item in enumerate(values):
        if field == "standards":
            ref = item.get("id") if isinstance(item, dict) else None
            where = pointer([field, index, "id"])
            known: frozenset[str] | set[str] = set(vocabularies.standards)
            if ref == document.get("id"):
                issues.append(Issue(where, "A standard cannot list itself."))
                continue
        else:
            ref = item
            where = pointer([field, index])
            known = vocabularies.categories if field == "categories" else vocabularies.care_settings
        if not isinstance(ref, str):
            continue
        if ref in seen:
            issues.append(Issue(where, f"'{ref}' is listed more than once."))
        seen.add(ref)
        if ref not in known:
            vocabulary = field.replace("_", "-")
            issues.append(
                Issue(
                    where,
                    f"'{ref}' is not in the {vocabulary} vocabulary; see "
                    f"GET /api/v1/vocabularies/{vocabulary}.",
                )
            )
    return issues
