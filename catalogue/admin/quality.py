"""The data quality page (any signed-in maintainer): published entries with problems."""

from datetime import UTC, datetime
from typing import Any

from litestar import Request, get
from litestar.response import Template

from catalogue.admin.base import AdminController, MaintainerDep, admin_page
from catalogue.admin.entries import edit_url
from registry.api.dependencies import ServicesDep
from registry.db import transaction
from registry.quality import KINDS, LEFT_SOURCE, problems
from registry.repository import Repository


class QualityPages(AdminController):
    @get("/admin/quality", sync_to_thread=True)
    def quality(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        chosen = request.query_params.get("kind", "")
        chosen = chosen if chosen in KINDS else ""
        today = datetime.now(UTC).date()
        with transaction(services.engine, write=False) as session:
            vocabularies = services.entries.vocabulary_set(Repository(session))
        views = list(services.entries.published())
        known_ids = frozenset(view.id for view in views)
        groups: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
        for view in views:
            found = problems(view.document, vocabularies, today, known_ids)
            url = edit_url(view.id)
            for problem in found:
                groups[problem.kind].append(
                    {
                        "id": view.id,
                        "name": str(view.document.get("name", view.id)),
                        "url": url,
                        "path": problem.path,
                        "message": problem.message,
                    }
                )
        for missing in services.sources.missing():
            groups[LEFT_SOURCE].append(
                {
                    "id": missing.entry_id,
                    "name": missing.entry_id,
                    "url": edit_url(missing.entry_id),
                    "path": "",
                    "message": missing.message(services.settings.harvest_misses_before_deprecation),
                }
            )
        summary = [
            {"kind": kind, "title": title, "count": len(groups[kind])}
            for kind, title in KINDS.items()
        ]
        shown = [
            {"kind": kind, "title": title, "rows": groups[kind]}
            for kind, title in KINDS.items()
            if groups[kind] and (not chosen or chosen == kind)
        ]
        return admin_page(
            request,
            "admin/quality.jinja",
            maintainer,
            title="Data quality",
            summary=summary,
            groups=shown,
            chosen=chosen,
            entries_with_problems=len({row["id"] for rows in groups.values() for row in rows}),
        )
