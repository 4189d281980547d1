"""Whole-registry dumps for harvesters: NDJSON and CSV, streamed in constant memory."""

from collections.abc import Iterator

from litestar import Controller, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Stream

from registry.api.dependencies import ServicesDep
from registry.exports import csv_lines, ndjson_lines

NDJSON = "application/x-ndjson"
#: Litestar adds "; charset=utf-8" to text types itself (once).
CSV = "text/csv"


class DumpController(Controller):
    path = "/api/v1"
    tags = ("entries",)

    @get(
        "/entries.ndjson",
        summary="Every published entry, one JSON object per line",
        media_type=NDJSON,
        responses={200: ResponseSpec(data_container=str, media_type=NDJSON, description="NDJSON")},
    )
    async def ndjson(self, services: ServicesDep) -> Stream:
        lines: Iterator[bytes] = ndjson_lines(services.entries.published())
        return Stream(lines, media_type=NDJSON)

    @get(
        "/entries.csv",
        summary="Every published entry as CSV (one row each)",
        media_type=CSV,
        responses={200: ResponseSpec(data_container=str, media_type=CSV, description="CSV")},
    )
    async def csv(self, services: ServicesDep) -> Stream:
        lines = (line.encode("utf-8") for line in csv_lines(services.entries.published()))
        return Stream(
            lines,
            media_type=CSV,
            headers={"Content-Disposition": 'attachment; filename="reuse-registry.csv"'},
        )
