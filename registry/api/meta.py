"""Validation without storing, vocabularies, the entry schema, and health."""

from typing import Any, cast

from litestar import Controller, Request, Response, get, post
from litestar.concurrency import sync_to_thread
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath

from registry.api.body import read_document
from registry.api.dependencies import PrincipalDep, ServicesDep
from registry.api.entries import _EntryBody
from registry.api.shapes import (
    HealthOut,
    ValidationOut,
    VocabularyListOut,
    VocabularyOut,
    problems,
)
from registry.auth import Scope

SCHEMA_JSON = "application/schema+json"


class MetaController(Controller):
    path = "/api/v1"
    tags = ("reference",)

    @post(
        "/validate",
        summary="Validate an entry without storing it",
        status_code=200,
        operation_class=_EntryBody,
        responses=problems(400, 413, 415),
    )
    async def validate(
        self, request: Request[Any, Any, Any], services: ServicesDep
    ) -> ValidationOut:
        document = await read_document(request)
        report = await sync_to_thread(services.entries.validate, document)
        return {
            "valid": report.valid,
            "errors": [{"path": i.path, "message": i.message} for i in report.errors],
            "warnings": [{"path": i.path, "message": i.message} for i in report.warnings],
        }

    @get("/vocabularies", summary="The controlled vocabularies", sync_to_thread=True)
    def vocabularies(self, services: ServicesDep) -> VocabularyListOut:
        return {"items": services.entries.vocabulary_names()}

    @get(
        "/vocabularies/{name:str}",
        summary="One vocabulary's terms",
        responses=problems(404),
        sync_to_thread=True,
    )
    def vocabulary(self, services: ServicesDep, name: FromPath[str]) -> VocabularyOut:
        return cast(VocabularyOut, services.entries.vocabulary(name).as_dict())

    @get(
        "/schemas/entry",
        summary="The JSON Schema of an entry document",
        media_type=SCHEMA_JSON,
        sync_to_thread=False,
    )
    def entry_schema(self, services: ServicesDep) -> dict[str, Any]:
        return services.validator.schema


class HealthController(Controller):
    path = "/health"
    tags = ("reference",)

    @get(
        "/",
        summary="Whether the database is reachable (with counts for maintainers' keys)",
        responses={503: ResponseSpec(data_container=HealthOut, description="Database unreachable")},
        sync_to_thread=True,
    )
    def health(self, services: ServicesDep, principal: PrincipalDep) -> Response[HealthOut]:
        body = cast(HealthOut, services.entries.health())
        status_code = 200 if body["status"] == "ok" else 503
        if principal is None or not principal.has(Scope.REVIEW):
            # A load balancer needs only whether the service works; how many entries wait
            # in each review state is the maintainers' business.
            body = {"status": body["status"], "database": body["database"]}
        return Response(body, status_code=status_code)
