"""GET /api/v1/search: the engine behind the catalogue, as JSON."""

from typing import Annotated, Any, Literal, TypedDict

from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter

from registry.api.dependencies import SearchDep
from registry.api.entries import link_header
from registry.api.shapes import KEY_OPTIONAL, problems
from registry.search import SearchQuery
from registry.services import MAX_PER_PAGE
from registry.views import Page

Values = Annotated[list[str] | None, QueryParameter(max_items=50)]


class ListingOut(TypedDict):
    id: str
    name: str


class SearchHitOut(TypedDict):
    id: str
    name: str
    summary: str
    kind: str
    status: str
    state: str
    licence: str
    open_source: bool
    score: float
    highlights: dict[str, str]
    also_listed: list[ListingOut]


class SearchOut(TypedDict):
    query: str
    total: int
    page: int
    per_page: int
    items: list[SearchHitOut]
    facets: dict[str, dict[str, int]]
    suggestion: str | None
    coverage: float | None
    met: bool


class SearchController(Controller):
    path = "/api/v1/search"
    tags = ("search",)

    @get(
        "/",
        summary="Search published entries",
        description='Plain words (all words preferred), "quoted phrases" and -exclusions. '
        "Filters take several values (repeat the parameter): values of one filter are "
        "alternatives, different filters all apply. Facet counts for each field reflect the "
        "other active filters. Retired entries are left out unless include_retired=true or "
        "state=retired. Listings of one product whose merge maintainers are reviewing are "
        "shown once, the others named in also_listed.",
        responses=problems(400),
        security=KEY_OPTIONAL,
        sync_to_thread=True,
    )
    def search(
        self,
        request: Request[Any, Any, Any],
        search: SearchDep,
        q: Annotated[str, QueryParameter(max_length=1000, description="what you need")] = "",
        kind: Values = None,
        status: Values = None,
        lifecycle_state: Annotated[
            list[Literal["published", "deprecated", "retired"]] | None,
            QueryParameter(name="state"),
        ] = None,
        licence: Values = None,
        standard: Values = None,
        category: Values = None,
        care_setting: Values = None,
        owner: Values = None,
        open_source: Annotated[bool | None, QueryParameter()] = None,
        include_retired: Annotated[bool, QueryParameter()] = False,
        sort: Annotated[Literal["relevance", "name", "updated"], QueryParameter()] = "relevance",
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE)] = 20,
    ) -> Response[SearchOut]:
        filters: dict[str, list[str]] = {
            name: list(values)
            for name, values in {
                "kind": kind,
                "status": status,
                "state": lifecycle_state,
                "licence": licence,
                "standard": standard,
                "category": category,
                "care_setting": care_setting,
                "owner": owner,
            }.items()
            if values
        }
        if open_source is not None:
            filters["open_source"] = ["true" if open_source else "false"]
        query = SearchQuery(
            text=q,
            filters=filters,
            include_retired=include_retired,
            sort=sort,
            page=page,
            per_page=per_page,
        )
        result = search.query(query)
        body: SearchOut = {
            "query": result.query,
            "total": result.total,
            "page": result.page,
            "per_page": result.per_page,
            "items": [
                {
                    "id": h.id,
                    "name": h.name,
                    "summary": h.summary,
                    "kind": h.kind,
                    "status": h.status,
                    "state": h.state,
                    "licence": h.licence,
                    "open_source": h.open_source,
                    "score": round(h.score, 4),
                    "highlights": h.highlights,
                    "also_listed": [{"id": o.id, "name": o.name} for o in h.also_listed],
                }
                for h in result.hits
            ],
            "facets": result.facets,
            "suggestion": result.suggestion,
            "coverage": result.coverage,
            "met": result.met,
        }
        paging = Page([], result.total, result.page, result.per_page)
        return Response(body, headers={"Link": link_header(request, paging)})
