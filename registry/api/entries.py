"""Entries: list, read, create, update, history and workflow actions."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, cast
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post, put
from litestar.concurrency import sync_to_thread
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import FromPath, FromQuery, HeaderParameter, QueryParameter

from registry.api.body import read_document
from registry.api.dependencies import PrincipalDep, ServicesDep
from registry.api.shapes import (
    KEY_OPTIONAL,
    KEY_REQUIRED,
    EntryListOut,
    EntryOut,
    RevisionListOut,
    RevisionOut,
    problems,
)
from registry.auth import require_principal
from registry.errors import BadRequest, InvalidEntry, Issue
from registry.exports import ENTRY_FORMATS, render_entry
from registry.repository import EntryFilter
from registry.services import MAX_PER_PAGE
from registry.views import EntryView, Page
from registry.workflow import State


def _body(description: str, required: bool = True) -> RequestBody:
    schema = Schema(type=OpenAPIType.OBJECT, description=description)
    return RequestBody(
        required=required,
        description=description,
        content={
            "application/json": OpenAPIMediaType(schema=schema),
            "application/yaml": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
        },
    )


@dataclass
class _EntryBody(Operation):
    """The operation takes an entry document (read by hand for clear errors)."""

    def __post_init__(self) -> None:
        self.request_body = _body(
            "An entry document; see GET /api/v1/schemas/entry for its JSON Schema."
        )


@dataclass
class _ActionBody(Operation):
    def __post_init__(self) -> None:
        schema = Schema(
            type=OpenAPIType.OBJECT,
            properties={
                "reason": Schema(type=OpenAPIType.STRING, max_length=5000),
                "effective": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE),
            },
        )
        self.request_body = RequestBody(
            required=False,
            description="Why: required for request-changes, reject, deprecate and retire. "
            "`effective`: the day a deprecation or retirement took effect (default today; "
            "not in the future), recorded in the document's status_dates.",
            content={"application/json": OpenAPIMediaType(schema=schema)},
        )


@dataclass
class _EntryRepresentations(Operation):
    """GET an entry: the API view by default; `?format=` gives the document as a file."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        content = getattr(ok, "content", None)
        if not isinstance(content, dict) or "application/json" not in content:
            return
        view = content["application/json"].schema
        content["application/json"] = OpenAPIMediaType(
            schema=Schema(
                any_of=[
                    view,
                    Schema(type=OpenAPIType.OBJECT, description="format=json: the document"),
                ]
            )
        )
        content["application/yaml"] = OpenAPIMediaType(
            schema=Schema(type=OpenAPIType.STRING, description="format=yaml or publiccode")
        )


def parse_if_match(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [tag.strip() for tag in value.split(",") if tag.strip()]


def entry_response(view: EntryView, status_code: int = 200, **headers: str) -> Response[EntryOut]:
    return Response(
        cast(EntryOut, view.as_dict()),
        status_code=status_code,
        headers={"ETag": view.etag, "Vary": "Authorization", **headers},
    )


def link_header(request: Request[Any, Any, Any], page: Page) -> str:
    def url(number: int) -> str:
        # Every value of a repeated parameter (kind=api&kind=standard) is kept.
        pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
        pairs.append(("page", str(number)))
        return f"{request.url.path}?{urlencode(pairs)}"

    links = [(1, "first"), (page.last_page, "last")]
    if page.page > 1:
        links.append((min(page.page - 1, page.last_page), "prev"))
    if page.page < page.last_page:
        links.append((page.page + 1, "next"))
    return ", ".join(f'<{url(n)}>; rel="{rel}"' for n, rel in links)


REASON = Annotated[str, QueryParameter(description="Why the change is made.", max_length=5000)]
IF_MATCH = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        description="The entry's ETag as last read: the change is made only if the entry is "
        "still that version (412 otherwise). Required to change an entry (428 without).",
    ),
]


@dataclass
class _MergeBody(Operation):
    def __post_init__(self) -> None:
        schema = Schema(
            type=OpenAPIType.OBJECT,
            required=["into", "reason"],
            properties={
                "into": Schema(type=OpenAPIType.STRING, description="the surviving entry"),
                "reason": Schema(type=OpenAPIType.STRING, max_length=5000),
            },
        )
        self.request_body = RequestBody(
            required=True, content={"application/json": OpenAPIMediaType(schema=schema)}
        )


class EntryController(Controller):
    path = "/api/v1/entries"
    tags = ("entries",)

    @get(
        "/",
        summary="List entries",
        description="Published entries for everyone; a maintainer's key also sees drafts "
        "and submissions (use `state`).",
        responses=problems(400, 401),
        security=KEY_OPTIONAL,
        sync_to_thread=True,
    )
    def list_entries(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        principal: PrincipalDep,
        kind: Annotated[
            str | None,
            QueryParameter(description="api, software, library, service, standard, dataset"),
        ] = None,
        status: Annotated[
            str | None, QueryParameter(description="Lifecycle status: live, …")
        ] = None,
        standard: Annotated[str | None, QueryParameter(description="Id of a standard")] = None,
        # As long as the column: SQLite refuses a LIKE pattern over 50,000 characters.
        licence: Annotated[
            str | None, QueryParameter(description="SPDX id or expression", max_length=500)
        ] = None,
        supplier: Annotated[str | None, QueryParameter(description="Supplier name")] = None,
        open_source: FromQuery[bool | None] = None,
        review_state: Annotated[
            list[State] | None,
            QueryParameter(name="state", description="Review states (maintainers only)"),
        ] = None,
        page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE)] = 20,
    ) -> Response[EntryListOut]:
        filters = EntryFilter(
            kind=kind,
            status=status,
            standard=standard,
            licence=licence,
            supplier=supplier,
            open_source=open_source,
        )
        states = [s.value for s in review_state] if review_state else None
        result = services.entries.list_entries(filters, page, per_page, principal, states)
        body: EntryListOut = {
            "items": [cast(EntryOut, e.as_dict()) for e in result.items],
            "total": result.total,
            "page": result.page,
            "per_page": result.per_page,
        }
        return Response(
            body, headers={"Link": link_header(request, result), "Vary": "Authorization"}
        )

    @post(
        "/",
        summary="Create an entry (as a draft)",
        status_code=201,
        operation_class=_EntryBody,
        responses=problems(400, 401, 403, 409, 413, 415, 422),
        security=KEY_REQUIRED,
    )
    async def create_entry(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        principal: PrincipalDep,
        reason: REASON = "",
    ) -> Response[EntryOut]:
        require_principal(principal)  # say 401 before reading a large body
        document = await read_document(request)
        view = await sync_to_thread(services.entries.create, document, principal, reason)
        return entry_response(view, 201, Location=f"{self.path}/{view.id}")

    @get(
        "/{entry_id:str}",
        summary="Read an entry",
        description="The API view by default. `format=json`, `yaml` or `publiccode` gives "
        "the entry document alone, as a file (publiccode.yml for `publiccode`).",
        operation_class=_EntryRepresentations,
        responses=problems(301, 401, 404),
        security=KEY_OPTIONAL,
        sync_to_thread=True,
    )
    def get_entry(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        principal: PrincipalDep,
        entry_id: FromPath[str],
        fmt: Annotated[
            Literal["json", "yaml", "publiccode"] | None,
            QueryParameter(name="format", description="json, yaml or publiccode"),
        ] = None,
    ) -> Response[EntryOut]:
        view = services.entries.get(entry_id, principal)
        if fmt is not None:
            suffix = "publiccode.yml" if fmt == "publiccode" else fmt
            return Response(
                cast(EntryOut, render_entry(view.document, fmt)),
                media_type=ENTRY_FORMATS[fmt],
                headers={
                    "ETag": view.etag,
                    "Vary": "Authorization",
                    "Content-Disposition": f'inline; filename="{view.id}.{suffix}"',
                },
            )
        if_none_match = parse_if_match(request.headers.get("if-none-match")) or []
        if view.etag in if_none_match:
            return Response(
                cast(EntryOut, None),
                status_code=304,
                headers={"ETag": view.etag, "Vary": "Authorization"},
            )
        return entry_response(view)

    @put(
        "/{entry_id:str}",
        summary="Change an entry (needs If-Match)",
        description="A draft is changed in place; a change to a published entry is held as a "
        "pending revision until a maintainer approves it.",
        operation_class=_EntryBody,
        responses=problems(400, 401, 403, 404, 409, 412, 413, 415, 422, 428),
        security=KEY_REQUIRED,
    )
    async def update_entry(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        principal: PrincipalDep,
        entry_id: FromPath[str],
        reason: REASON = "",
        if_match: IF_MATCH = None,
    ) -> Response[EntryOut]:
        require_principal(principal)
        document = await read_document(request)
        view = await sync_to_thread(
            services.entries.update,
            entry_id,
            document,
            principal,
            parse_if_match(if_match),
            reason,
        )
        return entry_response(view)

    @get(
        "/{entry_id:str}/revisions",
        summary="An entry's history",
        responses=problems(401, 404),
        security=KEY_OPTIONAL,
        sync_to_thread=True,
    )
    def list_revisions(
        self, services: ServicesDep, principal: PrincipalDep, entry_id: FromPath[str]
    ) -> RevisionListOut:
        items = services.entries.revisions(entry_id, principal)
        return {"entry_id": entry_id, "items": [cast(RevisionOut, r.as_dict()) for r in items]}

    @get(
        "/{entry_id:str}/revisions/{number:int}",
        summary="One revision, with the whole document",
        responses=problems(401, 404),
        security=KEY_OPTIONAL,
        sync_to_thread=True,
    )
    def get_revision(
        self,
        services: ServicesDep,
        principal: PrincipalDep,
        entry_id: FromPath[str],
        number: FromPath[int],
    ) -> RevisionOut:
        return cast(RevisionOut, services.entries.revision(entry_id, number, principal).as_dict())

    @post(
        "/{entry_id:str}/merge",
        summary="Merge a duplicate into another entry (maintainers)",
        description="The duplicate is retired with its history kept; its id redirects (301) "
        "to the surviving entry from then on. An If-Match header with the duplicate's ETag "
        "makes the merge happen only if it has not changed since (412 otherwise).",
        status_code=200,
        operation_class=_MergeBody,
        responses=problems(400, 401, 403, 404, 412, 413, 415, 422),
        security=KEY_REQUIRED,
    )
    async def merge_entry(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        principal: PrincipalDep,
        entry_id: FromPath[str],
        if_match: IF_MATCH = None,
    ) -> Response[EntryOut]:
        require_principal(principal)
        body = await read_document(request)
        if not isinstance(body, dict) or set(body) - {"into", "reason"}:
            raise BadRequest('Send {"into": "<entry id>", "reason": "…"}.')
        into, reason = body.get("into"), body.get("reason", "")
        if not isinstance(into, str) or not isinstance(reason, str) or len(reason) > 5000:
            raise BadRequest('"into" must be an entry id and "reason" text (at most 5000).')
        view = await sync_to_thread(
            services.entries.merge, entry_id, into, principal, reason, parse_if_match(if_match)
        )
        return entry_response(view)

    @post(
        "/{entry_id:str}/actions/{action:str}",
        summary="Take a workflow action",
        description="submit, approve, request-changes, reject, deprecate, retire. "
        "A 409 lists the actions the entry's state allows.",
        status_code=200,
        operation_class=_ActionBody,
        responses=problems(400, 401, 403, 404, 409, 412, 413, 415, 422),
        security=KEY_REQUIRED,
    )
    async def take_action(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        principal: PrincipalDep,
        entry_id: FromPath[str],
        action: FromPath[str],
        if_match: IF_MATCH = None,
    ) -> Response[EntryOut]:
        require_principal(principal)
        body = await read_document(request, allow_empty=True)
        reason, effective = "", None
        if body is not None:
            if not isinstance(body, dict) or not isinstance(body.get("reason", ""), str):
                raise BadRequest('Send {"reason": "…"} or no body.')
            unknown = sorted(set(body) - {"reason", "effective"})
            if unknown:
                raise BadRequest(
                    f"Unknown field(s): {', '.join(unknown)}; only 'reason' and 'effective' "
                    "are read."
                )
            reason = str(body.get("reason", ""))
            if len(reason) > 5000:
                raise BadRequest("The reason must be at most 5000 characters.")
            effective = _day(body.get("effective"))
        view = await sync_to_thread(
            services.entries.act,
            entry_id,
            action,
            principal,
            reason,
            parse_if_match(if_match),
            effective,
        )
        return entry_response(view)


def _day(value: Any) -> date | None:
    """An action's `effective` date: absent, or a YYYY-MM-DD string."""
    if value is None:
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise InvalidEntry(
        [Issue("/effective", "Must be a date as YYYY-MM-DD, such as 2026-03-31.")],
        detail="The effective date is not a date.",
    )
