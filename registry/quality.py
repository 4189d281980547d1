"""Data quality checks on one entry document: pure functions, no HTTP and no SQL.

`problems(document, vocabularies, today, known_ids)` lists what a maintainer should tidy up
in a published entry: deprecated or unasserted licences, missing documentation, stale
assurance and references to things the registry does not know.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from registry.licences import NO_ASSERTION, analyse
from registry.vocabularies import VocabularySet

DEPRECATED_LICENCE = "deprecated-licence"
NO_LICENCE = "no-licence"
NO_DOCUMENTATION = "no-documentation"
STALE_ASSURANCE = "stale-assurance"
BROKEN_REFERENCE = "broken-reference"
#: Flagged by harvesting (registry.harvesting), not by looking at the document.
LEFT_SOURCE = "left-source"

#: Every kind of problem, in the order pages show them, with a heading for each.
KINDS: dict[str, str] = {
    DEPRECATED_LICENCE: "Deprecated licence identifier",
    NO_LICENCE: "No licence asserted",
    NO_DOCUMENTATION: "No documentation link",
    STALE_ASSURANCE: "Assurance more than a year old",
    BROKEN_REFERENCE: "Broken reference",
    LEFT_SOURCE: "Gone from its harvest source",
}
#: Kinds whose licence must be asserted: code people may reuse.
LICENSED_KINDS = frozenset({"software", "library"})
ASSURANCE_ITEMS = ("dtac", "dcb0129", "dcb0160", "dspt", "wcag", "medical_device")


@dataclass(frozen=True)
class QualityProblem:
    kind: str
    path: str
    message: str


def one_year_before(today: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def licence_problems(document: dict[str, Any]) -> list[QualityProblem]:
    licence = document.get("licence")
    if not isinstance(licence, str):
        return []
    report = analyse(licence)
    found: list[QualityProblem] = []
    if report.canonical == NO_ASSERTION:
        if document.get("kind") in LICENSED_KINDS:
            found.append(
                QualityProblem(
                    NO_LICENCE,
                    "/licence",
                    f"No licence is asserted (NOASSERTION) for this {document.get('kind')}.",
                )
            )
        return found
    deprecated = [w for w in report.warnings if "deprecated SPDX identifier" in w]
    if deprecated:
        message = " ".join(deprecated)
        if report.suggestion:
            message += f" Suggested licence: '{report.suggestion}'."
        found.append(QualityProblem(DEPRECATED_LICENCE, "/licence", message))
    return found


def documentation_problems(document: dict[str, Any]) -> list[QualityProblem]:
    urls = document.get("urls")
    if isinstance(urls, dict) and urls.get("documentation"):
        return []
    return [QualityProblem(NO_DOCUMENTATION, "/urls/documentation", "No documentation link.")]


def assurance_problems(document: dict[str, Any], today: date) -> list[QualityProblem]:
    assurance = document.get("assurance")
    if not isinstance(assurance, dict):
        return []
    cutoff = one_year_before(today)
    found: list[QualityProblem] = []
    for item in ASSURANCE_ITEMS:
        detail = assurance.get(item)
        raw = detail.get("date") if isinstance(detail, dict) else None
        if not isinstance(raw, str):
            continue
        try:
            when = date.fromisoformat(raw)
        except ValueError:
            continue
        if when < cutoff:
            found.append(
                QualityProblem(
                    STALE_ASSURANCE,
                    f"/assurance/{item}/date",
                    f"The {item} assurance is dated {when.isoformat()}, more than a year ago.",
                )
            )
    return found


def _items(document: dict[str, Any], field: str) -> list[Any]:
    value = document.get(field)
    return value if isinstance(value, list) else []


def reference_problems(
    document: dict[str, Any], vocabularies: VocabularySet, known_ids: Collection[str]
) -> list[QualityProblem]:
    found: list[QualityProblem] = []
    for index, ref in enumerate(_items(document, "standards")):
        ref_id = ref.get("id") if isinstance(ref, dict) else None
        if isinstance(ref_id, str) and ref_id not in vocabularies.standards:
            found.append(
                QualityProblem(
                    BROKEN_REFERENCE,
                    f"/standards/{index}/id",
                    f"'{ref_id}' is not a published standard.",
                )
            )
    for field, vocabulary, label in (
        ("categories", vocabularies.categories, "categories"),
        ("care_settings", vocabularies.care_settings, "care-settings"),
    ):
        for index, term in enumerate(_items(document, field)):
            if isinstance(term, str) and term not in vocabulary:
                found.append(
                    QualityProblem(
                        BROKEN_REFERENCE,
                        f"/{field}/{index}",
                        f"'{term}' is not in the {label} vocabulary.",
                    )
                )
    for index, dependency in enumerate(_items(document, "depends_on")):
        dep_id = dependency.get("id") if isinstance(dependency, dict) else None
        if isinstance(dep_id, str) and dep_id not in known_ids:
            found.append(
                QualityProblem(
                    BROKEN_REFERENCE,
                    f"/depends_on/{index}/id",
                    f"'{dep_id}' names no published entry.",
                )
            )
    return found


def problems(
    document: dict[str, Any],
    vocabularies: VocabularySet,
    today: date,
    known_ids: Collection[str] = frozenset(),
) -> list[QualityProblem]:
    """Every quality problem in one entry document, in the order of `KINDS`."""
    found = [
        *licence_problems(document),
        *documentation_problems(document),
        *assurance_problems(document, today),
        *reference_problems(document, vocabularies, known_ids),
    ]
    order = list(KINDS)
    return sorted(found, key=lambda p: order.index(p.kind))
