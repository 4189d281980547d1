"""The audit log (admins only): every write by anyone, filtered, paged, and as CSV."""

import csv
import io
import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Stream, Template

from catalogue.admin.base import NO_STORE, AdminController, MaintainerDep, admin_page
from catalogue.admin.session import require_admin
from registry.api.dependencies import ServicesDep
from registry.curation import AuditFilter, AuditRow, Curation

PER_PAGE = 50
CSV_COLUMNS = ("id", "time", "actor", "action", "entry", "detail")
#: A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIELDS = ("entry", "actor", "from", "to")


def csv_cell(value: str) -> str:
    """The value, defused: a leading formula character gets a ' in front."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_text(rows: Iterator[AuditRow]) -> Iterator[str]:
    """The CSV file, a line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(c) for c in cells])
        return buffer.getvalue()

    yield line(list(CSV_COLUMNS))
    for row in rows:
        detail = json.dumps(row.detail, ensure_ascii=False, sort_keys=True)
        yield line([str(row.id), row.created_at, row.actor, row.action, row.entry_id or "", detail])


def parse_filters(params: Mapping[str, str]) -> tuple[AuditFilter, dict[str, str], dict[str, str]]:
    """The filters, what was typed (to show again) and any errors, by field name."""
    typed = {name: params.get(name, "").strip()[:300] for name in FIELDS}
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name, label in (("from", "From"), ("to", "To")):
        days[name] = None
        if typed[name]:
            try:
                days[name] = date.fromisoformat(typed[name])
            except ValueError:
                errors[name] = f"{label} date must be a real date, like 2026-11-26"
    since, until = days["from"], days["to"]
    if since and until and since > until:
        errors["to"] = "To date must be the same as or after the from date"
    filters = AuditFilter(entry_id=typed["entry"], actor=typed["actor"], since=since, until=until)
    return filters, typed, errors


class AuditPages(AdminController):
    @get("/admin/audit", sync_to_thread=True)
    def audit(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        require_admin(maintainer)
        params = request.query_params
        filters, typed, errors = parse_filters(params)
        try:
            page = max(1, min(int(params.get("page", "1")), 100_000))
        except ValueError:
            page = 1
        rows: list[AuditRow] = []
        total = 0
        if not errors:
            rows, total = Curation(services.engine, services.entries).audit(filters, page, PER_PAGE)
        query = {k: v for k, v in typed.items() if v}
        last_page = max(1, -(-total // PER_PAGE))
        return admin_page(
            request,
            "admin/audit.jinja",
            maintainer,
            status_code=400 if errors else 200,
            title=("Error: " if errors else "") + "Audit log",
            rows=[
                {**row.__dict__, "detail_text": json.dumps(row.detail, ensure_ascii=False)}
                for row in rows
            ],
            total=total,
            page=page,
            last_page=last_page,
            typed=typed,
            errors=errors,
            error_list=[{"text": errors[n], "href": f"#{n}"} for n in FIELDS if n in errors],
            previous_url=f"/admin/audit?{urlencode({**query, 'page': page - 1})}"
            if page > 1
            else None,
            next_url=f"/admin/audit?{urlencode({**query, 'page': page + 1})}"
            if page < last_page
            else None,
            csv_url="/admin/audit.csv" + (f"?{urlencode(query)}" if query else ""),
        )

    @get("/admin/audit.csv", sync_to_thread=True)
    def audit_csv(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Stream:
        require_admin(maintainer)
        filters, _, errors = parse_filters(request.query_params)
        # Filters that do not parse give just the header row, never the whole log.
        rows = (
            iter(())
            if errors
            else Curation(services.engine, services.entries).audit_export(filters)
        )
        return Stream(
            csv_text(rows),
            media_type="text/csv",
            headers={**NO_STORE, "Content-Disposition": 'attachment; filename="audit-log.csv"'},
        )
