"""The compare page: up to four entries side by side, from search results or entry pages."""

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from catalogue.context import KIND_LABELS, STATUS_LABELS, licence_words
from catalogue.records import (
    ENTRY_ID,
    MAX_COMPARE,
    MAX_REQUESTED,
    compare_columns,
    compare_rows,
    compare_url,
    parse_ids,
)
from catalogue.rendering import page
from registry.api.dependencies import SearchDep, ServicesDep
from registry.errors import NotFound
from registry.search import SearchQuery
from registry.views import EntryView
from registry.wiring import Services

MAX_SUGGESTIONS = 10


def _lookup(services: Services, ids: list[str]) -> tuple[list[EntryView], list[str]]:
    """The public entries among `ids`, in order, and the ids that are not one."""
    found: list[EntryView] = []
    missing: list[str] = []
    for entry_id in ids:
        if not ENTRY_ID.match(entry_id):
            missing.append(entry_id)
            continue
        try:
            found.append(services.entries.get(entry_id, None))
        except NotFound:
            missing.append(entry_id)
    return found, missing


class ComparePage(Controller):
    include_in_schema = False

    @get("/compare", sync_to_thread=True)
    def compare(
        self, request: Request[Any, Any, Any], services: ServicesDep, search: SearchDep
    ) -> Template:
        requested = parse_ids(request.query_params.getall("ids", []))
        found, missing = _lookup(services, requested[:MAX_REQUESTED])
        shown, left_out = found[:MAX_COMPARE], found[MAX_COMPARE:]
        shown_ids = [v.id for v in shown]
        standards = {t.id: t.label for t in services.entries.vocabulary("standards").terms}

        query = " ".join(request.query_params.get("q", "").split())[:200]
        suggestions: list[dict[str, Any]] = []
        if query and len(shown) < MAX_COMPARE:
            result = search.query(SearchQuery(text=query, per_page=MAX_SUGGESTIONS + MAX_COMPARE))
            suggestions = [
                {
                    "id": hit.id,
                    "name": hit.name,
                    "meta": " · ".join(
                        (
                            KIND_LABELS.get(hit.kind, hit.kind),
                            STATUS_LABELS.get(hit.status, hit.status),
                            licence_words(hit.licence),
                        )
                    ),
                    "add_url": compare_url([*shown_ids, hit.id]),
                }
                for hit in result.hits
                if hit.id not in shown_ids
            ][:MAX_SUGGESTIONS]

        return page(
            request,
            "pages/compare.jinja",
            title="Compare entries",
            columns=compare_columns(shown),
            rows=compare_rows(shown, standards) if shown else [],
            left_out=[{"id": v.id, "name": v.document["name"]} for v in left_out],
            ignored=max(0, len(requested) - MAX_REQUESTED),
            missing=missing,
            ids=",".join(shown_ids),
            query=query,
            searched=bool(query),
            suggestions=suggestions,
            max_compare=MAX_COMPARE,
        )


__all__ = ["ComparePage"]
