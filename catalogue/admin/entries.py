"""Curation: find any entry, edit it in a form (problems shown next to the fields, by the
validator the API uses), add an entry, deprecate or retire it with a date, and merge a
duplicate into another entry. Every action is a revision with the maintainer and a reason,
taken through the entry service."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from catalogue.admin.base import AdminController, MaintainerDep, admin_page
from catalogue.admin.diff import diff
from catalogue.admin.entry_form import (
    KINDS,
    OTHER,
    STATUSES,
    URL_FIELDS,
    EntryForm,
    document_from_form,
    form_from_document,
    place_issues,
)
from catalogue.admin.session import flash
from catalogue.admin.signin import form_text
from registry.api.dependencies import ServicesDep
from registry.auth import Principal
from registry.errors import (
    Conflict,
    InvalidEntry,
    Moved,
    NotFound,
    PreconditionFailed,
    RegistryError,
)
from registry.repository import EntryFilter
from registry.views import EntryView
from registry.wiring import Services
from registry.workflow import State

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
MAX_REASON = 5000
PER_PAGE = 50
HISTORY = 20
STATES = [s.value for s in State]
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
ETAG_PATTERN = re.compile(r'^"(?P<id>.+)-(?P<revision>\d+)"$')
#: What the lifecycle forms do, in the words of their buttons and messages.
LIFECYCLE = {
    "deprecate": ("Deprecate", "Deprecated"),
    "retire": ("Retire", "Retired"),
}


def edit_url(entry_id: str) -> str:
    return f"/admin/entries/{quote(entry_id, safe='')}/edit"


def _reason(data: dict[str, Any], errors: dict[str, list[str]], field: str) -> str:
    reason = form_text(data, "reason", MAX_REASON + 1).strip()
    if not reason:
        errors.setdefault(field, []).append(
            "Enter a reason: it is kept in the entry's history and the audit log"
        )
    elif len(reason) > MAX_REASON:
        errors.setdefault(field, []).append(
            f"The reason must be {MAX_REASON:,} characters or fewer"
        )
    return reason


@dataclass
class Attempt:
    """What a maintainer typed into one of the page's forms, and what was wrong with it."""

    form: str  # "edit", "deprecate", "retire" or "merge"
    values: dict[str, Any]
    errors: dict[str, list[str]]
    entry_form: EntryForm | None = None
    #: The fields another maintainer changed since the page was opened.
    changed_since: list[Any] | None = None


class EntryPages(AdminController):
    @get("/admin/entries", sync_to_thread=True)
    def finder(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        params = request.query_params
        text = (params.get("q") or "")[:200].strip()
        state = params.get("state") or ""
        state = state if state in STATES else ""
        raw_page = params.get("page") or "1"
        number = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 100_000 else 1
        found = services.entries.list_entries(
            EntryFilter(text=text or None),
            number,
            PER_PAGE,
            maintainer,
            states=[state] if state else None,
        )
        rows = [
            {
                "id": view.id,
                "name": str(view.document.get("name", view.id)),
                "kind": view.document.get("kind", ""),
                "state": view.state.replace("_", " "),
                "supplier": view.supplier or "",
                "edit": edit_url(view.id),
                "review": _under_review(view),
            }
            for view in found.items
        ]
        pages = max(1, -(-found.total // PER_PAGE))

        def page_url(n: int) -> str:
            query = {k: v for k, v in (("q", text), ("state", state)) if v}
            return "/admin/entries?" + urlencode({**query, "page": n})

        return admin_page(
            request,
            "admin/entries.jinja",
            maintainer,
            title="Entries",
            rows=rows,
            total=found.total,
            q=text,
            state=state,
            states=STATES,
            previous_url=page_url(number - 1) if number > 1 else "",
            next_url=page_url(number + 1) if number < pages else "",
            page_number=number,
            pages=pages,
        )

    @get("/admin/entries/new", sync_to_thread=True)
    def new(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        kind = request.query_params.get("kind") or ""
        form = form_from_document({"kind": kind} if kind in KINDS else {})
        return _new_page(request, services, maintainer, form, entry_id="", reason="")

    @post("/admin/entries/new", sync_to_thread=True)
    def create(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        data: FormData,
    ) -> Redirect | Template:
        entry_id = form_text(data, "id", 200).strip()
        document, form = document_from_form(data, entry_id)
        reason = _reason(data, form.errors, "reason")
        if not ID_PATTERN.match(entry_id):
            form.add_error(
                "id",
                "Enter an id of lower-case letters, digits and hyphens, such as "
                "'nhs-login' (it cannot be changed later)",
            )
        if not form.errors:
            try:
                services.entries.create(document, maintainer, reason, publish=True)
            except InvalidEntry as invalid:
                place_issues(form, invalid.issues)
            except Conflict as conflict:
                form.add_error("id", conflict.detail)
            else:
                flash(request, f"Published {document.get('name', entry_id)}")
                return Redirect(path=edit_url(entry_id), status_code=303)
        return _new_page(
            request, services, maintainer, form, entry_id=entry_id, reason=reason, status=400
        )

    @get("/admin/entries/{entry_id:str}/edit", sync_to_thread=True)
    def edit(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        entry_id: FromPath[str],
    ) -> Template | Redirect:
        try:
            view = services.entries.get(entry_id, maintainer)
        except Moved as moved:
            return Redirect(path=edit_url(moved.target), status_code=303)
        return _edit_page(request, services, maintainer, view)

    @post("/admin/entries/{entry_id:str}/edit", sync_to_thread=True)
    def save(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        entry_id: FromPath[str],
        data: FormData,
    ) -> Redirect | Template:
        document, form = document_from_form(data, entry_id)
        reason = _reason(data, form.errors, "reason")
        etag = form_text(data, "etag", 300)
        attempt = Attempt("edit", {"reason": reason, "etag": etag}, form.errors, form)
        if not form.errors:
            try:
                services.entries.update(entry_id, document, maintainer, [etag], reason)
            except InvalidEntry as invalid:
                place_issues(form, invalid.issues)
            except PreconditionFailed:
                form.add_error(
                    "edit",
                    "Someone else changed this entry after you opened it. Their changes are "
                    "listed below; check your changes against them, then save again.",
                )
                attempt.changed_since = _changed_since(services, maintainer, entry_id, etag)
                attempt.values["etag"] = ""  # the page's current ETag is used from now on
            except (Conflict, NotFound) as refused:
                form.add_error("edit", refused.detail)
            else:
                flash(request, f"Saved your changes to {document.get('name', entry_id)}")
                return Redirect(path=edit_url(entry_id), status_code=303)
        view = services.entries.get(entry_id, maintainer)
        return _edit_page(request, services, maintainer, view, attempt)

    @post("/admin/entries/{entry_id:str}/deprecate", sync_to_thread=True)
    def deprecate(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        entry_id: FromPath[str],
        data: FormData,
    ) -> Redirect | Template:
        return _lifecycle(request, services, maintainer, entry_id, "deprecate", data)

    @post("/admin/entries/{entry_id:str}/retire", sync_to_thread=True)
    def retire(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        entry_id: FromPath[str],
        data: FormData,
    ) -> Redirect | Template:
        return _lifecycle(request, services, maintainer, entry_id, "retire", data)

    @post("/admin/entries/{entry_id:str}/merge", sync_to_thread=True)
    def merge(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        entry_id: FromPath[str],
        data: FormData,
    ) -> Redirect | Template:
        errors: dict[str, list[str]] = {}
        into = form_text(data, "into", 200).strip()
        reason = _reason(data, errors, "merge-reason")
        if not into:
            errors["merge-into"] = ["Enter the id of the entry to keep"]
        if not errors:
            try:
                services.entries.merge(entry_id, into, maintainer, reason)
            except InvalidEntry as invalid:
                for issue in invalid.issues:
                    field = "merge-reason" if issue.path == "/reason" else "merge-into"
                    errors.setdefault(field, []).append(issue.message)
            except (Conflict, NotFound) as refused:
                errors.setdefault("merge-into", []).append(refused.detail)
            else:
                flash(
                    request,
                    f"Merged {entry_id} into {into}: its address now leads here, "
                    "and its history is kept",
                )
                return Redirect(path=edit_url(into), status_code=303)
        view = services.entries.get(entry_id, maintainer)
        attempt = Attempt("merge", {"into": into, "reason": reason}, errors)
        return _edit_page(request, services, maintainer, view, attempt)


def _lifecycle(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    entry_id: str,
    action: str,
    data: dict[str, Any],
) -> Redirect | Template:
    errors: dict[str, list[str]] = {}
    reason = _reason(data, errors, f"{action}-reason")
    typed_date = form_text(data, "effective", 40).strip()
    effective: date | None = None
    if typed_date:
        try:
            effective = date.fromisoformat(typed_date)
        except ValueError:
            errors[f"{action}-effective"] = [
                "Enter the date as year-month-day, for example 2026-03-31"
            ]
    if not errors:
        etag = form_text(data, "etag", 300)
        try:
            view = services.entries.act(
                entry_id, action, maintainer, reason, [etag] if etag else None, effective
            )
        except InvalidEntry as invalid:
            for issue in invalid.issues:
                field = f"{action}-{'effective' if issue.path == '/effective' else 'reason'}"
                errors.setdefault(field, []).append(issue.message)
        except PreconditionFailed:
            errors[f"{action}-reason"] = [
                "Someone else changed this entry after you opened it; check it and try again"
            ]
        except (Conflict, NotFound) as refused:
            errors[f"{action}-reason"] = [refused.detail]
        else:
            name = view.document.get("name", entry_id)
            day = view.document.get("status_dates", {}).get(view.state, "")
            flash(request, f"{LIFECYCLE[action][1]} {name}, from {day}")
            return Redirect(path=edit_url(entry_id), status_code=303)
    view = services.entries.get(entry_id, maintainer)
    attempt = Attempt(action, {"reason": reason, "effective": typed_date}, errors)
    return _edit_page(request, services, maintainer, view, attempt)


def _under_review(view: EntryView) -> bool:
    return view.state == State.SUBMITTED.value or (
        view.pending is not None and view.pending.state == State.SUBMITTED.value
    )


def _changed_since(
    services: Services, maintainer: Principal, entry_id: str, etag: str
) -> list[Any]:
    """What changed between the revision the maintainer opened and the current one."""
    found = ETAG_PATTERN.match(etag)
    current = services.entries.get(entry_id, maintainer).document
    if found is None or found.group("id") != entry_id:
        return []
    try:
        opened = services.entries.revision(entry_id, int(found.group("revision")), maintainer)
    except RegistryError:
        return []
    return diff(opened.document or {}, current)


def _choices(services: Services, name: str, chosen: list[str]) -> list[dict[str, Any]]:
    terms = services.entries.vocabulary(name).terms
    known = {t.id for t in terms}
    options = [{"id": t.id, "label": t.label, "checked": t.id in chosen} for t in terms]
    # A reference the vocabulary no longer has stays visible, so saving does not drop it.
    unknown = [c for c in chosen if c not in known]
    return options + [{"id": c, "label": f"{c} (unknown)", "checked": True} for c in unknown]


def _form_context(services: Services, form: EntryForm) -> dict[str, Any]:
    return {
        "values": form.values,
        "kinds": KINDS,
        "statuses": STATUSES,
        "url_fields": URL_FIELDS,
        "categories": _choices(services, "categories", form.values.get("categories", [])),
        "care_settings": _choices(services, "care-settings", form.values.get("care_settings", [])),
        "other_field": OTHER,
    }


def _error_list(errors: dict[str, list[str]]) -> list[dict[str, str]]:
    return [
        {"text": message, "href": f"#{field}"}
        for field, messages in errors.items()
        for message in messages
    ]


def _new_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    form: EntryForm,
    *,
    entry_id: str,
    reason: str,
    status: int = 200,
) -> Template:
    return admin_page(
        request,
        "admin/entry_new.jinja",
        maintainer,
        status_code=status if form.errors else 200,
        title=("Error: " if form.errors else "") + "Add an entry",
        errors=form.errors,
        entry_id=entry_id,
        reason=reason,
        error_list=_error_list(form.errors),
        **_form_context(services, form),
    )


def _edit_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    view: EntryView,
    attempt: Attempt | None = None,
) -> Template:
    editing = attempt is not None and attempt.entry_form is not None
    form = (
        attempt.entry_form if attempt and attempt.entry_form else form_from_document(view.document)
    )
    errors = attempt.errors if attempt else {}
    typed = attempt.values if attempt else {}
    state = State(view.state)
    proposal_waiting = view.pending is not None and view.pending.state == State.SUBMITTED.value
    if state is State.RETIRED:
        locked = "This entry is retired: it can no longer be edited."
    elif state in (State.SUBMITTED, State.REJECTED) or proposal_waiting:
        locked = (
            "This entry is waiting for review: approve it, ask for changes or reject it "
            "before editing it yourself."
            if state is State.SUBMITTED or proposal_waiting
            else "This submission was rejected: it can no longer be edited."
        )
    else:
        locked = ""
    history = services.entries.revisions(view.id, maintainer)[-HISTORY:][::-1]
    name = str(view.document.get("name", view.id))
    return admin_page(
        request,
        "admin/entry_edit.jinja",
        maintainer,
        status_code=400 if errors else 200,
        title=("Error: " if errors else "") + f"Edit {name}",
        view=view,
        name=name,
        state=view.state.replace("_", " "),
        public=state.value in ("published", "deprecated", "retired"),
        under_review=_under_review(view),
        locked=locked,
        etag=typed.get("etag") or view.etag,
        attempt_form=attempt.form if attempt else "",
        typed=typed,
        changed_since=attempt.changed_since if attempt else None,
        lifecycle=[
            {"action": action, "label": label, "today": date.today().isoformat()}
            for action, (label, _) in LIFECYCLE.items()
            if action in view.allowed_actions
        ],
        can_merge=state in (State.PUBLISHED, State.DEPRECATED),
        history=history,
        errors=errors,
        error_list=_error_list(errors),
        editing=editing,
        **_form_context(services, form),
    )
