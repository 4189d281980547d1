"""The public pages: home, search, entries, standards and browsing."""

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from catalogue.context import KIND_LABELS, entry_page, search_page
from catalogue.rendering import page
from registry.api.dependencies import SearchDep, ServicesDep
from registry.decisions import DecisionService
from registry.errors import NotFound
from registry.search import FILTERS, SearchQuery
from registry.services import MAX_PER_PAGE
from registry.wiring import Search, Services

SORTS = ("relevance", "name", "updated")
BROWSE_FACETS = {"kind": "kind", "category": "category", "care-setting": "care_setting"}


def _labels(services: Services, vocabulary: str) -> dict[str, str]:
    return {t.id: t.label for t in services.entries.vocabulary(vocabulary).terms}


def _names(services: Services) -> dict[str, str]:
    """Readable names for facet values: standards, categories, care settings."""
    names: dict[str, str] = {}
    for vocabulary in ("standards", "categories", "care-settings"):
        names.update(_labels(services, vocabulary))
    return names


def parse_search(request: Request[Any, Any, Any]) -> tuple[SearchQuery, dict[str, list[str]]]:
    """The page's query from its URL; anything unusable falls back to a default instead of
    an error, because people edit and share these URLs."""
    params = request.query_params
    filters = {
        name: [v[:200] for v in params.getall(name, []) if v.strip()][:20]
        for name in FILTERS
        if name != "state"
    }
    filters = {k: v for k, v in filters.items() if v}
    sort = params.get("sort", "relevance")
    try:
        page_number = min(max(int(params.get("page", "1")), 1), 10_000)
    except ValueError:
        page_number = 1
    query = SearchQuery(
        text=params.get("q", "")[:1000],
        filters=filters,
        include_retired=params.get("include_retired") == "true",
        sort=sort if sort in SORTS else "relevance",
        page=page_number,
        per_page=20,
    )
    return query, filters


class PublicPages(Controller):
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def home(
        self, request: Request[Any, Any, Any], services: ServicesDep, search: SearchDep
    ) -> Template:
        overview = search.query(SearchQuery(per_page=1))
        kinds = overview.facets.get("kind", {})
        names = _labels(services, "standards")
        standards = sorted(overview.facets.get("standard", {}).items(), key=lambda kv: -kv[1])[:8]
        return page(
            request,
            "pages/home.jinja",
            title="Find technology you can reuse",
            total=overview.total,
            kinds=[
                {"id": k, "label": KIND_LABELS.get(k, k), "count": kinds[k]}
                for k in KIND_LABELS
                if kinds.get(k)
            ],
            recent_published=services.entries.recent("published"),
            recent_updated=services.entries.recent("updated"),
            standards=[{"id": s, "name": names.get(s, s), "count": n} for s, n in standards if n],
        )

    @get("/search", sync_to_thread=True)
    def search_results(
        self, request: Request[Any, Any, Any], services: ServicesDep, search: SearchDep
    ) -> Template:
        query, active = parse_search(request)
        result = search.query(query)
        last_page = max(1, -(-result.total // result.per_page))
        if query.page > last_page:  # an old or edited link: show the last page there is
            query = replace(query, page=last_page)
            result = search.query(query)
        if not active:  # a search narrowed by filters is not a need nothing meets
            DecisionService(services.engine).record_search(query.text, result.total)
        params = {key: request.query_params.getall(key) for key in request.query_params}
        context = search_page(result, params, active, _names(services))
        title = f"Search results for “{query.text}”" if query.text else "Search the registry"
        return page(
            request,
            "pages/search.jinja",
            title=title,
            active=active,
            sort=query.sort,
            include_retired=query.include_retired,
            **context,
        )

    @get("/entries/{entry_id:str}", sync_to_thread=True)
    def entry(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        search: SearchDep,
        entry_id: FromPath[str],
    ) -> Template:
        view = services.entries.get(entry_id, None)
        similar = search.index.similar(view.document, limit=5, exclude=view.id)
        context = entry_page(
            view,
            _labels(services, "standards"),
            _labels(services, "categories"),
            _labels(services, "care-settings"),
            similar,
        )
        return page(request, "pages/entry.jinja", **context)

    @get("/standards", sync_to_thread=True)
    def standards(
        self, request: Request[Any, Any, Any], services: ServicesDep, search: SearchDep
    ) -> Template:
        counts = search.query(SearchQuery(per_page=1)).facets.get("standard", {})
        links = [
            {"href": f"/standards/{term.id}", "text": term.label, "count": counts.get(term.id, 0)}
            for term in services.entries.vocabulary("standards").terms
        ]
        return page(
            request,
            "pages/listing.jinja",
            title="Standards",
            heading="Standards",
            lede="The standards that entries in the registry implement, with how many do.",
            groups=[{"heading": "All standards", "links": links}],
        )

    @get("/standards/{standard_id:str}", sync_to_thread=True)
    def standard(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        search: SearchDep,
        standard_id: FromPath[str],
    ) -> Template:
        view = services.entries.get(standard_id, None)
        if view.document["kind"] != "standard":
            raise NotFound(f"'{standard_id}' is not a standard.")
        users = search.query(
            SearchQuery(filters={"standard": [standard_id]}, sort="name", per_page=MAX_PER_PAGE)
        )
        doc = view.document
        paragraphs = [p for p in doc.get("description", "").split("\n\n") if p.strip()]
        return page(
            request,
            "pages/listing.jinja",
            title=doc["name"],
            heading=doc["name"],
            lede=doc["summary"],
            paragraphs=paragraphs,
            groups=[
                {
                    "heading": "About this standard",
                    "links": [
                        {
                            "href": f"/entries/{view.id}",
                            "text": f"Full details of {doc['name']}",
                            "count": None,
                        }
                    ],
                }
            ],
            entries_heading=f"Entries that implement {doc['name']} ({users.total})",
            entries=[{"id": h.id, "name": h.name, "summary": h.summary} for h in users.hits],
        )

    @get("/browse", sync_to_thread=True)
    def browse(
        self, request: Request[Any, Any, Any], services: ServicesDep, search: SearchDep
    ) -> Template:
        facets = search.query(SearchQuery(per_page=1)).facets
        groups = [
            {
                "heading": "By kind",
                "links": [
                    {
                        "href": f"/browse/kind/{k}",
                        "text": label,
                        "count": facets.get("kind", {}).get(k, 0),
                    }
                    for k, label in KIND_LABELS.items()
                ],
            }
        ]
        for vocabulary, facet, heading in (
            ("categories", "category", "By category"),
            ("care-settings", "care_setting", "By care setting"),
        ):
            path = vocabulary.rstrip("s").replace("categorie", "category")
            groups.append(
                {
                    "heading": heading,
                    "links": [
                        {
                            "href": f"/browse/{path}/{t.id}",
                            "text": t.label,
                            "count": facets.get(facet, {}).get(t.id, 0),
                        }
                        for t in services.entries.vocabulary(vocabulary).terms
                    ],
                }
            )
        return page(
            request,
            "pages/listing.jinja",
            title="Browse",
            heading="Browse the registry",
            groups=groups,
        )

    @get("/browse/{facet:str}/{value:str}", sync_to_thread=False)
    def browse_facet(self, facet: FromPath[str], value: FromPath[str]) -> Response[Any]:
        name = BROWSE_FACETS.get(facet)
        if name is None:
            raise NotFound(f"There is no way to browse by '{facet}'.")
        return Redirect(path=f"/search?{urlencode({name: value})}", status_code=303)


__all__ = ["PublicPages", "Search"]
