"""The data quality page (any signed-in maintainer): published entries with problems.

The report comes from `QualityService`, which keeps it until the registry changes; the
page shows the first rows of each kind, or one kind a page at a time."""

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Template

from catalogue.admin.base import AdminController, MaintainerDep, admin_page
from catalogue.admin.entries import edit_url
from registry.api.dependencies import ServicesDep
from registry.quality import KINDS
from registry.quality_report import QualityRow

#: Rows of each kind shown when every kind is shown; one kind shows a page at a time.
PREVIEW = 20


def _rows(rows: tuple[QualityRow, ...]) -> list[dict[str, str]]:
    return [
        {"name": r.name, "url": edit_url(r.id), "path": r.path, "message": r.message} for r in rows
    ]


def _page_url(kind: str, page: int) -> str:
    return "/admin/quality?" + urlencode({"kind": kind, "page": page})


class QualityPages(AdminController):
    @get("/admin/quality", sync_to_thread=True)
    def quality(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        chosen = request.query_params.get("kind", "")
        chosen = chosen if chosen in KINDS else ""
        raw_page = request.query_params.get("page", "1")
        number = int(raw_page) if raw_page.isdigit() else 1
        report = services.quality.report()
        counts = report.counts()
        summary = [
            {"kind": kind, "title": title, "count": counts[kind]} for kind, title in KINDS.items()
        ]
        groups = []
        paging: dict[str, Any] = {}
        for kind, title in KINDS.items():
            if not counts[kind] or (chosen and chosen != kind):
                continue
            if chosen:
                shown = report.page(kind, number)
                rows = shown.rows
                paging = {
                    "page": shown.number,
                    "last_page": shown.last,
                    "previous_url": _page_url(kind, shown.number - 1) if shown.number > 1 else None,
                    "next_url": (
                        _page_url(kind, shown.number + 1) if shown.number < shown.last else None
                    ),
                }
            else:
                rows = report.groups[kind][:PREVIEW]
            groups.append(
                {
                    "kind": kind,
                    "title": title,
                    "count": counts[kind],
                    "rows": _rows(rows),
                    "more_url": None if chosen or counts[kind] <= PREVIEW else _page_url(kind, 1),
                }
            )
        return admin_page(
            request,
            "admin/quality.jinja",
            maintainer,
            title="Data quality",
            summary=summary,
            groups=groups,
            chosen=chosen,
            entries_with_problems=report.entries_with_problems,
            **paging,
        )
