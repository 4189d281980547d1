"""Template data for the pages: plain functions from registry values to what a page shows.

No HTTP here; the words are written for commissioners.
"""

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from registry.licences import NO_ASSERTION, PROPRIETARY, analyse
from registry.search import SearchResult

KIND_LABELS = {
    "api": "API",
    "software": "Software",
    "library": "Library",
    "service": "Service",
    "standard": "Standard",
    "dataset": "Dataset",
}
STATUS_LABELS = {
    "concept": "Concept",
    "alpha": "Alpha",
    "beta": "Beta",
    "live": "Live",
    "deprecated": "Deprecated",
    "retired": "Retired",
}
FACET_LABELS = {
    "kind": "Kind",
    "status": "Status",
    "open_source": "Open source",
    "standard": "Standard",
    "category": "Category",
    "care_setting": "Care setting",
    "licence": "Licence",
    "owner": "Owner",
}
#: The order facets appear in on the search page, and how many options each shows.
FACET_ORDER = (
    "kind",
    "open_source",
    "standard",
    "category",
    "care_setting",
    "status",
    "licence",
    "owner",
)
MAX_OPTIONS = 12
ASSURANCE_LABELS = {
    "dtac": "DTAC",
    "dcb0129": "Clinical safety (DCB0129)",
    "dcb0160": "Clinical safety (DCB0160)",
    "dspt": "Data Security and Protection Toolkit",
}
MAINTENANCE_WORDS = {
    "internal": "By the owner's own team",
    "contract": "By a supplier under contract",
    "community": "By an open community",
    "none": "Not maintained",
}


def licence_words(expression: str) -> str:
    """The licence in words: whether it is open source, and which licence."""
    if expression.upper() == NO_ASSERTION:
        return "Licence not stated"
    if expression == PROPRIETARY:
        return "Proprietary (not open source)"
    report = analyse(expression)
    if report.open_source:
        return f"Open source ({expression})"
    return f"Not open source ({expression})"


def facet_value_label(facet: str, value: str, names: Mapping[str, str]) -> str:
    if facet == "kind":
        return KIND_LABELS.get(value, value)
    if facet == "status":
        return STATUS_LABELS.get(value, value)
    if facet == "open_source":
        return {"true": "Open source", "false": "Not open source"}.get(value, value)
    if facet == "licence" and value.upper() == NO_ASSERTION:
        return licence_words(value)  # the words the results use
    return names.get(value, value)


def search_url(params: Mapping[str, Sequence[str]], **changes: Sequence[str] | None) -> str:
    """/search with the given parameters, some replaced (None removes one)."""
    merged = {k: list(v) for k, v in params.items() if v}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = list(value)
    pairs = [(k, v) for k, values in merged.items() for v in values]
    return "/search" + (f"?{urlencode(pairs)}" if pairs else "")


def search_page(
    result: SearchResult,
    params: Mapping[str, Sequence[str]],
    active: Mapping[str, Sequence[str]],
    names: Mapping[str, str],
) -> dict[str, Any]:
    """Everything the search results page shows."""
    facets = []
    for facet in FACET_ORDER:
        counts = result.facets.get(facet, {})
        chosen = set(active.get(facet, ()))
        ordered = sorted(counts.items(), key=lambda kv: (kv[0] not in chosen, -kv[1], kv[0]))
        options = [
            {
                "value": value,
                "label": facet_value_label(facet, value, names),
                "count": count,
                "checked": value in chosen,
            }
            for value, count in ordered[:MAX_OPTIONS]
            if count or value in chosen
        ]
        if options:
            facets.append({"name": facet, "label": FACET_LABELS[facet], "options": options})
    applied = [
        {
            "facet": FACET_LABELS.get(facet, facet),
            "label": facet_value_label(facet, value, names),
            "remove_url": search_url(
                params, **{facet: [v for v in values if v != value], "page": None}
            ),
        }
        for facet, values in active.items()
        for value in values
    ]
    last_page = max(1, -(-result.total // result.per_page))
    page = result.page
    return {
        "query": result.query,
        "total": result.total,
        "page": page,
        "last_page": last_page,
        "first_number": (page - 1) * result.per_page + 1,
        "facets": facets,
        "applied": applied,
        "clear_url": search_url({"q": [result.query]} if result.query else {}),
        "hits": [hit_row(h) for h in result.hits],
        "suggestion": result.suggestion,
        "suggestion_url": search_url(params, q=[result.suggestion], page=None)
        if result.suggestion
        else None,
        "previous_url": search_url(params, page=[str(page - 1)]) if page > 1 else None,
        "next_url": search_url(params, page=[str(page + 1)]) if page < last_page else None,
    }


def hit_row(hit: Any) -> dict[str, Any]:
    # Highlights come from registry.search, which escapes the text and adds only <mark>.
    return {
        "id": hit.id,
        "name": hit.name,
        "state": hit.state,
        "kind_label": KIND_LABELS.get(hit.kind, hit.kind),
        "status_label": STATUS_LABELS.get(hit.status, hit.status),
        "licence_words": licence_words(hit.licence),
        "summary_html": Markup(hit.highlights.get("summary") or Markup.escape(hit.summary)),  # noqa: S704
        "description_html": Markup(hit.highlights["description"])  # noqa: S704
        if hit.highlights.get("description")
        else None,
    }


def entry_page(
    view: Any,
    standards: Mapping[str, str],
    categories: Mapping[str, str],
    care_settings: Mapping[str, str],
    similar: Sequence[Any],
) -> dict[str, Any]:
    """Everything the entry page shows."""
    doc = view.document
    dates = doc.get("status_dates", {})
    urls = doc.get("urls", {})
    link_labels = (
        ("homepage", "Website"),
        ("documentation", "Documentation"),
        ("api_specification", "API specification"),
        ("repository", "Source code repository"),
        ("issue_tracker", "Issue tracker"),
        ("support", "Support"),
    )
    return {
        "title": doc["name"],
        "doc": doc,
        "state": view.state,
        "revision": view.revision,
        "updated_at": view.updated_at,
        "kind_label": KIND_LABELS.get(doc["kind"], doc["kind"]),
        "status_label": STATUS_LABELS.get(doc["status"], doc["status"]),
        "status_dates": [(stage, dates[stage]) for stage in STATUS_LABELS if stage in dates],
        "status_since": dates.get(doc["status"]),
        "licence_words": licence_words(doc["licence"]),
        "maintenance_words": MAINTENANCE_WORDS.get(
            doc.get("maintenance", {}).get("type", ""), "Not stated"
        ),
        "blocks": text_blocks(doc.get("description", "")) or [{"p": doc["summary"]}],
        "standards": [
            {"id": s["id"], "name": standards.get(s["id"], s["id"]), "profiles": s.get("profiles")}
            for s in doc.get("standards", [])
        ],
        "categories": [{"id": c, "label": categories.get(c, c)} for c in doc.get("categories", [])],
        "care_settings": [
            {"id": c, "label": care_settings.get(c, c)} for c in doc.get("care_settings", [])
        ],
        "assurance": assurance_rows(doc.get("assurance", {})),
        "access_words": access_words(doc.get("access", {})),
        "links": [{"url": urls[key], "label": label} for key, label in link_labels if key in urls],
        "similar": similar,
    }


def text_blocks(text: str) -> list[dict[str, Any]]:
    """Plain text as paragraphs and bullet lists: blank lines separate paragraphs, and
    lines starting with "- ", "* " or "• " are list items. Still only text: escaped later."""
    blocks: list[dict[str, Any]] = []
    for chunk in text.split("\n\n"):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        prose: list[str] = []
        for line in lines:
            bullet = line[:2] in ("- ", "* ", "• ")
            if bullet:
                if prose:
                    blocks.append({"p": " ".join(prose)})
                    prose = []
                if not blocks or "ul" not in blocks[-1]:
                    blocks.append({"ul": []})
                blocks[-1]["ul"].append(line[2:].strip())
            else:
                prose.append(line)
        if prose:
            blocks.append({"p": " ".join(prose)})
    return blocks


def assurance_rows(assurance: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, label in ASSURANCE_LABELS.items():
        if key in assurance:
            item = assurance[key]
            rows.append(
                {
                    "label": label,
                    "text": item["status"].replace("-", " ").capitalize(),
                    "date": item["date"],
                    "url": item.get("url"),
                }
            )
    if "wcag" in assurance:
        wcag = assurance["wcag"]
        version = f"WCAG {wcag['version']}" if wcag.get("version") else "WCAG"
        rows.append(
            {
                "label": "Accessibility",
                "text": f"{version} level {wcag['level']}",
                "date": wcag["date"],
                "url": wcag.get("statement_url"),
            }
        )
    if "medical_device" in assurance:
        device = assurance["medical_device"]
        text = (
            "Not a medical device"
            if device["class"] == "not-a-device"
            else f"Medical device class {device['class']}"
        )
        if device.get("marking"):
            text += f", {device['marking']} marked"
        rows.append({"label": "Medical device", "text": text, "date": device["date"], "url": None})
    return rows


def access_words(access: Mapping[str, Any]) -> list[str]:
    lines = []
    restriction = {
        "open": "Open: anyone can use it",
        "application-restricted": "Application-restricted: an approved application can use it",
        "user-restricted": "User-restricted: users must sign in (for example with NHS login "
        "or an NHS smartcard)",
    }.get(access.get("restriction", ""))
    if restriction:
        lines.append(restriction)
    networks = access.get("networks")
    if networks:
        names = {"internet": "the internet", "hscn": "HSCN (the Health and Social Care Network)"}
        lines.append("Reachable over " + " and ".join(names[n] for n in networks))
    if access.get("sandbox"):
        lines.append("A sandbox is available for testing")
    return lines
