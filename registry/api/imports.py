"""Imports through the API: a supplier sends a file in a foreign format."""

from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

from litestar import Controller, Request, post
from litestar.concurrency import sync_to_thread
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import QueryParameter

from registry import permissions
from registry.api.body import read_bytes
from registry.api.dependencies import PrincipalDep, ServicesDep
from registry.api.shapes import problems
from registry.errors import BadRequest, PayloadTooLarge
from registry.importers import FORMATS, importer_for
from registry.importing import parse_safely

#: Entries one API import may hold: each is a submission a maintainer has to review.
MAX_API_ENTRIES = 200


class ImportItemOut(TypedDict):
    source: str
    id: str | None
    result: str
    messages: list[str]


class ImportReportOut(TypedDict):
    format: str
    applied: bool
    files: int
    counts: dict[str, int]
    warnings: int
    items: list[ImportItemOut]


@dataclass
class _FileBody(Operation):
    def __post_init__(self) -> None:
        text = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))
        self.request_body = RequestBody(
            required=True,
            description="The file as it is: publiccode.yml, catalog-info.yaml, nominee JSON, "
            "code.json, or the UK API catalogue CSV or JSON.",
            content={"application/yaml": text, "application/json": text, "text/csv": text},
        )


class ImportController(Controller):
    path = "/api/v1/imports"
    tags = ("imports",)

    @post(
        "/",
        summary="Import a file in a foreign format (dry run unless apply=true)",
        description="A supplier's import submits new entries, and changes to its own "
        "entries, for review; nothing is published until a maintainer approves.",
        status_code=200,
        operation_class=_FileBody,
        responses=problems(400, 401, 403, 413),
    )
    async def import_file(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        principal: PrincipalDep,
        fmt: Annotated[str, QueryParameter(name="format", description=", ".join(FORMATS))],
        apply: Annotated[bool, QueryParameter(description="store the entries")] = False,
        filename: Annotated[
            str, QueryParameter(description="name the report uses for the file", max_length=200)
        ] = "upload",
    ) -> ImportReportOut:
        actor = permissions.check("import", principal)
        if fmt not in FORMATS:
            raise BadRequest(f"Unknown format '{fmt}'; use one of: {', '.join(FORMATS)}.")
        raw = await read_bytes(request)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("The file is not UTF-8 text.") from None
        if "\x00" in text:
            # The importers clean control characters out of the text they keep; a raw NUL
            # means the file is not text at all.
            raise BadRequest("The file contains a NUL character (U+0000); send a text file.")
        importer = importer_for(fmt)
        source = "".join(c for c in filename if c.isprintable()) or "upload"
        # Parsing a large file is CPU work: keep it off the event loop.
        result = await sync_to_thread(parse_safely, importer, text, source)
        if len(result.entries) > MAX_API_ENTRIES:
            raise PayloadTooLarge(
                f"The file holds {len(result.entries)} entries; one API import takes at most "
                f"{MAX_API_ENTRIES}. Split the file, or ask a maintainer to import it."
            )
        report = await sync_to_thread(
            services.imports.run, importer, [(source, result)], apply=apply, actor=actor
        )
        body: ImportReportOut = report.as_dict()  # type: ignore[assignment]
        return body
