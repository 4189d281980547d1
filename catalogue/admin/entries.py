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
    input_for,
    place_issues,
    three_way,
)
from catalogue.admin.session import flash
from catalogue.forms import form_text
from registry.api.dependencies import ServicesDep
from registry.auth import Principal, Scope
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
#: The schema's slug: what an entry id may be.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
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
                "Enter an id of 2 to 63 lower-case letters, digits and hyphens, such as "
                "'nhs-login' (it cannot be changed later)",
            )
        if form.errors:
            _also_check(services, document, form)
        else:
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
        moved = _if_merged(request, services, maintainer, entry_id)
        if moved is not None:
            return moved
        document, form = document_from_form(data, entry_id)
        reason = _reason(data, form.errors, "reason")
        etag = form_text(data, "etag", 300)
        attempt = Attempt("edit", {"reason": reason, "etag": etag}, form.errors, form)
        if form.errors:
            _also_check(services, document, form)
        else:
            try:
                services.entries.update(entry_id, document, maintainer, [etag], reason)
            except InvalidEntry as invalid:
                place_issues(form, invalid.issues)
            except PreconditionFailed:
                attempt = _merge_with_theirs(services, maintainer, entry_id, document, attempt)
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
        moved = _if_merged(request, services, maintainer, entry_id)
        if moved is not None:
            return moved
        errors: dict[str, list[str]] = {}
        into = form_text(data, "into", 200).strip()
        reason = _reason(data, errors, "merge-reason")
        if not into:
            errors["merge-into"] = ["Enter the id of the entry to keep"]
        if not errors:
            try:
                etag = form_text(data, "etag", 300)
                services.entries.merge(entry_id, into, maintainer, reason, [etag] if etag else None)
            except InvalidEntry as invalid:
                for issue in invalid.issues:
                    field = "merge-reason" if issue.path == "/reason" else "merge-into"
                    errors.setdefault(field, []).append(issue.message)
            except PreconditionFailed:
                errors["merge-reason"] = [
                    "Someone else changed this entry after you opened it; check it and try again"
                ]
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
    moved = _if_merged(request, services, maintainer, entry_id)
    if moved is not None:
        return moved
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


def _also_check(services: Services, document: dict[str, Any], form: EntryForm) -> None:
    """A form already refused (no reason, bad YAML) still shows every problem of the
    document next to its field, so one round trip fixes everything. When the YAML box
    could not be read, what it holds is unknown: its own problems wait, the other inputs'
    are shown."""
    issues = services.entries.validate(document).issues
    if OTHER in form.errors:
        issues = [issue for issue in issues if input_for(issue.path) != OTHER]
    place_issues(form, issues)


def _if_merged(
    request: Request[Any, Any, Any], services: Services, maintainer: Principal, entry_id: str
) -> Redirect | None:
    """A form posted for an entry that has since been merged leads, with a message, to the
    edit page of the entry it was merged into (nothing is applied to either)."""
    try:
        services.entries.get(entry_id, maintainer)
    except Moved as moved:
        flash(
            request,
            f"{entry_id} was merged into {moved.target}, so your change was not made; "
            f"this is {moved.target}'s page",
        )
        return Redirect(path=edit_url(moved.target), status_code=303)
    return None


def _merge_with_theirs(
    services: Services,
    maintainer: Principal,
    entry_id: str,
    mine: dict[str, Any],
    attempt: Attempt,
) -> Attempt:
    """After a lost race: the form again, holding the other maintainer's changes and this
    one's together, and the current ETag, so saving again loses neither."""
    current = services.entries.get(entry_id, maintainer).document
    opened = _opened(services, maintainer, entry_id, str(attempt.values.get("etag", "")))
    merged, both = three_way(opened, mine, current) if opened is not None else (mine, [])
    form = form_from_document(merged)
    message = (
        "Someone else changed this entry after you opened it. Their changes (listed "
        "below) are now in the form with yours, and nothing is saved yet: check the form, "
        "then save again."
    )
    if both:
        message += f" You both changed {', '.join(both)}: the form shows your version."
    form.add_error("edit", message)
    return Attempt(
        "edit",
        {"reason": attempt.values.get("reason", ""), "etag": ""},  # "": the current ETag
        form.errors,
        form,
        changed_since=diff(opened, current) if opened is not None else None,
    )


def _under_review(view: EntryView) -> bool:
    return view.state == State.SUBMITTED.value or (
        view.pending is not None and view.pending.state == State.SUBMITTED.value
    )


def _opened(
    services: Services, maintainer: Principal, entry_id: str, etag: str
) -> dict[str, Any] | None:
    """The entry's document as the page showed it when the ETag was current: that of the
    newest revision up to the ETag's that is not a supplier's pending proposal."""
    found = ETAG_PATTERN.match(etag)
    if found is None or found.group("id") != entry_id:
        return None
    head = int(found.group("revision"))
    try:
        history = services.entries.revisions(entry_id, maintainer)
        number = max(
            (r.number for r in history if r.number <= head and r.proposal_state is None),
            default=None,
        )
        if number is None:
            return None
        return services.entries.revision(entry_id, number, maintainer).document
    except RegistryError:
        return None


def _choices(services: Services, name: str, chosen: list[str]) -> list[dict[str, Any]]:
    terms = services.entries.vocabulary(name).terms
    known = {t.id for t in terms}
    options = [{"id": t.id, "label": t.label, "checked": t.id in chosen} for t in terms]
    # A reference the vocabulary no longer has stays visible, so saving does not drop it.
    unknown = [c for c in chosen if c not in known]
    return options + [{"id": c, "label": f"{c} (unknown)", "checked": True} for c in unknown]


def _form_context(
    services: Services, form: EntryForm, statuses: tuple[str, ...] = STATUSES
) -> dict[str, Any]:
    return {
        "values": form.values,
        "kinds": KINDS,
        "statuses": statuses,
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
    form = (attempt.entry_form if attempt else None) or form_from_document(view.document)
    typed = attempt.values if attempt else {}
    state = State(view.state)
    proposal_waiting = view.pending is not None and view.pending.state == State.SUBMITTED.value
    if state is State.RETIRED:
        locked = "This entry is retired: it can no longer be edited."
    elif state is State.REJECTED:
        locked = "This submission was rejected: it can no longer be edited."
    elif state is State.SUBMITTED or proposal_waiting:
        locked = (
            "This entry is waiting for review: approve it, ask for changes or reject it "
            "before editing it yourself."
        )
    else:
        locked = ""
    lifecycle = [
        {"action": action, "label": label, "today": date.today().isoformat()}
        for action, (label, _) in LIFECYCLE.items()
        if action in view.allowed_actions
    ]
    can_merge = state in (State.PUBLISHED, State.DEPRECATED)
    shown = {*([] if locked else ["edit"]), *(f["action"] for f in lifecycle)}
    shown |= {"merge"} if can_merge else set()
    errors = _placed(attempt, shown)
    name = str(view.document.get("name", view.id))
    status = str(form.values.get("status", ""))
    if state is State.DEPRECATED:
        statuses: tuple[str, ...] = ("deprecated",)  # only the retire action moves it on
    else:
        statuses = STATUSES + ((status,) if status and status not in STATUSES else ())
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
        publishes=state in (State.PUBLISHED, State.DEPRECATED),
        under_review=_under_review(view),
        is_admin=maintainer.has(Scope.ADMIN),
        locked=locked,
        etag=typed.get("etag") or view.etag,
        attempt_form=attempt.form if attempt else "",
        typed=typed,
        changed_since=attempt.changed_since if attempt else None,
        lifecycle=lifecycle,
        can_merge=can_merge,
        history=services.entries.revisions(view.id, maintainer)[-HISTORY:][::-1],
        errors=errors,
        error_list=_error_list(errors),
        **_form_context(services, form, statuses),
    )


def _placed(attempt: Attempt | None, shown: set[str]) -> dict[str, list[str]]:
    """The attempt's problems by field; those of a form the page no longer shows (the
    entry changed state meanwhile) go to the top of the page, so none is lost."""
    if attempt is None:
        return {}
    if attempt.form in shown:
        return attempt.errors
    return {"page": [m for messages in attempt.errors.values() for m in messages]}
