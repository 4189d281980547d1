"""Template data and downloads for the compare and reuse-check pages: plain functions.

No HTTP here. Every piece of entry text is untrusted: templates escape it, and the
Markdown download escapes every character Markdown or HTML would read as syntax.
"""

import re
from collections.abc import Mapping, Sequence
from typing import Any

from catalogue.context import (
    KIND_LABELS,
    MAINTENANCE_WORDS,
    STATUS_LABELS,
    access_words,
    assurance_rows,
    licence_words,
)
from catalogue.templating import long_date
from registry.decisions import DecisionRecord
from registry.errors import Issue

#: An entry id as the schema allows it; anything else cannot be an entry.
ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
MAX_COMPARE = 4
#: How many requested ids are looked up at most; more are ignored.
MAX_REQUESTED = 20
MAX_ADOPTERS_SHOWN = 10

# compare ------------------------------------------------------------------------------


def parse_ids(values: Sequence[str]) -> list[str]:
    """The ids from `ids=a,b` and `ids=a&ids=b` (or both), in order, each once."""
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            text = part.strip()[:100]
            if text and text not in found:
                found.append(text)
    return found


def compare_url(ids: Sequence[str]) -> str:
    """/compare for the given (valid) ids; commas stay readable because ids are slugs."""
    url = "/compare"
    if ids:
        url += "?ids=" + ",".join(ids)
    return url


def _cell(*lines: str, links: Sequence[str | None] = ()) -> list[dict[str, str | None]]:
    hrefs = list(links) + [None] * (len(lines) - len(links))
    return [{"text": line, "href": href} for line, href in zip(lines, hrefs, strict=True)]


def compare_columns(views: Sequence[Any]) -> list[dict[str, Any]]:
    """The table's column headings: each entry's name, page and 'remove' link."""
    ids = [v.id for v in views]
    return [
        {
            "id": view.id,
            "name": view.document["name"],
            "remove_url": compare_url([i for i in ids if i != view.id]),
        }
        for view in views
    ]


def compare_rows(views: Sequence[Any], standards: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per attribute; each cell is a list of lines, some of them links."""

    def row(label: str, cells: list[list[dict[str, str | None]]]) -> dict[str, Any]:
        return {"label": label, "cells": cells}

    docs = [v.document for v in views]
    return [
        row("Summary", [_cell(d["summary"]) for d in docs]),
        row("Kind", [_cell(KIND_LABELS.get(d["kind"], d["kind"])) for d in docs]),
        row("Status", [_status(d) for d in docs]),
        row("Licence", [_cell(licence_words(d["licence"])) for d in docs]),
        row("Owner", [_cell(d["owner"]["name"]) for d in docs]),
        row(
            "Maintenance",
            [
                _cell(MAINTENANCE_WORDS.get(d.get("maintenance", {}).get("type", ""), "Not stated"))
                for d in docs
            ],
        ),
        row("Standards", [_standards(d, standards) for d in docs]),
        row("Assurance", [_assurance(d) for d in docs]),
        row("Adopters", [_adopters(d) for d in docs]),
        row("Access", [_access(d) for d in docs]),
        row("Last updated", [_cell(long_date(v.updated_at) or "Not known") for v in views]),
    ]


def _status(doc: Mapping[str, Any]) -> list[dict[str, str | None]]:
    label = STATUS_LABELS.get(doc["status"], doc["status"])
    since = doc.get("status_dates", {}).get(doc["status"])
    return _cell(f"{label} since {long_date(since)}" if since else label)


def _access(doc: Mapping[str, Any]) -> list[dict[str, str | None]]:
    return _cell(*(access_words(doc.get("access", {})) or ["Not stated"]))


def _standards(doc: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, str | None]]:
    items = doc.get("standards", [])
    if not items:
        return _cell("None listed")
    lines = []
    for s in items:
        name = names.get(s["id"], s["id"])
        profiles = s.get("profiles")
        lines.append(f"{name} ({', '.join(profiles)})" if profiles else name)
    return _cell(*lines, links=[f"/standards/{s['id']}" for s in items])


def _assurance(doc: Mapping[str, Any]) -> list[dict[str, str | None]]:
    rows = assurance_rows(doc.get("assurance", {}))
    if not rows:
        return _cell("None recorded")
    return _cell(*(f"{r['label']}: {r['text']}, {long_date(r['date'])}" for r in rows))


def _adopters(doc: Mapping[str, Any]) -> list[dict[str, str | None]]:
    used_by = doc.get("used_by", [])
    if not used_by:
        return _cell("None recorded")
    names = [org["name"] for org in used_by[:MAX_ADOPTERS_SHOWN]]
    if len(used_by) > MAX_ADOPTERS_SHOWN:
        names.append(f"and {len(used_by) - MAX_ADOPTERS_SHOWN} more")
    return _cell(*names)


# reuse check ------------------------------------------------------------------------------


def hit_candidate(index: int, hit: Any) -> dict[str, Any]:
    """A search hit as a candidate on the reuse-check form."""
    return {
        "index": index,
        "id": hit.id,
        "name": hit.name,
        "meta": " · ".join(
            (
                KIND_LABELS.get(hit.kind, hit.kind),
                STATUS_LABELS.get(hit.status, hit.status),
                licence_words(hit.licence),
            )
        ),
        "summary": hit.summary,
    }


def view_candidate(index: int, view: Any) -> dict[str, Any]:
    """A stored entry as a candidate on the reuse-check form (when it is shown again)."""
    doc = view.document
    return {
        "index": index,
        "id": view.id,
        "name": doc["name"],
        "meta": " · ".join(
            (
                KIND_LABELS.get(doc["kind"], doc["kind"]),
                STATUS_LABELS.get(doc["status"], doc["status"]),
                licence_words(doc["licence"]),
            )
        ),
        "summary": doc["summary"],
    }


#: Where each part of a decision record is typed on the form.
_FIELDS = {"/need": "need", "/organisation": "organisation", "/conclusion": "conclusion"}
_CANDIDATE_ISSUE = re.compile(r"^/candidates/(\d+)(?:/(verdict|reason))?$")


def form_errors(
    issues: Sequence[Issue], names: Mapping[int, str], positions: Sequence[int]
) -> dict[str, str]:
    """Issues as error messages keyed by the form field they belong to.

    `positions` are the candidates' form indices in the order they were submitted (issue
    paths count candidates from 0 in that order); `names` gives the entries' names by
    index. Problems with a candidate as a whole are keyed `candidates`.
    """
    messages: dict[str, list[str]] = {}
    for issue in issues:
        field, message = _FIELDS.get(issue.path, "need"), issue.message
        if issue.path.startswith("/candidates"):
            field = "candidates"
            match = _CANDIDATE_ISSUE.match(issue.path)
            if match and match.group(2) and int(match.group(1)) < len(positions):
                index = positions[int(match.group(1))]
                name = names.get(index, "this entry")
                field = f"{match.group(2)}-{index}"
                message = (
                    f"Choose whether you could reuse {name}"
                    if match.group(2) == "verdict"
                    else f"The reason for {name} must be 1,000 characters or fewer"
                )
        messages.setdefault(field, []).append(message)
    return {field: "; ".join(dict.fromkeys(texts)) for field, texts in messages.items()}


def error_list(errors: Mapping[str, str], order: Sequence[str]) -> list[dict[str, str]]:
    """The error summary's items, in the order the fields appear on the page."""
    ranked = sorted(errors, key=lambda f: order.index(f) if f in order else len(order))
    return [{"text": errors[f], "href": f"#{f}"} for f in ranked]


def decision_page(record: DecisionRecord) -> dict[str, Any]:
    """Everything the decision record's page shows."""
    counts = dict.fromkeys(("Could reuse", "Not suitable", "Not assessed"), 0)
    for c in record.candidates:
        counts[c.verdict_label] = counts.get(c.verdict_label, 0) + 1
    return {
        "record": record,
        "date": long_date(record.created_at),
        "need_paragraphs": _paragraphs(record.need),
        "conclusion_paragraphs": _paragraphs(record.conclusion),
        "candidates": [
            {
                "id": c.id,
                "name": c.name,
                "kind_label": KIND_LABELS.get(c.kind, c.kind),
                "status_label": STATUS_LABELS.get(c.status, c.status),
                "licence_words": licence_words(c.licence),
                "verdict": c.verdict,
                "verdict_label": c.verdict_label,
                "reason": c.reason,
            }
            for c in record.candidates
        ],
        "counts": [(label, n) for label, n in counts.items() if n],
    }


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


# downloads ---------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>#|~])")
_MD_LINE_START = re.compile(r"^(\s*)([-=+>]|\d+[.)])", re.MULTILINE)


def md_escape(text: str) -> str:
    """Text that Markdown (and any HTML inside it) shows as typed, never as markup."""
    escaped = _MD_INLINE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(
        lambda m: m.group(1) + re.sub(r"([-=+>.)])", r"\\\1", m.group(2)), escaped
    )


def _md_block(text: str) -> str:
    """Paragraphs of escaped text; single line breaks are kept as hard breaks."""
    return "\n\n".join(
        "  \n".join(md_escape(line.strip()) for line in p.splitlines() if line.strip())
        for p in _paragraphs(text)
    )


def decision_markdown(record: DecisionRecord, url: str, base: str) -> str:
    """The record as Markdown, to attach to a business case."""
    lines = [
        "# Reuse decision record",
        "",
        f"- **Date:** {long_date(record.created_at)}",
    ]
    if record.organisation:
        lines.append(f"- **Organisation:** {md_escape(record.organisation)}")
    lines += [
        f"- **Record:** <{url}>",
        "- **Source:** the Reuse Registry",
        "",
        "## Need",
        "",
        _md_block(record.need),
        "",
        "## Search",
        "",
        f"The registry was searched for: {md_escape(record.search)}"
        if record.search
        else "The registry was not searched.",
        "",
        "## Entries considered",
        "",
    ]
    if not record.candidates:
        lines += ["No entries were considered.", ""]
    for number, c in enumerate(record.candidates, start=1):
        lines += [
            f"### {number}. {md_escape(c.name)}",
            "",
            f"- **Verdict:** {c.verdict_label}",
            f"- **Reason:** {md_escape(c.reason) if c.reason else 'None given'}",
            f"- **Licence:** {md_escape(licence_words(c.licence))}",
            f"- **Status:** {STATUS_LABELS.get(c.status, md_escape(c.status))}",
            f"- **Kind:** {KIND_LABELS.get(c.kind, md_escape(c.kind))}",
            f"- **Entry:** <{base}/entries/{c.id}>",
            "",
        ]
    lines += [
        "## Conclusion",
        "",
        _md_block(record.conclusion) if record.conclusion.strip() else "No conclusion recorded.",
        "",
        f"_Licence and status are as the registry recorded them on "
        f"{long_date(record.created_at)}._",
        "",
    ]
    return "\n".join(lines)


def decision_json(record: DecisionRecord, url: str, base: str) -> dict[str, Any]:
    """The record as JSON, with the addresses of the record and of each entry."""
    body = record.as_dict()
    body["url"] = url
    for candidate in body["candidates"]:
        candidate["url"] = f"{base}/entries/{candidate['id']}"
    return body
