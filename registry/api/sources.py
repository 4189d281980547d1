"""Harvest sources through the API (admins): register, list, read, remove, harvest now."""

from dataclasses import dataclass
from typing import Any, TypedDict, cast

from litestar import Controller, Request, Response, delete, get, post
from litestar.concurrency import sync_to_thread
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import FromPath

from registry.api.body import read_document
from registry.api.dependencies import PrincipalDep, ServicesDep
from registry.api.shapes import KEY_REQUIRED, problems
from registry.auth import Scope, require_principal
from registry.harvesting.service import SourceView
from registry.harvesting.sources import TRUST_LEVELS
from registry.importers import FORMATS


class RunOut(TypedDict, total=False):
    id: int
    trigger: str
    started_at: str
    finished_at: str | None
    status: str
    counts: dict[str, int]
    errors: list[dict[str, str]]
    rejections: list[dict[str, Any]]


class SourceOut(TypedDict):
    name: str
    format: str
    urls: list[str]
    interval_minutes: int
    supplier: str | None
    trust: str
    created_at: str
    next_run_at: str
    harvesting: bool
    items: int
    missing: int
    last_run: RunOut | None


class SourceDetailOut(SourceOut):
    runs: list[RunOut]


class SourceListOut(TypedDict):
    items: list[SourceOut]


@dataclass
class _SourceBody(Operation):
    def __post_init__(self) -> None:
        string = Schema(type=OpenAPIType.STRING)
        schema = Schema(
            type=OpenAPIType.OBJECT,
            required=["name", "format", "urls"],
            properties={
                "name": string,
                "format": Schema(type=OpenAPIType.STRING, enum=list(FORMATS)),
                "urls": Schema(type=OpenAPIType.ARRAY, items=string),
                "interval_minutes": Schema(type=OpenAPIType.INTEGER),
                "supplier": string,
                "trust": Schema(type=OpenAPIType.STRING, enum=list(TRUST_LEVELS)),
            },
        )
        self.request_body = RequestBody(
            required=True,
            content={
                "application/json": OpenAPIMediaType(schema=schema),
                "application/yaml": OpenAPIMediaType(schema=schema),
            },
        )


def _out(view: SourceView) -> SourceOut:
    return cast(SourceOut, view.as_dict())


def _detail(view: SourceView) -> SourceDetailOut:
    body = view.as_dict()
    body["runs"] = [run.as_dict() for run in view.runs]
    return cast(SourceDetailOut, body)


class SourceController(Controller):
    path = "/api/v1/sources"
    tags = ("sources",)
    # Every route needs a key (an admin's for sources): said in the OpenAPI document.
    security = KEY_REQUIRED

    @get("/", summary="Harvest sources (admins)", responses=problems(401, 403))
    async def list_sources(self, services: ServicesDep, principal: PrincipalDep) -> SourceListOut:
        require_principal(principal).require(Scope.ADMIN)
        views = await sync_to_thread(services.sources.all)
        return {"items": [_out(v) for v in views]}

    @post(
        "/",
        summary="Register a harvest source (admins); its first harvest is due at once",
        status_code=201,
        operation_class=_SourceBody,
        responses=problems(400, 401, 403, 409, 413, 415, 422),
    )
    async def add_source(
        self, request: Request[Any, Any, Any], services: ServicesDep, principal: PrincipalDep
    ) -> Response[SourceDetailOut]:
        actor = require_principal(principal)
        actor.require(Scope.ADMIN)  # say 403 before reading a large body
        data = await read_document(request)
        view = await sync_to_thread(services.sources.add, data, actor)
        return Response(
            _detail(view), status_code=201, headers={"Location": f"{self.path}/{view.name}"}
        )

    @get(
        "/{name:str}",
        summary="A harvest source with its recent runs (admins)",
        responses=problems(401, 403, 404),
    )
    async def get_source(
        self, services: ServicesDep, principal: PrincipalDep, name: FromPath[str]
    ) -> SourceDetailOut:
        require_principal(principal).require(Scope.ADMIN)
        return _detail(await sync_to_thread(services.sources.show, name))

    @delete(
        "/{name:str}",
        summary="Forget a harvest source (admins); the entries it gave stay",
        status_code=204,
        responses=problems(401, 403, 404),
    )
    async def remove_source(
        self, services: ServicesDep, principal: PrincipalDep, name: FromPath[str]
    ) -> None:
        actor = require_principal(principal)
        await sync_to_thread(services.sources.remove, name, actor)

    @post(
        "/{name:str}/harvest",
        summary="Harvest a source now (admins): it is queued for the next scheduler round",
        status_code=202,
        responses=problems(401, 403, 404),
    )
    async def harvest_source(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        principal: PrincipalDep,
        name: FromPath[str],
    ) -> Response[SourceDetailOut]:
        actor = require_principal(principal)
        view = await sync_to_thread(services.sources.queue, name, actor)
        scheduler = request.app.state.get("scheduler")
        if scheduler is not None:
            scheduler.wake()
        return Response(
            _detail(view), status_code=202, headers={"Location": f"{self.path}/{view.name}"}
        )
