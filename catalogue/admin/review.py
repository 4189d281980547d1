"""The review queue, one entry's review page, and the approve / request changes / reject
actions that act on it as the signed-in maintainer."""

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from catalogue.admin.base import AdminController, MaintainerDep, admin_page
from catalogue.admin.diff import diff
from catalogue.admin.session import flash
from catalogue.forms import form_text
from registry.api.dependencies import ServicesDep
from registry.auth import Principal
from registry.curation import Curation
from registry.errors import Conflict, InvalidEntry, NotFound
from registry.views import EntryView
from registry.wiring import Services

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
MAX_REASON = 5000
#: The review page's three forms: the action, its button, whether a reason is required.
ACTIONS = {
    "approve": ("Approve", False),
    "request-changes": ("Request changes", True),
    "reject": ("Reject", True),
}
DONE = {
    "approve": "Approved {name}",
    "request-changes": "Asked the supplier to change {name}",
    "reject": "Rejected {name}",
}


def age(moment: datetime, now: datetime | None = None) -> str:
    """'submitted 3 days ago' and the like."""
    seconds = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"submitted {count} {unit}{'' if count == 1 else 's'} ago"
    return "submitted less than a minute ago"


def _under_review(view: EntryView) -> bool:
    return view.state == "submitted" or (
        view.pending is not None and view.pending.state == "submitted"
    )


class ReviewPages(AdminController):
    @get("/admin/queue", sync_to_thread=True)
    def queue(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        now = datetime.now(UTC)
        items = [
            {
                "id": item.entry_id,
                "name": item.name,
                "kind": "Proposed change" if item.proposal else "New entry",
                "supplier": item.supplier or "No supplier",
                "age": age(item.submitted_at, now),
                "submitted_at": item.submitted_at.isoformat(),
                "warnings": item.warnings,
            }
            for item in Curation(services.engine, services.entries).queue()
        ]
        return admin_page(
            request, "admin/queue.jinja", maintainer, title="Review queue", items=items
        )

    @get("/admin/entries/{entry_id:str}/review", sync_to_thread=True)
    def review(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        entry_id: FromPath[str],
    ) -> Template:
        return _review_page(request, services, maintainer, entry_id, errors={}, typed={})

    @post("/admin/entries/{entry_id:str}/review/{action:str}", sync_to_thread=True)
    def act(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        entry_id: FromPath[str],
        action: FromPath[str],
        data: FormData,
    ) -> Redirect | Template:
        if action not in ACTIONS:
            raise NotFound("There is no such review action.")
        reason = form_text(data, "reason", MAX_REASON + 1).strip()
        field = f"{action}-reason"
        errors: dict[str, str] = {}
        if ACTIONS[action][1] and not reason:
            errors[field] = "Enter a reason, so the supplier knows what to do next"
        elif len(reason) > MAX_REASON:
            errors[field] = f"The reason must be {MAX_REASON:,} characters or fewer"
        if not errors:
            try:
                view = services.entries.act(entry_id, action, maintainer, reason)
            except InvalidEntry as invalid:
                errors = _issue_errors(invalid, field)
            except Conflict as conflict:
                errors = {field: conflict.detail}
            else:
                name = str(view.document.get("name", entry_id))
                if view.pending is None and action == "approve" and view.state == "published":
                    flash(request, DONE[action].format(name=name) + ": it is now published")
                else:
                    flash(request, DONE[action].format(name=name))
                return Redirect(path="/admin/queue", status_code=303)
        return _review_page(
            request, services, maintainer, entry_id, errors=errors, typed={action: reason}
        )


def _issue_errors(invalid: InvalidEntry, field: str) -> dict[str, str]:
    """A missing reason belongs to the form's field; anything else is about the document."""
    errors: dict[str, str] = {}
    for number, issue in enumerate(invalid.issues):
        if issue.path == "/reason":
            errors[field] = issue.message
        else:
            errors[f"document-{number}"] = f"{issue.path or '/'}: {issue.message}"
    return errors or {field: invalid.detail}


def _review_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    entry_id: str,
    *,
    errors: dict[str, str],
    typed: dict[str, str],
) -> Template:
    view = services.entries.get(entry_id, maintainer)
    proposal = view.pending is not None and view.pending.document is not None
    document = view.pending.document if view.pending and view.pending.document else view.document
    changes = diff(view.document, document) if proposal else []
    forms = [
        {
            "action": action,
            "label": label,
            "required": required,
            "field": f"{action}-reason",
            "value": typed.get(action, ""),
        }
        for action, (label, required) in ACTIONS.items()
    ]
    name = str(document.get("name", entry_id))
    return admin_page(
        request,
        "admin/review.jinja",
        maintainer,
        status_code=400 if errors else 200,
        title=("Error: " if errors else "") + f"Review {name}",
        view=view,
        name=name,
        proposal=proposal,
        under_review=_under_review(view),
        document_json=json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True),
        changes=changes,
        similar=view.similar,
        forms=forms,
        errors=errors,
        error_list=[
            {"text": message, "href": f"#{key}" if key.endswith("-reason") else "#document"}
            for key, message in errors.items()
        ],
    )
