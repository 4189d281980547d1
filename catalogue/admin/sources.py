"""Harvest sources (admins only): list with last run, next run, counts and errors; add a
source; a source's page with its runs, a "harvest now" button and removal. Every change
goes through `SourceService`, which checks and audits it."""

from datetime import datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from catalogue.admin.base import AdminController, MaintainerDep, form_page
from catalogue.admin.session import flash, require_admin
from catalogue.forms import form_text
from registry.api.dependencies import ServicesDep
from registry.auth import Principal
from registry.errors import Conflict, InvalidEntry
from registry.harvesting.service import RunView, SourceView
from registry.harvesting.sources import TRUST_LEVELS
from registry.importers import FORMATS
from registry.wiring import Services

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
LIST = "/admin/sources"
#: Form fields by the JSON Pointer a problem names.
FIELDS = {
    "/name": "name",
    "/format": "format",
    "/urls": "urls",
    "/interval_minutes": "interval",
    "/supplier": "supplier",
    "/trust": "trust",
}


def _field(path: str) -> str:
    for pointer, name in FIELDS.items():
        if path == pointer or path.startswith(pointer + "/"):
            return name
    return "name"


def _when(value: datetime) -> str:
    return f"{value:%-d %B %Y %H:%M} UTC"


def run_row(run: RunView | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "id": run.id,
        "trigger": run.trigger,
        "started": run.started_at.isoformat(),
        "started_text": _when(run.started_at),
        "finished": run.finished_at.isoformat() if run.finished_at else "",
        "status": run.status,
        "counts": {k.replace("_", " "): n for k, n in run.counts.items() if n},
        "errors": run.errors,
        "rejections": run.rejections,
    }


def source_row(view: SourceView) -> dict[str, Any]:
    return {
        "name": view.name,
        "format": view.format,
        "urls": view.urls,
        "interval": view.interval_minutes,
        "supplier": view.supplier or "",
        "trust": view.trust,
        "next": view.next_run_at.isoformat(),
        "next_text": _when(view.next_run_at),
        "harvesting": view.harvesting,
        "items": view.items,
        "missing": view.missing,
        "last": run_row(view.last_run),
        "runs": [run_row(r) for r in view.runs],
    }


class SourcePages(AdminController):
    @get(LIST, sync_to_thread=True)
    def sources(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        require_admin(maintainer)
        return _list_page(request, services, maintainer, errors={}, typed={})

    @post(LIST, sync_to_thread=True)
    def add_source(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        data: FormData,
    ) -> Redirect | Template:
        require_admin(maintainer)
        typed = {
            name: form_text(data, name, 200_000 if name == "urls" else 300)
            for name in ("name", "format", "urls", "interval", "supplier", "trust")
        }
        errors: dict[str, str] = {}
        interval: Any = typed["interval"].strip() or "1440"
        interval = int(interval) if interval.isdigit() else interval
        source = {
            "name": typed["name"].strip(),
            "format": typed["format"],
            "urls": [line.strip() for line in typed["urls"].splitlines() if line.strip()],
            "interval_minutes": interval,
            "supplier": typed["supplier"].strip() or None,
            "trust": typed["trust"] or "review",
        }
        try:
            view = services.sources.add(source, maintainer)
        except InvalidEntry as exc:
            for issue in exc.issues:
                errors.setdefault(_field(issue.path), _message(issue.path, issue.message))
        except Conflict as exc:
            errors["name"] = exc.detail
        else:
            flash(request, f"Added the source {view.name}; its first harvest is due now")
            return Redirect(path=f"{LIST}/{view.name}", status_code=303)
        return _list_page(request, services, maintainer, errors=errors, typed=typed)

    @get(f"{LIST}/{{name:str}}", sync_to_thread=True)
    def source(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        name: FromPath[str],
    ) -> Template:
        require_admin(maintainer)
        view = services.sources.show(name)
        return form_page(
            request,
            "admin/source.jinja",
            maintainer,
            f"Source {view.name}",
            {},
            source=source_row(view),
        )

    @post(f"{LIST}/{{name:str}}/harvest", sync_to_thread=True)
    def harvest_now(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        name: FromPath[str],
    ) -> Redirect:
        require_admin(maintainer)
        view = services.sources.queue(name, maintainer)
        scheduler = request.app.state.get("scheduler")
        if scheduler is not None:
            scheduler.wake()
            flash(request, f"The source {view.name} is being harvested; reload to see the run")
        else:
            flash(
                request,
                f"The source {view.name} is due now; an instance running the scheduler "
                "harvests it on its next round",
            )
        return Redirect(path=f"{LIST}/{view.name}", status_code=303)

    @post(f"{LIST}/{{name:str}}/remove", sync_to_thread=True)
    def remove(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        name: FromPath[str],
    ) -> Redirect:
        require_admin(maintainer)
        services.sources.remove(name, maintainer)
        flash(request, f"Removed the source {name}; the entries it gave stay")
        return Redirect(path=LIST, status_code=303)


def _message(path: str, message: str) -> str:
    if path.startswith("/urls/"):
        line = int(path.rsplit("/", 1)[1]) + 1 if path.rsplit("/", 1)[1].isdigit() else 0
        return f"URL on line {line}: {message}" if line else message
    if path == "/interval_minutes":
        return f"The interval {message}"
    return message[0].upper() + message[1:] if message else message


def _list_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    *,
    errors: dict[str, str],
    typed: dict[str, str],
) -> Template:
    return form_page(
        request,
        "admin/sources.jinja",
        maintainer,
        "Harvest sources",
        errors,
        sources=[source_row(v) for v in services.sources.all()],
        suppliers=[s.name for s in services.accounts.suppliers()],
        formats=FORMATS,
        trust_levels=TRUST_LEVELS,
        typed=typed,
    )
