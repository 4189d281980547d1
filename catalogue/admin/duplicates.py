"""Merge proposals: pairs of entries the duplicate rule takes for one product, shown side
by side with the evidence; a reviewer merges them (through the merge use case, so the
history is kept and the old id redirects) or dismisses them with a reason."""

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from catalogue.admin.base import AdminController, MaintainerDep, form_page
from catalogue.admin.session import flash
from catalogue.forms import form_text
from registry.api.dependencies import SearchDep, ServicesDep
from registry.auth import Principal
from registry.errors import Conflict, InvalidEntry, NotFound
from registry.merge_proposals import MAX_REASON, STATES, ProposalView
from registry.wiring import Search, Services

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
PAGE = "/admin/duplicates"
#: The pairs' fields compared side by side: (label, how to read it from a side).
URL_LABELS = (
    ("documentation", "Documentation"),
    ("repository", "Repository"),
    ("homepage", "Website"),
)
STATE_WORDS = {
    "proposed": "Proposed",
    "merged": "Merged",
    "dismissed": "Dismissed",
    "withdrawn": "Withdrawn",
}


def proposal_url(proposal_id: int) -> str:
    return f"{PAGE}/{proposal_id}"


class DuplicatePages(AdminController):
    @get(PAGE, sync_to_thread=True)
    def proposals(
        self, request: Request[Any, Any, Any], services: ServicesDep, maintainer: MaintainerDep
    ) -> Template:
        return _list_page(request, services, maintainer)

    @post(f"{PAGE}/refresh", sync_to_thread=True)
    def refresh(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        search: SearchDep,
        maintainer: MaintainerDep,
    ) -> Redirect:
        report = services.proposals.refresh(maintainer)
        _search_follows(search)
        flash(
            request,
            f"Found {len(report.proposed)} new pair(s) to review; "
            f"withdrew {len(report.withdrawn)} the rule no longer supports",
        )
        return Redirect(path=PAGE, status_code=303)

    @get(f"{PAGE}/{{proposal_id:int}}", sync_to_thread=True)
    def proposal(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        maintainer: MaintainerDep,
        proposal_id: FromPath[int],
    ) -> Template:
        return _proposal_page(request, services, maintainer, proposal_id)

    @post(f"{PAGE}/{{proposal_id:int}}/approve", sync_to_thread=True)
    def approve(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        search: SearchDep,
        maintainer: MaintainerDep,
        proposal_id: FromPath[int],
        data: FormData,
    ) -> Redirect | Template:
        keep = form_text(data, "keep", 100).strip()
        reason = form_text(data, "reason", MAX_REASON + 1).strip()
        errors: dict[str, str] = {}
        if len(reason) > MAX_REASON:
            errors["approve-reason"] = f"The reason must be {MAX_REASON:,} characters or fewer"
        elif not keep:
            errors["keep"] = "Choose the entry to keep"
        else:
            try:
                kept = services.proposals.approve(proposal_id, maintainer, reason, keep=keep)
            except InvalidEntry as invalid:
                errors["keep"] = invalid.issues[0].message if invalid.issues else invalid.detail
            except Conflict as refused:
                errors["approve-reason"] = refused.detail
            else:
                _search_follows(search)
                name = kept.document.get("name", kept.id)
                flash(
                    request,
                    f"Merged the pair into {name} ({kept.id}): the other id now leads there, "
                    "and its history is kept",
                )
                return Redirect(path=PAGE, status_code=303)
        typed = {"keep": keep, "approve-reason": reason}
        return _proposal_page(request, services, maintainer, proposal_id, errors, typed)

    @post(f"{PAGE}/{{proposal_id:int}}/dismiss", sync_to_thread=True)
    def dismiss(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        search: SearchDep,
        maintainer: MaintainerDep,
        proposal_id: FromPath[int],
        data: FormData,
    ) -> Redirect | Template:
        reason = form_text(data, "reason", MAX_REASON + 1).strip()
        errors: dict[str, str] = {}
        if not reason:
            errors["dismiss-reason"] = "Enter why these are not the same product"
        else:
            try:
                services.proposals.dismiss(proposal_id, maintainer, reason)
            except (InvalidEntry, Conflict) as refused:
                errors["dismiss-reason"] = (
                    refused.issues[0].message
                    if isinstance(refused, InvalidEntry) and refused.issues
                    else refused.detail
                )
            else:
                _search_follows(search)
                flash(request, f"Dismissed proposal {proposal_id}: both entries stay listed")
                return Redirect(path=PAGE, status_code=303)
        typed = {"dismiss-reason": reason}
        return _proposal_page(request, services, maintainer, proposal_id, errors, typed)


def _search_follows(search: Search) -> None:
    """This instance's search shows the decision at once (others within one poll)."""
    if search.links is not None:
        search.links.sync()


def _list_page(
    request: Request[Any, Any, Any], services: Services, maintainer: Principal
) -> Template:
    proposed = services.proposals.listing(maintainer, ("proposed",))
    decided = services.proposals.listing(maintainer, tuple(s for s in STATES if s != "proposed"))
    return form_page(
        request,
        "admin/duplicates.jinja",
        maintainer,
        "Possible duplicates",
        {},
        proposed=[_row(p) for p in proposed],
        decided=[_row(p) for p in reversed(decided[-50:])],
    )


def _row(proposal: ProposalView) -> dict[str, Any]:
    return {
        "id": proposal.id,
        "url": proposal_url(proposal.id),
        "entry": proposal.entry,
        "keep": proposal.keep,
        "evidence": proposal.evidence,
        "state": STATE_WORDS.get(proposal.state, proposal.state),
        "decided_by": proposal.decided_by,
        "decided_at": proposal.decided_at,
        "reason": proposal.reason,
    }


def _proposal_page(
    request: Request[Any, Any, Any],
    services: Services,
    maintainer: Principal,
    proposal_id: int,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Template:
    try:
        proposal = services.proposals.get(proposal_id, maintainer)
    except NotFound:
        raise NotFound(f"There is no merge proposal {proposal_id}.") from None
    typed = typed or {}
    sides = (proposal.keep, proposal.entry)
    rows = [
        ("Id", [s.id for s in sides]),
        ("Kind", [s.kind for s in sides]),
        ("State", [s.state for s in sides]),
        ("Owner", [s.owner for s in sides]),
        ("Summary", [s.summary for s in sides]),
        *[(label, [s.urls.get(key, "") for s in sides]) for key, label in URL_LABELS],
        ("Where it came from", [s.source for s in sides]),
    ]
    return form_page(
        request,
        "admin/duplicate.jinja",
        maintainer,
        f"Possible duplicate: {proposal.keep.name}",
        errors or {},
        proposal=proposal,
        state=STATE_WORDS.get(proposal.state, proposal.state),
        sides=sides,
        rows=rows,
        keep=typed.get("keep") or proposal.keep.id,
        typed=typed,
    )
